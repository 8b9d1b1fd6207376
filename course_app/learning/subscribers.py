"""What learning does when others announce a change (events.py)."""

from __future__ import annotations

from course_app.events import Change, ProgressChange, course_content_changed, progress_changed
from course_app.learning import reimports
from course_app.learning.services import erase_learning, merge_learning


def on_progress_changed(sender, change: ProgressChange) -> None:
    if change.change is Change.GUEST_MERGED and change.merged_from is not None:
        merge_learning(change.merged_from, change.learner_id)
    elif change.change is Change.LEARNER_ERASED:
        erase_learning(change.learner_id)


def connect() -> None:
    progress_changed.connect(on_progress_changed)
    # A re-import may have taken steps away: the completions now due are recorded by a job
    # after the import commits (reimports.py). Steps it added change nothing recorded (a
    # completion stands).
    course_content_changed.connect(reimports.note_reimport)
    reimports.connect_queue()
