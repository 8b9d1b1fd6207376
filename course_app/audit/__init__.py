"""The audit log: who changed what, in which library, and when."""
