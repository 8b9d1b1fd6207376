"""A course completed by someone a platform launched goes back to that platform's gradebook
(LTI Assignment and Grade Services): the progress event marks their gradebook columns due
inside the writer's transaction, and the queue's job posts them after the commit, retried
with growing delays while the platform refuses."""

from __future__ import annotations

from flask import current_app
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector
from requests import RequestException
from sqlalchemy import delete, event, select, update

from course_app.db import utc_now
from course_app.events import Change, ProgressChange, account_erased, progress_changed
from course_app.extensions import db
from course_app.jobs import job
from course_app.learning.models import Enrolment
from course_app.lti.models import LtiGradeTarget, LtiIdentity, LtiRegistration
from course_app.lti.platforms import as_pylti_registration

QUEUED = "lti_grades_queued"


class GradeNotPosted(RuntimeError):
    """The platform did not take a score; the job is tried again later."""


def mark_due(learner_id: int, course_id: int) -> int:
    """Marks the learner's gradebook columns for the course due; returns how many."""
    marked = db.session.execute(
        update(LtiGradeTarget)
        .where(LtiGradeTarget.learner_id == learner_id, LtiGradeTarget.course_id == course_id)
        .values(due_since=utc_now())
    ).rowcount
    if marked:
        db.session.info[QUEUED] = True
    return marked


def mark_due_if_completed(target: LtiGradeTarget) -> None:
    """A column found at a launch after the course was already completed is due at once."""
    completed = db.session.scalar(
        select(Enrolment.completed_at).where(
            Enrolment.learner_id == target.learner_id, Enrolment.course_id == target.course_id
        )
    )
    if completed is not None and target.posted_at is None:
        target.due_since = utc_now()
        db.session.info[QUEUED] = True


def on_progress_changed(sender, change: ProgressChange) -> None:
    if change.change is Change.COMPLETED and change.course_id is not None:
        mark_due(change.learner_id, change.course_id)
    elif change.change is Change.LEARNER_ERASED:
        # An erased patron's gradebook columns go with them (issue 14, privacy).
        db.session.execute(
            delete(LtiGradeTarget).where(LtiGradeTarget.learner_id == change.learner_id)
        )


def on_account_erased(sender, user_id: int) -> None:
    """The platform's name for an erased patron goes with their account."""
    db.session.execute(delete(LtiIdentity).where(LtiIdentity.user_id == user_id))


def completion_grade(target: LtiGradeTarget) -> Grade:
    return (
        Grade()
        .set_score_given(1)
        .set_score_maximum(1)
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_timestamp(utc_now().isoformat(timespec="milliseconds").replace("+00:00", "Z"))
        .set_user_id(target.subject)
    )


def post_grade(target: LtiGradeTarget, registration: LtiRegistration) -> None:
    """Posts the completion as a full score to the target's gradebook column."""
    service = AssignmentsGradesService(
        ServiceConnector(as_pylti_registration(registration)),
        {"scope": target.scope, "lineitem": target.lineitem_url},
    )
    service.put_grade(completion_grade(target))


@job(retries=8, retry_delay=60, retry_backoff=2.0)
def post_due_grades() -> None:
    """Posts every due completion; fails (to be tried again) if a platform refused one."""
    due = list(
        db.session.scalars(select(LtiGradeTarget).where(LtiGradeTarget.due_since.is_not(None)))
    )
    refused = []
    for target in due:
        registration = db.session.get(LtiRegistration, target.registration_id)
        try:
            post_grade(target, registration)
        except (LtiException, LtiServiceException, RequestException, OSError) as error:
            current_app.logger.warning("Grade for target %s not posted: %s", target.id, error)
            refused.append(target.id)
            continue
        target.posted_at = utc_now()
        target.due_since = None
        db.session.commit()
    if refused:
        raise GradeNotPosted(f"{len(refused)} grade(s) refused; tried again later")


def _queue_after_commit(session) -> None:
    if session.info.pop(QUEUED, False):
        post_due_grades()


def _forget(session, *_args) -> None:
    session.info.pop(QUEUED, None)


def connect() -> None:
    progress_changed.connect(on_progress_changed)
    account_erased.connect(on_account_erased)
    if not event.contains(db.session, "after_commit", _queue_after_commit):
        event.listen(db.session, "after_commit", _queue_after_commit)
        event.listen(db.session, "after_rollback", _forget)
