"""Report tests: a small data set whose answers are worked out by hand."""
