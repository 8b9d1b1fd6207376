"""Library organisations: a network of library systems, each with branches."""
