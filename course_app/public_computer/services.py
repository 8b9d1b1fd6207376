"""Recording that a librarian marked or unmarked a browser as a public computer."""

from __future__ import annotations

from course_app.accounts.models import User
from course_app.audit.services import record_event
from course_app.public_computer.marker import PublicComputer


def record_public_computer_change(actor: User, public: bool, browser: str) -> PublicComputer | None:
    """The mark for actor's library (None when unmarked), with the change in the audit log."""
    record_event(
        actor,
        "public_computer.marked" if public else "public_computer.unmarked",
        actor,
        actor.organisation,
        browser=browser[:200],
    )
    return PublicComputer(actor.organisation_id, actor.id) if public else None
