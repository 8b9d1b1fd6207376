"""Quizzes as plain values in one language, kept per course version.

Forms, grading and pages read these instead of content rows: a quiz submitted costs no
query for its questions, and translated text is chosen here, once, explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass

from course_app.caching import cache
from course_app.content.localize import text
from course_app.content.models import Question, Quiz
from course_app.content.question_views import QuestionView, active_questions, question_view
from course_app.extensions import db


@dataclass(frozen=True)
class QuizView:
    id: int
    key: str
    course_id: int
    module_id: int
    title: str
    intro_html: str
    pass_mark: int
    questions: tuple[QuestionView, ...]


def quiz_view(course, quiz_id: int, language: str) -> QuizView:
    """The quiz with its active questions in `language` (one the plan chose for the course)."""

    def read() -> QuizView:
        quiz = db.session.get(Quiz, quiz_id)
        return QuizView(
            quiz.id,
            quiz.key,
            quiz.course_id,
            quiz.module_id,
            text(quiz, "title", language),
            text(quiz, "intro_html", language),
            quiz.pass_mark,
            tuple(
                question_view(q, language) for q in active_questions(Question.quiz_id == quiz.id)
            ),
        )

    key = (course.id, course.content_hash, language, "quiz", quiz_id)
    return cache("quizzes").get_or_make(key, read)
