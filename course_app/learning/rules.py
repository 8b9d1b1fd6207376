"""What counts towards finishing a course: the rules the learning services, the class
progress page and the reports all apply. Kept apart from the services so the report rows
they refresh can use the same rules."""

from __future__ import annotations

from sqlalchemy import literal, select, union_all

from course_app.content.models import Lesson, Module, Quiz
from course_app.extensions import db


def counted_lessons():
    """The lessons that count towards completion: required, active, in an active module."""
    return (
        Lesson.is_active.is_(True),
        Lesson.required.is_(True),
        Module.is_active.is_(True),
        Module.id == Lesson.module_id,
    )


def counted_quizzes():
    """The quizzes that count towards completion: active, in an active module."""
    return (Quiz.is_active.is_(True), Module.is_active.is_(True), Module.id == Quiz.module_id)


def counted_steps(course_id: int) -> set[tuple[str, int, int]]:
    """("lesson" or "quiz", module id, id) of every step that counts in the course: when
    these change, so does what finishing a module or the course takes."""
    lessons = select(literal("lesson"), Lesson.module_id, Lesson.id).where(
        Lesson.course_id == course_id, *counted_lessons()
    )
    quizzes = select(literal("quiz"), Quiz.module_id, Quiz.id).where(
        Quiz.course_id == course_id, *counted_quizzes()
    )
    return {tuple(row) for row in db.session.execute(union_all(lessons, quizzes))}
