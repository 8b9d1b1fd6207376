"""A librarian marks a patron's "may need help" flags in a class handled (they called, they
met); the mark lasts until the patron does something new."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from course_app.accounts.models import User
from course_app.audit.services import record_event
from course_app.classes.models import HelpFlagMark, LearningClass
from course_app.extensions import db


def mark_help_handled(
    actor: User, learning_class: LearningClass, patron: User, now: datetime
) -> HelpFlagMark:
    """Records that the patron's flags in this class were handled now; audited."""
    mark = db.session.scalar(
        select(HelpFlagMark).where(
            HelpFlagMark.class_id == learning_class.id, HelpFlagMark.user_id == patron.id
        )
    )
    if mark is None:
        mark = HelpFlagMark(class_id=learning_class.id, user_id=patron.id)
        db.session.add(mark)
    mark.handled_at = now
    mark.handled_by_id = actor.id
    db.session.flush()
    record_event(
        actor,
        "class.help_handled",
        learning_class,
        learning_class.organisation,
        user_id=patron.id,
        username=patron.username,
    )
    return mark
