"""One course: how many started and finished each module, where learners stop, and which
quiz questions are missed most. The learners counted are those who started the course in
the date range (and match the other filters), so every figure is about the same people."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Integer, Subquery, case, func, literal, select, union_all
from sqlalchemy.orm import selectinload

from course_app.certificates.models import Certificate
from course_app.content.models import Course, Lesson, Module, Question, Quiz
from course_app.extensions import db
from course_app.learning.models import Enrolment, LessonProgress
from course_app.learning.services import counted_lessons, counted_quizzes
from course_app.quizzes.models import AttemptAnswer, QuizAttempt
from course_app.reports import facts as F
from course_app.reports.filters import ReportFilter, ReportScope
from course_app.reports.modules import finished, module_needs


@dataclass
class LessonLine:
    lesson: Lesson
    completed: int = 0
    stopped_here: int = 0


@dataclass
class ModuleLine:
    module: Module
    started: int = 0
    completed: int = 0
    lessons: list[LessonLine] = field(default_factory=list)


@dataclass
class QuestionLine:
    question: Question
    module: Module
    answers: int
    correct: int
    learners: int

    @property
    def percent_correct(self) -> int | None:
        return round(100 * self.correct / self.answers) if self.answers else None


@dataclass
class CourseReport:
    course: Course
    started: int
    completed: int
    certificates: int
    modules: list[ModuleLine]
    questions: list[QuestionLine]

    @property
    def funnel(self) -> list[tuple[str, int]]:
        steps = [("started", self.started)]
        steps += [(f"module:{line.module.id}", line.completed) for line in self.modules]
        return steps + [("completed", self.completed), ("certificate", self.certificates)]

    @property
    def drop_off(self) -> LessonLine | None:
        """The lesson most unfinished learners opened last; none when nobody stopped."""
        lines = [lesson for module in self.modules for lesson in module.lessons]
        worst = max(lines, key=lambda line: line.stopped_here, default=None)
        return worst if worst is not None and worst.stopped_here else None


def _cohort(course: Course, f: ReportFilter, scope: ReportScope) -> Subquery:
    facts = (
        select(
            Enrolment.learner_id,
            Enrolment.course_id,
            Enrolment.started_at.label("at"),
            Enrolment.language,
            Enrolment.completed_at,
            Enrolment.last_lesson_id,
        )
        .where(
            Enrolment.course_id == course.id,
            Enrolment.started_at >= f.start_at,
            Enrolment.started_at < f.end_before,
        )
        .subquery("facts")
    )
    columns = [facts.c.learner_id, facts.c.completed_at, facts.c.last_lesson_id]
    return F.shaped(facts, columns, f.without_course(), scope, None).subquery("cohort")


def _module_counts(course: Course, cohort: Subquery) -> dict[int, tuple[int, int]]:
    """module id -> (learners who started it, learners who completed it)."""
    lessons = (
        select(
            LessonProgress.learner_id,
            Lesson.module_id,
            func.count().label("lessons"),
            literal(0).label("passed"),
        )
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .join(cohort, cohort.c.learner_id == LessonProgress.learner_id)
        .where(LessonProgress.course_id == course.id, *counted_lessons())
        .group_by(LessonProgress.learner_id, Lesson.module_id)
    )
    quizzes = (
        select(
            QuizAttempt.learner_id,
            Quiz.module_id,
            literal(0).label("lessons"),
            func.max(QuizAttempt.passed.cast(Integer)).label("passed"),
        )
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .join(Module, Module.id == Quiz.module_id)
        .join(cohort, cohort.c.learner_id == QuizAttempt.learner_id)
        .where(QuizAttempt.course_id == course.id, *counted_quizzes())
        .group_by(QuizAttempt.learner_id, Quiz.module_id)
    )
    steps = union_all(lessons, quizzes).subquery("steps")
    per = (
        select(
            steps.c.module_id,
            func.sum(steps.c.lessons).label("lessons"),
            func.sum(steps.c.passed).label("passed"),
        )
        .group_by(steps.c.learner_id, steps.c.module_id)
        .subquery("per")
    )
    need_lessons, need_quizzes = module_needs(course.id)
    complete = finished(per, need_lessons, need_quizzes)
    stmt = (
        select(per.c.module_id, func.count(), func.sum(case((complete, 1), else_=0)))
        .outerjoin(need_lessons, need_lessons.c.module_id == per.c.module_id)
        .outerjoin(need_quizzes, need_quizzes.c.module_id == per.c.module_id)
        .group_by(per.c.module_id)
    )
    return {
        module_id: (started, completed or 0)
        for module_id, started, completed in db.session.execute(stmt)
    }


def course_report(course: Course, f: ReportFilter, scope: ReportScope) -> CourseReport:
    """The whole course report in seven queries, whatever the number of learners."""
    cohort = _cohort(course, f, scope)
    started, completed = db.session.execute(
        select(func.count(), func.count(cohort.c.completed_at))
    ).one()
    certificates = db.session.scalar(
        select(func.count())
        .select_from(Certificate)
        .join(cohort, cohort.c.learner_id == Certificate.learner_id)
        .where(Certificate.course_id == course.id, Certificate.revoked_at.is_(None))
    )
    lessons_done = dict(
        db.session.execute(
            select(LessonProgress.lesson_id, func.count())
            .join(cohort, cohort.c.learner_id == LessonProgress.learner_id)
            .where(LessonProgress.course_id == course.id)
            .group_by(LessonProgress.lesson_id)
        ).all()
    )
    stopped = dict(
        db.session.execute(
            select(cohort.c.last_lesson_id, func.count())
            .where(cohort.c.completed_at.is_(None), cohort.c.last_lesson_id.is_not(None))
            .group_by(cohort.c.last_lesson_id)
        ).all()
    )
    module_counts = _module_counts(course, cohort)
    modules = db.session.scalars(
        select(Module)
        .where(Module.course_id == course.id, Module.is_active.is_(True))
        .options(selectinload(Module.lessons), selectinload(Module.quiz))
        .order_by(Module.position)
    ).all()
    lines = []
    for module in modules:
        started_module, completed_module = module_counts.get(module.id, (0, 0))
        line = ModuleLine(module=module, started=started_module, completed=completed_module)
        line.lessons = [
            LessonLine(lesson, lessons_done.get(lesson.id, 0), stopped.get(lesson.id, 0))
            for lesson in module.lessons
            if lesson.is_active
        ]
        lines.append(line)
    return CourseReport(
        course=course,
        started=started,
        completed=completed,
        certificates=certificates or 0,
        modules=lines,
        questions=_questions(course, cohort, {m.id: m for m in modules}),
    )


def _questions(course: Course, cohort: Subquery, modules: dict[int, Module]) -> list[QuestionLine]:
    """Quiz questions, most missed first (lowest share of right answers)."""
    rows = db.session.execute(
        select(
            AttemptAnswer.question_id,
            func.count(),
            func.sum(AttemptAnswer.is_correct.cast(Integer)),
            func.count(QuizAttempt.learner_id.distinct()),
        )
        .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
        .join(cohort, cohort.c.learner_id == QuizAttempt.learner_id)
        .where(QuizAttempt.course_id == course.id)
        .group_by(AttemptAnswer.question_id)
    ).all()
    if not rows:
        return []
    questions = {
        q.id: q
        for q in db.session.scalars(
            select(Question)
            .where(Question.id.in_([row[0] for row in rows]))
            .options(selectinload(Question.quiz))
        )
    }
    lines: list[QuestionLine] = []
    for question_id, answers, correct, learners in rows:
        question = questions.get(question_id)
        if question is None or question.quiz is None or question.quiz.module_id not in modules:
            continue
        lines.append(
            QuestionLine(
                question, modules[question.quiz.module_id], answers, correct or 0, learners
            )
        )
    lines.sort(
        key=lambda line: (line.percent_correct, line.module.position, line.question.position)
    )
    return lines
