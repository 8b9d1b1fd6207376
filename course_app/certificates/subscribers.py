"""What the certificates package does when others announce a change (events.py)."""

from __future__ import annotations

from sqlalchemy import select

from course_app.certificates.models import Certificate
from course_app.certificates.openbadges import record_new_badge
from course_app.certificates.services import merge_certificates, withdraw_certificates_of
from course_app.events import Change, ProgressChange, progress_changed
from course_app.extensions import db
from course_app.learning.hooks import my_learning_shown


def on_progress_changed(sender, change: ProgressChange) -> None:
    if change.change is Change.GUEST_MERGED and change.merged_from is not None:
        merge_certificates(change.merged_from, change.learner_id)
    elif change.change is Change.LEARNER_ERASED:
        withdraw_certificates_of(change.learner_id)
    elif change.change is Change.CERTIFICATE_ISSUED and change.course_id is not None:
        # Each certificate gets its Open Badges salt when it is issued.
        record_new_badge(change.learner_id, change.course_id)


def on_my_learning(sender, learner, courses) -> dict:
    """The learner's certificates, by course, for the links on My learning."""
    if learner is None or not courses:
        return {}
    found = db.session.scalars(select(Certificate).where(Certificate.learner_id == learner.id))
    return {"certificates": {c.course_id: c for c in found}}


def connect() -> None:
    progress_changed.connect(on_progress_changed)
    my_learning_shown.connect(on_my_learning)
