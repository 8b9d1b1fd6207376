"""What the quizzes package does when others announce a change (events.py)."""

from __future__ import annotations

from course_app.events import Change, ProgressChange, progress_changed
from course_app.quizzes.services import erase_attempts, merge_attempts


def on_progress_changed(sender, change: ProgressChange) -> None:
    if change.change is Change.GUEST_MERGED and change.merged_from is not None:
        merge_attempts(change.merged_from, change.learner_id)
    elif change.change is Change.LEARNER_ERASED:
        erase_attempts(change.learner_id)


def connect() -> None:
    progress_changed.connect(on_progress_changed)
