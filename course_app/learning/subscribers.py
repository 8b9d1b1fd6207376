"""What learning does when others announce a change (events.py)."""

from __future__ import annotations

from sqlalchemy import select

from course_app.content.models import Course
from course_app.events import Change, ProgressChange, course_content_changed, progress_changed
from course_app.extensions import db
from course_app.learning.models import Enrolment
from course_app.learning.services import erase_learning, merge_learning, record_completions_due


def on_progress_changed(sender, change: ProgressChange) -> None:
    if change.change is Change.GUEST_MERGED and change.merged_from is not None:
        merge_learning(change.merged_from, change.learner_id)
    elif change.change is Change.LEARNER_ERASED:
        erase_learning(change.learner_id)


def on_course_content_changed(sender, course_id: int) -> None:
    """A re-import may have taken steps away: record the completions that are now due. Steps
    it added change nothing recorded (a completion stands)."""
    course = db.session.get(Course, course_id)
    enrolled = select(Enrolment.learner_id).where(Enrolment.course_id == course_id)
    record_completions_due(course, enrolled)


def connect() -> None:
    progress_changed.connect(on_progress_changed)
    course_content_changed.connect(on_course_content_changed)
