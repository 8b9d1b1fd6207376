"""A placement finished by someone a platform launched (the whole course, or the one module
placed) goes back to that platform's gradebook (LTI Assignment and Grade Services): the
progress event marks their gradebook columns due inside the writer's transaction, and the
queue's job posts them after the commit, retried with growing delays while the platform
refuses."""

from __future__ import annotations

from flask import current_app
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector
from requests import RequestException
from sqlalchemy import event, or_, select, update

from course_app.db import utc_now
from course_app.extensions import db
from course_app.jobs import job
from course_app.learning.models import Enrolment, Milestone, MilestoneKind
from course_app.lti.models import LtiGradeTarget, LtiRegistration
from course_app.lti.platforms import as_pylti_registration

QUEUED = "lti_grades_queued"
FINISHING = "lti_placements_maybe_finished"  # (learner, course) pairs to check at commit


class GradeNotPosted(RuntimeError):
    """The platform did not take a score; the job is tried again later."""


def mark_finished_due(learner_id: int, course_id: int) -> int:
    """Marks due the learner's gradebook columns in the course whose placement is now
    finished: the whole course completed, or the placed module finished. Returns how many.
    One UPDATE, which touches no row for a learner no platform launched."""
    course_completed = (
        select(Enrolment.learner_id)
        .where(
            Enrolment.learner_id == learner_id,
            Enrolment.course_id == course_id,
            Enrolment.completed_at.is_not(None),
        )
        .exists()
    )
    modules_finished = select(Milestone.item_id).where(
        Milestone.learner_id == learner_id,
        Milestone.course_id == course_id,
        Milestone.kind == MilestoneKind.MODULE_FINISHED.value,
    )
    marked = db.session.execute(
        update(LtiGradeTarget)
        .where(
            LtiGradeTarget.learner_id == learner_id,
            LtiGradeTarget.course_id == course_id,
            LtiGradeTarget.posted_at.is_(None),
            LtiGradeTarget.due_since.is_(None),
            or_(course_completed, LtiGradeTarget.module_id.in_(modules_finished)),
        )
        .values(due_since=utc_now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if marked:
        db.session.info[QUEUED] = True
    return marked


def mark_finished_due_at_commit(learner_id: int, course_id: int) -> None:
    """The same, once per transaction however many steps of the write may finish a
    placement (a quiz that finishes a module and the course is three events)."""
    db.session.info.setdefault(FINISHING, set()).add((learner_id, course_id))


def _mark_before_commit(session) -> None:
    for learner_id, course_id in sorted(session.info.pop(FINISHING, ())):
        mark_finished_due(learner_id, course_id)


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
    session.info.pop(FINISHING, None)


def connect_queue() -> None:
    """Queue the grade job after each commit that made a grade due."""
    if not event.contains(db.session, "after_commit", _queue_after_commit):
        event.listen(db.session, "before_commit", _mark_before_commit)
        event.listen(db.session, "after_commit", _queue_after_commit)
        event.listen(db.session, "after_rollback", _forget)
