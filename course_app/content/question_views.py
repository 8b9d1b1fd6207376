"""Questions as plain values in one language, kept per course version: what quiz and lesson
pages, forms and grading read instead of content rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from course_app.caching import cache
from course_app.content.localize import text
from course_app.content.models import Question
from course_app.content.question_types import QuestionType, question_type
from course_app.extensions import db


@dataclass(frozen=True)
class QuestionView:
    id: int
    key: str
    type: str
    prompt_html: str
    explanation_html: str
    data: dict[str, Any]

    @property
    def question_type(self) -> QuestionType:
        """The type's class: form fields, grading, feedback and templates (one registry)."""
        return question_type(self.type)


def question_view(row: Question, language: str) -> QuestionView:
    return QuestionView(
        row.id,
        row.key,
        row.type,
        text(row, "prompt_html", language),
        text(row, "explanation_html", language),
        text(row, "data", language),
    )


def active_questions(*where) -> list[Question]:
    return list(
        db.session.scalars(
            select(Question).where(*where, Question.is_active.is_(True)).order_by(Question.position)
        )
    )


def lesson_checks(course, lesson_id: int, language: str) -> tuple[QuestionView, ...]:
    """The knowledge checks in a lesson, in order, in `language`."""

    def read() -> tuple[QuestionView, ...]:
        rows = active_questions(Question.lesson_id == lesson_id)
        return tuple(question_view(q, language) for q in rows)

    key = (course.id, course.content_hash, language, "checks", lesson_id)
    return cache("questions").get_or_make(key, read)
