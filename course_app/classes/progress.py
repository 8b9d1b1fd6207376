"""Progress of many patrons in many assignments: learning's progress (one read for the whole
class) and the patrons' quiz tries (one grouped query).

The class page and "Assigned to me" both read progress through `load_progress_facts`; the
number of queries does not depend on how many patrons or assignments there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlalchemy import Integer, Select, func, select

from course_app.classes.status import Progress, QuizRecord
from course_app.content.models import Course
from course_app.extensions import db
from course_app.learning.plan import QUIZ, course_plans
from course_app.learning.progress import ProgressBook, read_progress
from course_app.quizzes.models import QuizAttempt


@dataclass(frozen=True)
class QuizTries:
    attempts: int
    failures: int
    best_score: int
    last_at: datetime


@dataclass
class ProgressFacts:
    """Everything needed to tell each patron's progress in each assignment, read once."""

    book: ProgressBook
    # (learner id, quiz id) -> tries
    tries: dict[tuple[int, int], QuizTries]

    def progress(self, learner_id: int, course_id: int, module_id: int | None) -> Progress:
        """Steps done of steps counted in a course, or in one module of it, and whether it is
        finished (as learning recorded it)."""
        course = self.book.get(learner_id, course_id)
        if module_id is None:
            return Progress(
                course.steps_done, course.steps_total, course.started, course.is_complete
            )
        module = course.module(module_id)
        return Progress(module.done, module.total, module.started, module.is_complete)

    def quiz_records(
        self, learner_id: int, course_id: int, module_id: int | None
    ) -> list[QuizRecord]:
        course = self.book.get(learner_id, course_id)
        records = []
        for step in course.plan.counted:
            if step.kind != QUIZ or module_id not in (None, step.module_id):
                continue
            tries = self.tries.get((learner_id, step.id))
            records.append(
                QuizRecord(
                    title=step.title,
                    attempts=tries.attempts if tries else 0,
                    failures=tries.failures if tries else 0,
                    passed=course.quiz_passed(step.id),
                    best_score=tries.best_score if tries else None,
                )
            )
        return records

    def last_activity(self, learner_id: int, course_ids: set[int]) -> datetime | None:
        """The latest lesson or quiz activity in the given courses."""
        times = [self.book.get(learner_id, course_id).last_activity_at for course_id in course_ids]
        quiz_ids = {
            step.id
            for course_id in course_ids
            for step in self.book.plans[course_id].steps
            if step.kind == QUIZ
        }
        times += [
            tries.last_at
            for quiz_id, tries in self.tries_by_learner.get(learner_id, {}).items()
            if quiz_id in quiz_ids
        ]
        return max((t for t in times if t is not None), default=None)

    @cached_property
    def tries_by_learner(self) -> dict[int, dict[int, QuizTries]]:
        """learner id -> quiz id -> tries: a class page asks once per patron, so the tries are
        grouped once rather than scanned whole for each patron."""
        grouped: dict[int, dict[int, QuizTries]] = {}
        for (learner_id, quiz_id), tries in self.tries.items():
            grouped.setdefault(learner_id, {})[quiz_id] = tries
        return grouped


def load_progress_facts(
    learner_ids: Select[tuple[int]] | list[int], course_ids: set[int]
) -> ProgressFacts:
    """The patrons' progress in the courses and their quiz tries, in three queries (plus the
    courses' plans the first time they are read)."""
    courses = (
        db.session.scalars(select(Course).where(Course.id.in_(sorted(course_ids)))).all()
        if course_ids
        else []
    )
    book = read_progress(learner_ids, course_plans(courses))
    tries: dict[tuple[int, int], QuizTries] = {}
    if courses:
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
                QuizAttempt.course_id.in_(sorted(course_ids)),
            )
            .group_by(QuizAttempt.learner_id, QuizAttempt.quiz_id)
        ):
            tries[(learner_id, quiz_id)] = QuizTries(
                attempts=attempts,
                failures=attempts - int(passes or 0),
                best_score=best,
                last_at=last_at,  # max() keeps the column's type, so this is aware UTC
            )
    return ProgressFacts(book, tries)
