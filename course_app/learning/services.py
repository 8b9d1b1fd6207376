"""Recording progress: lessons viewed and done, quiz results, completions; and reading it.

The one place that writes a learner's progress. Each write records completions the rule
(progress.finished) says are due, then announces the change (events.py); packages that keep
derived data listen there. Writers are expected to have locked the learner's enrolment with
`course_for_progress` first, so two requests of one learner cannot both miss a completion.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from flask import abort
from sqlalchemy import (
    Select,
    and_,
    delete,
    func,
    select,
    tuple_,
    update,
)

from course_app.accounts.models import Learner
from course_app.content.models import Course
from course_app.db import UTCDateTime, conflict_sql, utc_now
from course_app.events import Change, ProgressChange, announce, lesson_viewed
from course_app.extensions import db
from course_app.learning.models import Enrolment, LessonProgress, Milestone, MilestoneKind
from course_app.learning.plan import course_plan, course_plans
from course_app.learning.progress import CourseProgress, EnrolmentFacts, read_one, read_progress


def course_for_progress(slug: str, learner: Learner) -> Course:
    """The published course for a request that records progress, with the learner's
    enrolment row locked (PostgreSQL) until the request commits: a second request of the same
    learner waits, then sees what the first recorded. SQLite serialises writers itself."""
    course = db.session.scalar(
        select(Course)
        .join(Enrolment, and_(Enrolment.course_id == Course.id, Enrolment.learner_id == learner.id))
        .where(Course.slug == slug, Course.is_active.is_(True))
        .with_for_update(of=Enrolment)
    )
    if course is None:  # not started yet (nothing to lock), or no such course
        course = db.session.scalar(
            select(Course).where(Course.slug == slug, Course.is_active.is_(True))
        )
    if course is None:
        abort(404)
    return course


def course_progress(learner: Learner | None, course: Course, language: str | None = None):
    """The learner's progress in the course, with titles in `language`."""
    plan = course_plan(course, language)
    return read_one(learner.id if learner else None, plan)


def my_courses(learner: Learner | None, language: str | None) -> list[CourseProgress]:
    """Every published course the learner has started, most recently active first."""
    if learner is None:
        return []
    courses = db.session.scalars(
        select(Course)
        .join(Enrolment, Enrolment.course_id == Course.id)
        .where(Enrolment.learner_id == learner.id, Course.is_active.is_(True))
    ).all()
    plans = course_plans(courses, language)
    book = read_progress(learner.id, plans)
    found = [book.get(learner.id, plan.course_id) for plan in plans]
    return sorted(found, key=lambda p: p.last_activity_at or p.plan.course_id, reverse=True)


def last_activity(learner_id: int) -> datetime | None:
    """When the learner last read a lesson or recorded a step, in any course."""
    return db.session.scalar(
        select(func.max(Enrolment.last_activity_at)).where(Enrolment.learner_id == learner_id)
    )


# --- writing -------------------------------------------------------------------------------


# A learner reading on is "active" to this precision: reloading a page, or answering the
# checks in it, writes nothing new.
ACTIVITY_PRECISION = timedelta(minutes=10)


def record_lesson_viewed(
    learner: Learner, course: Course, lesson_id: int, language: str | None
) -> CourseProgress:
    """Remembers the lesson as the one last read (the course report's "stopped here"), and
    the learner as active; starts the enrolment on the first view. Writes only when one of
    these changed (a page read again within ACTIVITY_PRECISION writes nothing)."""
    progress = course_progress(learner, course, language)
    now, old = utc_now(), progress.enrolment
    if (
        old is not None
        and old.last_lesson_id == lesson_id
        and old.language == progress.plan.language
        and now - old.last_activity_at < ACTIVITY_PRECISION
    ):
        return progress
    progress = _write_enrolment(learner, progress, now, last_lesson_id=lesson_id)
    lesson_viewed.send(None, learner_id=learner.id, course_id=course.id, lesson_id=lesson_id)
    return progress


def record_lesson_completed(
    learner: Learner, course: Course, lesson_id: int, language: str | None = None
) -> CourseProgress:
    """Marks the lesson done once (repeats and double clicks change nothing), then records
    any module or course it finishes."""
    now = utc_now()
    _insert_ignoring_duplicates(
        LessonProgress,
        [dict(learner_id=learner.id, course_id=course.id, lesson_id=lesson_id, completed_at=now)],
    )
    progress = course_progress(learner, course, language)
    return _settle(
        learner, progress, now, Change.LESSON_DONE, last_lesson_id=lesson_id, item_id=lesson_id
    )


def record_quiz_result(
    learner: Learner, course: Course, quiz_id: int, passed: bool, language: str | None = None
) -> CourseProgress:
    """Records that the learner tried the quiz and, if the try passed, that it is passed:
    a pass is never taken away by a later try."""
    progress = course_progress(learner, course, language)
    reached = [(MilestoneKind.QUIZ_TRIED, quiz_id)]
    if passed:
        reached.append((MilestoneKind.QUIZ_PASSED, quiz_id))
    return _settle(learner, progress, utc_now(), Change.QUIZ_ATTEMPT, reached, item_id=quiz_id)


def _settle(
    learner: Learner,
    progress: CourseProgress,
    now: datetime,
    change: Change,
    reached: list[tuple[str, int]] | None = None,
    last_lesson_id: int | None = None,
    item_id: int | None = None,
) -> CourseProgress:
    """Records the milestones reached and the modules and course this finishes, then the
    enrolment; announces the change."""
    _record_milestones(learner.id, progress, reached or [], now)
    progress = _write_enrolment(learner, progress, now, last_lesson_id=last_lesson_id)
    announce(ProgressChange(change, learner.id, progress.plan.course_id, item_id=item_id))
    return progress


def _record_milestones(
    learner_id: int, progress: CourseProgress, reached: list[tuple[str, int]], now: datetime
) -> list[tuple[str, int]]:
    """Writes the milestones newly reached, with the modules they finish, into `progress`
    and the database (one statement); returns them."""
    new = [mark for mark in reached if mark not in progress.milestones]
    progress.milestones.update(dict.fromkeys(new, now))
    progress.__dict__.pop("done", None)  # worked out again from the milestones
    finished_modules = [(MilestoneKind.MODULE_FINISHED, m) for m in progress.modules_to_record()]
    progress.milestones.update(dict.fromkeys(finished_modules, now))
    _insert_ignoring_duplicates(
        Milestone,
        [
            dict(
                learner_id=learner_id, course_id=progress.plan.course_id, kind=k, item_id=i, at=now
            )
            for k, i in new + finished_modules
        ],
    )
    return new + finished_modules


def _write_enrolment(
    learner: Learner,
    progress: CourseProgress,
    now: datetime,
    last_lesson_id: int | None = None,
) -> CourseProgress:
    """Starts or updates the enrolment in one statement: activity, last lesson, reading
    language, and the completion when every counted step is done (recorded once, never
    undone)."""
    plan, old = progress.plan, progress.enrolment
    completed_at = old.completed_at if old else None
    if completed_at is None and progress.all_done:
        completed_at = now
    facts = EnrolmentFacts(
        started_at=old.started_at if old else now,
        last_activity_at=now,
        completed_at=completed_at,
        language=plan.language,
        last_lesson_id=last_lesson_id or (old.last_lesson_id if old else None),
    )
    db.session.execute(
        _UPSERT_ENROLMENT,
        dict(
            learner_id=learner.id,
            course_id=plan.course_id,
            started_at=facts.started_at,
            last_activity_at=now,
            last_lesson_id=facts.last_lesson_id,
            language=facts.language,
            completed_at=completed_at,
        ),
    )
    course_id = plan.course_id
    if old is None:
        announce(ProgressChange(Change.ENROLLED, learner.id, course_id))
    elif old.language != facts.language:
        announce(ProgressChange(Change.LANGUAGE_SWITCHED, learner.id, course_id))
    if completed_at is not None and (old is None or old.completed_at is None):
        announce(ProgressChange(Change.COMPLETED, learner.id, course_id))
    return replace(progress, enrolment=facts)


_UPSERT_ENROLMENT = conflict_sql(
    "INSERT INTO enrolments (learner_id, course_id, started_at, last_activity_at,"
    " last_lesson_id, language, completed_at)"
    " VALUES (:learner_id, :course_id, :started_at, :last_activity_at, :last_lesson_id,"
    " :language, :completed_at)"
    " ON CONFLICT (learner_id, course_id) DO UPDATE SET"
    " last_activity_at = excluded.last_activity_at,"
    " last_lesson_id = coalesce(excluded.last_lesson_id, enrolments.last_lesson_id),"
    " language = excluded.language,"
    " completed_at = coalesce(enrolments.completed_at, excluded.completed_at)",
    started_at=UTCDateTime(),
    last_activity_at=UTCDateTime(),
    completed_at=UTCDateTime(),
)
_INSERTS_IGNORING_DUPLICATES = {
    LessonProgress: conflict_sql(
        "INSERT INTO lesson_progress (learner_id, course_id, lesson_id, completed_at)"
        " VALUES (:learner_id, :course_id, :lesson_id, :completed_at) ON CONFLICT DO NOTHING",
        completed_at=UTCDateTime(),
    ),
    Milestone: conflict_sql(
        "INSERT INTO milestones (learner_id, course_id, kind, item_id, at)"
        " VALUES (:learner_id, :course_id, :kind, :item_id, :at) ON CONFLICT DO NOTHING",
        at=UTCDateTime(),
    ),
}


def _insert_ignoring_duplicates(model, rows: list[dict]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: a double click or a parallel request leaves one row
    and no error (and no SAVEPOINT round trips)."""
    if rows:
        db.session.execute(_INSERTS_IGNORING_DUPLICATES[model], rows)


# --- after other changes -------------------------------------------------------------------


def record_completions_due(course: Course, learner_ids: Select | list[int]) -> None:
    """Records the module and course completions the rule says are due for these learners of
    the course: after a re-import took steps away, or a guest's steps were merged in."""
    book = read_progress(learner_ids, [course_plan(course)])
    now = utc_now()
    for progress in list(book.entries.values()):
        if progress.enrolment is None:
            continue
        learner_id = progress.learner_id
        if _record_milestones(learner_id, progress, [], now):
            announce(ProgressChange(Change.MODULE_FINISHED, learner_id, course.id))
        if progress.completed_at is None and progress.all_done:
            db.session.execute(
                update(Enrolment)
                .where(
                    Enrolment.learner_id == learner_id,
                    Enrolment.course_id == course.id,
                    Enrolment.completed_at.is_(None),
                )
                .values(completed_at=now)
            )
            announce(ProgressChange(Change.COMPLETED, learner_id, course.id))


def merge_learning(source_id: int, target_id: int) -> None:
    """Moves a guest's lessons, milestones and enrolments to an account's learner; what both
    have is kept once (the earlier start, the later activity, either completion)."""
    for model, same in (
        (LessonProgress, (LessonProgress.lesson_id,)),
        (Milestone, (Milestone.kind, Milestone.item_id)),
    ):
        theirs = select(*same).where(model.learner_id == target_id)
        both = tuple_(*same).in_(theirs)
        db.session.execute(delete(model).where(model.learner_id == source_id, both))
        db.session.execute(
            update(model).where(model.learner_id == source_id).values(learner_id=target_id)
        )
    kept = {
        e.course_id: e
        for e in db.session.scalars(select(Enrolment).where(Enrolment.learner_id == target_id))
    }
    for guest in db.session.scalars(select(Enrolment).where(Enrolment.learner_id == source_id)):
        account = kept.get(guest.course_id)
        if account is None:
            guest.learner_id = target_id
            continue
        account.started_at = min(account.started_at, guest.started_at)
        if guest.last_activity_at > account.last_activity_at:
            account.last_activity_at = guest.last_activity_at
            account.last_lesson_id = guest.last_lesson_id or account.last_lesson_id
        completions = [at for at in (account.completed_at, guest.completed_at) if at]
        account.completed_at = min(completions, default=None)
        db.session.delete(guest)
    db.session.flush()
    for course in db.session.scalars(
        select(Course)
        .join(Enrolment, Enrolment.course_id == Course.id)
        .where(Enrolment.learner_id == target_id)
    ).all():
        record_completions_due(course, [target_id])


def erase_learning(learner_id: int) -> None:
    """Deletes every lesson, milestone and enrolment of the learner."""
    for model in (LessonProgress, Milestone, Enrolment):
        db.session.execute(delete(model).where(model.learner_id == learner_id))
