"""Public-computer mode: a browser a librarian marked as shared by patrons of the branch."""
