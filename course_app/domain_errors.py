"""The one shape of a refused request in every service: an exception naming its rule."""

from __future__ import annotations


class DomainError(Exception):
    """A change a service refuses; `reason` names the rule, and views map it to words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
