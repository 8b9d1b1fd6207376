"""Progress: the one place that records lessons, resumes courses and decides completion."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from course_app.accounts.models import Learner
from course_app.certificates.models import Certificate
from course_app.content.localize import content_language
from course_app.content.models import Course, Lesson, Quiz
from course_app.db import utc_now
from course_app.extensions import db
from course_app.learning.models import Enrolment, LessonProgress
from course_app.learning.rules import counted_lessons, counted_quizzes
from course_app.quizzes.models import QuizAttempt
from course_app.reports.rollup import refresh_learner, refresh_learner_course


@dataclass
class CourseState:
    """What one learner has done in one course."""

    completed_lesson_ids: set[int] = field(default_factory=set)
    passed_quiz_ids: set[int] = field(default_factory=set)
    attempted_quiz_ids: set[int] = field(default_factory=set)
    required_lesson_ids: set[int] = field(default_factory=set)
    quiz_ids: set[int] = field(default_factory=set)

    @property
    def steps_total(self) -> int:
        return len(self.required_lesson_ids) + len(self.quiz_ids)

    @property
    def steps_done(self) -> int:
        return len(self.required_lesson_ids & self.completed_lesson_ids) + len(
            self.quiz_ids & self.passed_quiz_ids
        )

    @property
    def percent(self) -> int:
        if not self.steps_total:
            return 0
        return (100 * self.steps_done) // self.steps_total

    @property
    def is_complete(self) -> bool:
        return self.steps_total > 0 and self.steps_done == self.steps_total


# Built once: these run on every lesson page of a signed-in learner, and building a statement
# (and its cache key) costs about as much as running it.
_ENROLMENT = select(Enrolment).where(
    Enrolment.learner_id == bindparam("learner_id"), Enrolment.course_id == bindparam("course_id")
)


def get_enrolment(learner: Learner | None, course: Course) -> Enrolment | None:
    if learner is None:
        return None
    return db.session.scalar(_ENROLMENT, {"learner_id": learner.id, "course_id": course.id})


def reading_language(course: Course) -> str:
    """The language this request reads the course in: the reader's, when the course has it."""
    language = content_language()
    return language if language in course.language_list else course.language


def ensure_enrolment(learner: Learner, course: Course) -> Enrolment:
    """The learner's enrolment in the course, created on first use."""
    enrolment = get_enrolment(learner, course)
    if enrolment is not None:
        return enrolment
    try:
        with db.session.begin_nested():
            enrolment = Enrolment(
                learner_id=learner.id, course_id=course.id, language=reading_language(course)
            )
            db.session.add(enrolment)
            refresh_learner_course(learner.id, course.id)
    except IntegrityError:  # a parallel request created it first
        enrolment = get_enrolment(learner, course)
        assert enrolment is not None
    return enrolment


_REQUIRED_LESSON_IDS = select(Lesson.id).where(
    Lesson.course_id == bindparam("course_id"), *counted_lessons()
)
_QUIZ_IDS = select(Quiz.id).where(Quiz.course_id == bindparam("course_id"), *counted_quizzes())
_COMPLETED_LESSON_IDS = select(LessonProgress.lesson_id).where(
    LessonProgress.learner_id == bindparam("learner_id"),
    LessonProgress.course_id == bindparam("course_id"),
)
_QUIZ_RESULTS = (
    select(QuizAttempt.quiz_id, func.max(QuizAttempt.passed.cast(db.Integer)))
    .where(
        QuizAttempt.learner_id == bindparam("learner_id"),
        QuizAttempt.course_id == bindparam("course_id"),
    )
    .group_by(QuizAttempt.quiz_id)
)


def course_state(learner: Learner | None, course: Course) -> CourseState:
    """Progress through a course in four queries (none for a guest with no progress yet)."""
    state = CourseState()
    if learner is None:
        return state  # nothing done yet; the course's size is not needed to say so
    ids = {"learner_id": learner.id, "course_id": course.id}
    state.required_lesson_ids = set(db.session.scalars(_REQUIRED_LESSON_IDS, ids))
    state.quiz_ids = set(db.session.scalars(_QUIZ_IDS, ids))
    state.completed_lesson_ids = set(db.session.scalars(_COMPLETED_LESSON_IDS, ids))
    for quiz_id, passed in db.session.execute(_QUIZ_RESULTS, ids):
        state.attempted_quiz_ids.add(quiz_id)
        if passed:
            state.passed_quiz_ids.add(quiz_id)
    return state


def record_lesson_viewed(learner: Learner, course: Course, lesson_id: int) -> Enrolment:
    """Remembers the lesson as the place "Continue" returns to."""
    enrolment = ensure_enrolment(learner, course)
    enrolment.last_lesson_id = lesson_id
    language = reading_language(course)
    if enrolment.language != language:
        enrolment.language = language
        refresh_learner_course(learner.id, course.id)  # reports count them in this language
    enrolment.last_activity_at = utc_now()
    learner.last_active_at = enrolment.last_activity_at
    return enrolment


def record_lesson_completed(learner: Learner, lesson: Lesson) -> CourseState:
    """Marks the lesson done once (repeats change nothing) and updates course completion."""
    course = lesson.module.course
    enrolment = record_lesson_viewed(learner, course, lesson.id)
    exists = db.session.scalar(
        select(LessonProgress.id).where(
            LessonProgress.learner_id == learner.id, LessonProgress.lesson_id == lesson.id
        )
    )
    if exists is None:
        try:
            with db.session.begin_nested():
                db.session.add(
                    LessonProgress(learner_id=learner.id, lesson_id=lesson.id, course_id=course.id)
                )
        except IntegrityError:
            pass  # a double click: the lesson is already recorded
    return update_completion(learner, course, enrolment)


def update_completion(
    learner: Learner, course: Course, enrolment: Enrolment | None = None
) -> CourseState:
    """The one place that decides whether a course is complete."""
    enrolment = enrolment or ensure_enrolment(learner, course)
    state = course_state(learner, course)
    if state.is_complete and enrolment.completed_at is None:
        enrolment.completed_at = utc_now()
    refresh_learner_course(learner.id, course.id)
    return state


def merge_progress(source: Learner, target: Learner) -> None:
    """Moves a guest's progress into an account; what both have done is kept once."""
    if source.id == target.id:
        return
    # Lessons: keep the target's rows, move the rest.
    target_lessons = select(LessonProgress.lesson_id).where(LessonProgress.learner_id == target.id)
    db.session.execute(
        delete(LessonProgress).where(
            LessonProgress.learner_id == source.id, LessonProgress.lesson_id.in_(target_lessons)
        )
    )
    db.session.execute(
        update(LessonProgress)
        .where(LessonProgress.learner_id == source.id)
        .values(learner_id=target.id)
    )
    db.session.execute(
        update(QuizAttempt).where(QuizAttempt.learner_id == source.id).values(learner_id=target.id)
    )
    db.session.execute(
        update(Certificate)
        .where(
            Certificate.learner_id == source.id,
            Certificate.course_id.not_in(
                select(Certificate.course_id).where(Certificate.learner_id == target.id)
            ),
        )
        .values(learner_id=target.id)
    )
    targets = {
        e.course_id: e
        for e in db.session.scalars(select(Enrolment).where(Enrolment.learner_id == target.id))
    }
    for guest_enrolment in db.session.scalars(
        select(Enrolment).where(Enrolment.learner_id == source.id)
    ).all():
        kept = targets.get(guest_enrolment.course_id)
        if kept is None:
            guest_enrolment.learner_id = target.id
            continue
        kept.started_at = min(kept.started_at, guest_enrolment.started_at)
        if guest_enrolment.last_activity_at > kept.last_activity_at:
            kept.last_activity_at = guest_enrolment.last_activity_at
            kept.last_lesson_id = guest_enrolment.last_lesson_id or kept.last_lesson_id
        db.session.delete(guest_enrolment)
    db.session.flush()
    for enrolment in db.session.scalars(select(Enrolment).where(Enrolment.learner_id == target.id)):
        update_completion(target, enrolment.course, enrolment)
    refresh_learner(source.id)  # nothing is left to count, so its report rows go
    refresh_learner(target.id)
    db.session.delete(source)
    db.session.flush()


@dataclass
class CourseSummary:
    enrolment: Enrolment
    percent: int

    @property
    def course(self) -> Course:
        return self.enrolment.course


def learner_summaries(learner: Learner | None) -> list[CourseSummary]:
    """Every course the learner has started with percent done, in a fixed number of queries."""
    if learner is None:
        return []
    enrolments = db.session.scalars(
        select(Enrolment)
        .options(selectinload(Enrolment.course), selectinload(Enrolment.last_lesson))
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.learner_id == learner.id, Course.is_active.is_(True))
        .order_by(Enrolment.last_activity_at.desc())
    ).all()
    course_ids = [e.course_id for e in enrolments]
    if not course_ids:
        return []
    required = dict(
        db.session.execute(
            select(Lesson.course_id, func.count())
            .where(Lesson.course_id.in_(course_ids), *counted_lessons())
            .group_by(Lesson.course_id)
        ).all()
    )
    quizzes = dict(
        db.session.execute(
            select(Quiz.course_id, func.count())
            .where(Quiz.course_id.in_(course_ids), *counted_quizzes())
            .group_by(Quiz.course_id)
        ).all()
    )
    done_lessons = dict(
        db.session.execute(
            select(LessonProgress.course_id, func.count())
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(
                LessonProgress.learner_id == learner.id,
                LessonProgress.course_id.in_(course_ids),
                *counted_lessons(),
            )
            .group_by(LessonProgress.course_id)
        ).all()
    )
    passed = (
        select(QuizAttempt.course_id, QuizAttempt.quiz_id)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(
            QuizAttempt.learner_id == learner.id,
            QuizAttempt.passed.is_(True),
            *counted_quizzes(),
        )
        .distinct()
        .subquery()
    )
    passed_quizzes = dict(
        db.session.execute(
            select(passed.c.course_id, func.count()).group_by(passed.c.course_id)
        ).all()
    )
    summaries = []
    for e in enrolments:
        total = required.get(e.course_id, 0) + quizzes.get(e.course_id, 0)
        done = done_lessons.get(e.course_id, 0) + passed_quizzes.get(e.course_id, 0)
        percent = 100 if e.completed_at else ((100 * done) // total if total else 0)
        summaries.append(CourseSummary(e, min(percent, 100)))
    return summaries
