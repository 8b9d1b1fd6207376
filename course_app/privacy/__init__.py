"""Patron privacy: the privacy page, taking one's data, erasing one's account, and retention."""
