"""Patron accounts made at the library desk: cards, sign-in cards, CSV import, reset codes."""
