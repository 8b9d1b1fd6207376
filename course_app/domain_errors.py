"""The one shape of a refused request in every service: an exception naming its rule."""

from __future__ import annotations


class DomainError(Exception):
    """A change a service refuses; `reason` names the rule, and views map it to words.

    A refusal no view maps reaches the error page (errors.py) as a 409; a subclass that keeps
    a table of words for its reasons says them there through message() and details().
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    def message(self) -> str | None:
        """What a person reads about this refusal; None lets the error page say it generally."""
        return None

    def details(self) -> list[str]:
        """Sentences that say more (one a line of a file, say); none by default."""
        return []
