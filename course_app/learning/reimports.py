"""After a re-import: the course's learners settled in a job, off the import's path.

A re-import can take steps away, and then modules and courses are finished for learners
who did everything else. Finding them reads every enrolled learner's progress (3 s of a 5 s
import for a course with 10,000 learners), and the report tables of the whole course are
counted again after it, so none of this runs inside the import: the import's commit queues
one job per changed course version, and the job records the completions (permanent, as
every completion is) and announces the course settled (events.course_content_settled), in
one transaction. Until it has run, a learner's own next step records what is due anyway
(services._settle).

The job is idempotent: run twice, or after a later version's job, it records nothing new
and the report tables come out the same. It works through the learners in batches, one
transaction each (a course with 10,000 learners in one transaction held SQLite's only write
lock for 13 s). A job for a version that has since been replaced
does nothing: the newer version's job follows it.
"""

from __future__ import annotations

from sqlalchemy import event, select

from course_app.content.models import Course
from course_app.events import course_content_settled
from course_app.extensions import db
from course_app.jobs import job
from course_app.learning.models import Enrolment
from course_app.learning.services import record_completions_due

QUEUED = "reimported_courses"
BATCH = 500  # learners per transaction


def note_reimport(sender, course_id: int) -> None:
    """Remembers the changed course version; its job is queued once the import commits."""
    course = db.session.get(Course, course_id)
    db.session.info.setdefault(QUEUED, set()).add((course_id, course.content_hash))


def settle_learners(course_id: int, content_hash: str, learner_ids: list[int]) -> bool:
    """Records the completions due to these learners of the course at this version and
    announces them settled (flushed, not committed); False, and nothing written, when the
    course has moved on to another version since."""
    course = db.session.get(Course, course_id)
    if course is None or course.content_hash != content_hash:
        return False
    # Progress writers lock the learner's enrolment first (services.course_for_progress):
    # locking these enrolments makes a learner's step wait for this batch, or the batch for
    # the step, so no completion is missed and no report row counted twice (PostgreSQL;
    # SQLite serialises writers itself).
    batch = select(Enrolment.learner_id).where(
        Enrolment.course_id == course_id, Enrolment.learner_id.in_(learner_ids)
    )
    db.session.execute(batch.with_for_update()).all()
    record_completions_due(course, batch)
    course_content_settled.send(None, course_id=course_id, learner_ids=learner_ids)
    return True


@job(retries=5, retry_delay=30, retry_backoff=2.0)
def settle_reimported_course(course_id: int, content_hash: str) -> None:
    """The job: every learner of the course settled, BATCH at a time, each batch committed
    on its own so that no writer waits long for it (SQLite's one writer, PostgreSQL's row
    locks) and no statement nears the statement timeout. A retry starts again from the
    first batch; batches already done change nothing."""
    learner_ids = db.session.scalars(
        select(Enrolment.learner_id)
        .where(Enrolment.course_id == course_id)
        .order_by(Enrolment.learner_id)
    ).all()
    db.session.rollback()  # no read transaction held between batches
    for start in range(0, len(learner_ids), BATCH):
        if not settle_learners(course_id, content_hash, learner_ids[start : start + BATCH]):
            db.session.rollback()
            return  # a newer version's job settles the course
        db.session.commit()


def _queue_after_commit(session) -> None:
    for course_id, content_hash in sorted(session.info.pop(QUEUED, ())):
        settle_reimported_course(course_id, content_hash)


def _forget(session, *_args) -> None:
    session.info.pop(QUEUED, None)


def connect_queue() -> None:
    if not event.contains(db.session, "after_commit", _queue_after_commit):
        event.listen(db.session, "after_commit", _queue_after_commit)
        event.listen(db.session, "after_rollback", _forget)
