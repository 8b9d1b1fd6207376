"""Classes a librarian runs, the patrons in them, and the courses assigned to them."""
