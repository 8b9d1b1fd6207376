"""The report tables kept in step with progress, through the progress event.

Reports subscribe to `events.progress_changed`: each change marks a (learner, course) as
changed in the session, and just before the session commits every marked pair is counted
again once (a request that records a lesson, a completion and a new enrolment refreshes its
pair once). The refresh is part of the writer's transaction: both commit, or neither.

After a re-import, learning's job announces the course settled for a batch of its learners
at a time (`course_content_settled`): the batch is counted again together in that job's
transaction (a few statements, not a few per learner), and its pairs not one by one besides.

Nothing outside this package calls in here; a new write path only has to announce.
"""

from __future__ import annotations

from sqlalchemy import event, select, union

from course_app.events import Change, ProgressChange, course_content_settled, progress_changed
from course_app.extensions import db
from course_app.learning.models import Enrolment
from course_app.reports.course_cells import (
    drop_learner_shares,
    refresh_course_share,
    refresh_learners_shares,
)
from course_app.reports.models import ReportCourseShare, ReportMonth
from course_app.reports.rollup import (
    drop_learner_months,
    refresh_learners_months,
    refresh_months,
)

PENDING = "report_changes"
SETTLED = "report_settled_learners"
WHOLE_LEARNER = -1  # the course id that stands for every course of the learner


def note_change(sender, change: ProgressChange) -> None:
    """Marks what to count again at commit; a merged guest's rows go at once (the guest's
    learner row is deleted before the commit)."""
    if change.change is Change.GUEST_MERGED and change.merged_from is not None:
        drop_learner_shares(change.merged_from)
        drop_learner_months(change.merged_from)
        _pending().add((change.learner_id, WHOLE_LEARNER))
        # The account's rows are counted again from scratch: its start dates may move.
        _pending().add((change.learner_id, None))
        return
    if change.change is Change.LEARNER_ERASED:
        # Aggregates lose the learner's share now; nothing kept points at them afterwards.
        drop_learner_shares(change.learner_id)
        drop_learner_months(change.learner_id)
        pending = _pending()
        pending -= {pair for pair in pending if pair[0] == change.learner_id}
        return
    course = WHOLE_LEARNER if change.course_id is None else change.course_id
    _pending().add((change.learner_id, course))


def _pending() -> set:
    return db.session.info.setdefault(PENDING, set())


def note_course_settled(sender, course_id: int, learner_ids: list[int]) -> None:
    """Marks these learners of the course to count again together at commit."""
    db.session.info.setdefault(SETTLED, {}).setdefault(course_id, set()).update(learner_ids)


def refresh_pending(session) -> None:
    """Counts every changed (learner, course) again, and the learners of a settled course
    together; runs just before the session commits."""
    batches = session.info.pop(SETTLED, {})
    pending = session.info.pop(PENDING, set())
    pairs: set[tuple[int, int]] = set()
    for learner_id, course_id in pending:
        if course_id is None:
            drop_learner_months(learner_id)
        elif course_id == WHOLE_LEARNER:
            pairs |= {(learner_id, c) for c in _courses_of(learner_id)}
        else:
            pairs.add((learner_id, course_id))
    # In key order, so that two transactions touching shared cells lock them in one order.
    for learner_id, course_id in sorted(pairs):
        if learner_id not in batches.get(course_id, ()):
            refresh_months(learner_id, course_id)
            refresh_course_share(learner_id, course_id)
    for course_id, learner_ids in sorted(batches.items()):
        refresh_learners_months(course_id, sorted(learner_ids))
        refresh_learners_shares(course_id, sorted(learner_ids))


def _courses_of(learner_id: int) -> list[int]:
    """Every course the learner has report rows or an enrolment in."""
    return list(
        db.session.scalars(
            union(
                select(Enrolment.course_id).where(Enrolment.learner_id == learner_id),
                select(ReportCourseShare.course_id).where(
                    ReportCourseShare.learner_id == learner_id
                ),
                select(ReportMonth.course_id).where(ReportMonth.learner_id == learner_id),
            )
        )
    )


def _forget_pending(session, *_args) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(SETTLED, None)


def connect() -> None:
    progress_changed.connect(note_change)
    course_content_settled.connect(note_course_settled)
    if not event.contains(db.session, "before_commit", refresh_pending):
        event.listen(db.session, "before_commit", refresh_pending)
        event.listen(db.session, "after_rollback", _forget_pending)
