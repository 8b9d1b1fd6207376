"""Read-only aggregate reports for network staff and librarians: queries, charts, CSV."""
