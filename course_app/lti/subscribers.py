"""What the LTI package does when others announce a change (events.py): a step that finishes
a placed course or module makes the learner's gradebook column due; an erased learner or
account leaves nothing here."""

from __future__ import annotations

from sqlalchemy import delete

from course_app.events import Change, ProgressChange, account_erased, progress_changed
from course_app.extensions import db
from course_app.lti import grades
from course_app.lti.models import LtiGradeTarget, LtiIdentity

# Changes after which a placed course or module may be finished.
FINISHING = {Change.LESSON_DONE, Change.QUIZ_ATTEMPT, Change.MODULE_FINISHED, Change.COMPLETED}


def on_progress_changed(sender, change: ProgressChange) -> None:
    if change.change in FINISHING and change.course_id is not None:
        grades.mark_finished_due_at_commit(change.learner_id, change.course_id)
    elif change.change is Change.LEARNER_ERASED:
        db.session.execute(
            delete(LtiGradeTarget).where(LtiGradeTarget.learner_id == change.learner_id)
        )


def on_account_erased(sender, user_id: int) -> None:
    """An erased account keeps no link to the platform person it was."""
    db.session.execute(delete(LtiIdentity).where(LtiIdentity.user_id == user_id))


def connect() -> None:
    progress_changed.connect(on_progress_changed)
    account_erased.connect(on_account_erased)
    grades.connect_queue()
