"""What the certificates package does when others announce a change (events.py)."""

from __future__ import annotations

from course_app.certificates.services import merge_certificates
from course_app.events import Change, ProgressChange, progress_changed


def on_progress_changed(sender, change: ProgressChange) -> None:
    if change.change is Change.GUEST_MERGED and change.merged_from is not None:
        merge_certificates(change.merged_from, change.learner_id)


def connect() -> None:
    progress_changed.connect(on_progress_changed)
