"""What finishing a module takes: its counted lessons and its quiz, per module, as subqueries.

The course report and the library report both decide from these whether a learner's steps in
a module add up to finishing it, by the same rules as `learning.services`.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Subquery, func, select

from course_app.content.models import Lesson, Module, Quiz
from course_app.learning.rules import counted_lessons, counted_quizzes


def module_needs(course_id: int | None = None) -> tuple[Subquery, Subquery]:
    """(module_id, n) of counted lessons, and of counted quizzes, per module."""
    lessons = (
        select(Lesson.module_id, func.count().label("n"))
        .join(Module, Module.id == Lesson.module_id)
        .where(*counted_lessons())
        .group_by(Lesson.module_id)
    )
    quizzes = (
        select(Quiz.module_id, func.count().label("n"))
        .join(Module, Module.id == Quiz.module_id)
        .where(*counted_quizzes())
        .group_by(Quiz.module_id)
    )
    if course_id is not None:
        lessons = lessons.where(Lesson.course_id == course_id)
        quizzes = quizzes.where(Quiz.course_id == course_id)
    return lessons.subquery("need_lessons"), quizzes.subquery("need_quizzes")


def finished(per: Subquery, need_lessons: Subquery, need_quizzes: Subquery) -> ColumnElement:
    """True where a learner's lessons and passed quizzes in a module cover what it needs."""
    return (per.c.lessons >= func.coalesce(need_lessons.c.n, 0)) & (
        per.c.passed >= func.coalesce(need_quizzes.c.n, 0)
    )
