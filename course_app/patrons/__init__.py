"""A page per patron for the librarians of their library and staff: progress, quizzes,
certificates, classes, account state, and the actions a desk needs."""
