"""What the desk does when others announce a change (events.py)."""

from __future__ import annotations

from sqlalchemy import delete

from course_app.desk.models import LibraryCard, ResetCode
from course_app.events import account_erased
from course_app.extensions import db


def on_account_erased(sender, user_id: int) -> None:
    """The patron's library card (its keyed hash and last four) and reset codes go."""
    db.session.execute(delete(LibraryCard).where(LibraryCard.user_id == user_id))
    db.session.execute(delete(ResetCode).where(ResetCode.user_id == user_id))


def connect() -> None:
    account_erased.connect(on_account_erased)
