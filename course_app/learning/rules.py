"""What counts towards finishing a course: the rules the learning services, the class
progress page and the reports all apply. Kept apart from the services so the report rows
they refresh can use the same rules."""

from __future__ import annotations

from course_app.content.models import Lesson, Module, Quiz


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
