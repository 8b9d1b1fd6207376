"""What the classes package adds to others' pages."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import delete

from course_app.classes.models import Assignment, ClassMember
from course_app.classes.table import my_assignments
from course_app.db import utc_now
from course_app.events import account_erased
from course_app.extensions import db
from course_app.learning.hooks import my_learning_shown


def on_my_learning(sender, learner, courses) -> dict:
    """A signed-in patron's work assigned by their classes ("Assigned to me")."""
    if not current_user.is_authenticated or learner is None:
        return {}
    return {"assigned": my_assignments(current_user, utc_now())}


def on_account_erased(sender, user_id: int) -> None:
    """The patron leaves every class, with the work assigned to them alone."""
    db.session.execute(delete(Assignment).where(Assignment.user_id == user_id))
    db.session.execute(delete(ClassMember).where(ClassMember.user_id == user_id))


def connect() -> None:
    my_learning_shown.connect(on_my_learning)
    account_erased.connect(on_account_erased)
