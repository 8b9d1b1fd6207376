"""Progress of many patrons in many assignments, aggregated in SQL in five queries.

The class page and "Assigned to me" both read progress through `load_progress_facts`; the
number of queries does not depend on how many patrons or assignments there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Integer, Select, case, func, select

from course_app.classes.status import Progress, QuizRecord
from course_app.content.models import Lesson, Quiz
from course_app.extensions import db
from course_app.learning.models import Enrolment, LessonProgress
from course_app.learning.services import counted_lessons, counted_quizzes
from course_app.quizzes.models import QuizAttempt


@dataclass(frozen=True)
class QuizInfo:
    id: int
    course_id: int
    module_id: int
    title: str


@dataclass(frozen=True)
class QuizTries:
    attempts: int
    failures: int
    passed: bool
    best_score: int
    last_at: datetime


@dataclass(frozen=True)
class EnrolmentFacts:
    last_activity_at: datetime
    completed: bool


@dataclass(frozen=True)
class Scope:
    modules: tuple[int, ...]
    quizzes: tuple[QuizInfo, ...]
    total: int


@dataclass
class ProgressFacts:
    """Everything needed to tell each patron's progress in each assignment, read once."""

    # module id -> (course id, required lessons counted)
    lessons_per_module: dict[int, tuple[int, int]] = field(default_factory=dict)
    quizzes: list[QuizInfo] = field(default_factory=list)
    # (learner id, module id) -> lessons done
    lessons_done: dict[tuple[int, int], int] = field(default_factory=dict)
    # (learner id, quiz id) -> tries
    tries: dict[tuple[int, int], QuizTries] = field(default_factory=dict)
    # (learner id, course id) -> enrolment facts
    enrolments: dict[tuple[int, int], EnrolmentFacts] = field(default_factory=dict)

    def index(self) -> None:
        """Groups the rows read so each lookup below touches only its own patron's rows."""
        self._modules: dict[int, list[int]] = defaultdict(list)
        for module_id, (course_id, _count) in self.lessons_per_module.items():
            self._modules[course_id].append(module_id)
        self._scopes: dict[tuple[int, int | None], Scope] = {}
        self._quizzes: dict[int, list[QuizInfo]] = defaultdict(list)
        for quiz in self.quizzes:
            self._quizzes[quiz.course_id].append(quiz)
        quiz_course = {q.id: q.course_id for q in self.quizzes}
        self._activity: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
        for (learner_id, course_id), enrolment in self.enrolments.items():
            self._activity[learner_id].append((course_id, enrolment.last_activity_at))
        for (learner_id, quiz_id), tries in self.tries.items():
            self._activity[learner_id].append((quiz_course.get(quiz_id), tries.last_at))

    def quizzes_in(self, course_id: int, module_id: int | None) -> list[QuizInfo]:
        quizzes = self._quizzes.get(course_id, [])
        if module_id is None:
            return quizzes
        return [q for q in quizzes if q.module_id == module_id]

    def scope(self, course_id: int, module_id: int | None) -> Scope:
        """The modules and quizzes an assignment covers, and its step count (worked out once)."""
        key = (course_id, module_id)
        if key not in self._scopes:
            modules = tuple(m for m in self._modules.get(course_id, []) if module_id in (None, m))
            quizzes = tuple(self.quizzes_in(course_id, module_id))
            total = sum(self.lessons_per_module[m][1] for m in modules) + len(quizzes)
            self._scopes[key] = Scope(modules, quizzes, total)
        return self._scopes[key]

    def progress(self, learner_id: int, course_id: int, module_id: int | None) -> Progress:
        """Steps done of steps counted in a course, or in one module of it."""
        scope = self.scope(course_id, module_id)
        lessons_done = self.lessons_done
        lessons = sum(lessons_done.get((learner_id, m), 0) for m in scope.modules)
        tried = [self.tries.get((learner_id, q.id)) for q in scope.quizzes]
        done = lessons + sum(1 for t in tried if t is not None and t.passed)
        enrolment = self.enrolments.get((learner_id, course_id))
        if module_id is None:
            started = enrolment is not None
            if started and enrolment.completed:
                done = scope.total  # the one place that decides completion already said so
        else:
            started = lessons > 0 or any(t is not None for t in tried)
        return Progress(done=done, total=scope.total, started=started)

    def quiz_records(
        self, learner_id: int, course_id: int, module_id: int | None
    ) -> list[QuizRecord]:
        records = []
        for quiz in self.scope(course_id, module_id).quizzes:
            tries = self.tries.get((learner_id, quiz.id))
            records.append(
                QuizRecord(
                    title=quiz.title,
                    attempts=tries.attempts if tries else 0,
                    failures=tries.failures if tries else 0,
                    passed=bool(tries and tries.passed),
                    best_score=tries.best_score if tries else None,
                )
            )
        return records

    def last_activity(self, learner_id: int, course_ids: set[int]) -> datetime | None:
        """The latest lesson or quiz activity in the given courses."""
        times = [
            at for course_id, at in self._activity.get(learner_id, []) if course_id in course_ids
        ]
        return max(times, default=None)


def load_progress_facts(
    learner_ids: Select[tuple[int]] | list[int], course_ids: set[int]
) -> ProgressFacts:
    """Counts of steps, lessons done, quiz tries and enrolments, grouped in SQL (5 queries)."""
    facts = ProgressFacts()
    if not course_ids:
        facts.index()
        return facts
    course_list = sorted(course_ids)
    for module_id, course_id, count in db.session.execute(
        select(Lesson.module_id, Lesson.course_id, func.count())
        .where(Lesson.course_id.in_(course_list), *counted_lessons())
        .group_by(Lesson.module_id, Lesson.course_id)
    ):
        facts.lessons_per_module[module_id] = (course_id, count)
    facts.quizzes = [
        QuizInfo(*row)
        for row in db.session.execute(
            select(Quiz.id, Quiz.course_id, Quiz.module_id, Quiz.title)
            .where(Quiz.course_id.in_(course_list), *counted_quizzes())
            .order_by(Quiz.course_id, Quiz.module_id)
        )
    ]
    for learner_id, module_id, count in db.session.execute(
        select(LessonProgress.learner_id, Lesson.module_id, func.count())
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(
            LessonProgress.learner_id.in_(learner_ids),
            LessonProgress.course_id.in_(course_list),
            *counted_lessons(),
        )
        .group_by(LessonProgress.learner_id, Lesson.module_id)
    ):
        facts.lessons_done[(learner_id, module_id)] = count
    passed = QuizAttempt.passed.cast(Integer)
    for learner_id, quiz_id, attempts, passes, best, last_at in db.session.execute(
        select(
            QuizAttempt.learner_id,
            QuizAttempt.quiz_id,
            func.count(),
            func.sum(passed),
            func.max(QuizAttempt.score),
            func.max(QuizAttempt.submitted_at),
        )
        .where(
            QuizAttempt.learner_id.in_(learner_ids),
            QuizAttempt.course_id.in_(course_list),
        )
        .group_by(QuizAttempt.learner_id, QuizAttempt.quiz_id)
    ):
        facts.tries[(learner_id, quiz_id)] = QuizTries(
            attempts=attempts,
            failures=attempts - int(passes or 0),
            passed=bool(passes),
            best_score=best,
            last_at=last_at,  # max() keeps the column's type, so this is aware UTC
        )
    for learner_id, course_id, last_at, completed in db.session.execute(
        select(
            Enrolment.learner_id,
            Enrolment.course_id,
            Enrolment.last_activity_at,
            case((Enrolment.completed_at.is_(None), 0), else_=1),
        ).where(Enrolment.learner_id.in_(learner_ids), Enrolment.course_id.in_(course_list))
    ):
        facts.enrolments[(learner_id, course_id)] = EnrolmentFacts(last_at, bool(completed))
    facts.index()
    return facts
