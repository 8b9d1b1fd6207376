"""What counts towards finishing: required, active lessons and active quizzes, in active
modules. The one definition, as SQL conditions: the course plan marks its steps with it, and
reports that count steps in SQL use the same conditions."""

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
