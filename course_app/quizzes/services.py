"""Quiz attempts: grading a submission once, and reading attempts back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from course_app.accounts.models import Learner
from course_app.content.models import Question, Quiz
from course_app.content.question_types import Verdict
from course_app.extensions import db
from course_app.learning.services import update_completion
from course_app.quizzes.grading import grade_response, has_passed, score_percent
from course_app.quizzes.models import AttemptAnswer, QuizAttempt


def active_questions(quiz: Quiz) -> list[Question]:
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.quiz_id == quiz.id, Question.is_active.is_(True))
            .order_by(Question.position)
        )
    )


def lesson_checks(lesson_id: int) -> list[Question]:
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.lesson_id == lesson_id, Question.is_active.is_(True))
            .order_by(Question.position)
        )
    )


def submit_attempt(
    learner: Learner, quiz: Quiz, questions: list[Question], responses: dict[int, Any], token: str
) -> QuizAttempt:
    """Grades and stores one attempt; the same submission token twice is counted once."""
    existing = find_attempt_by_token(learner, token)
    if existing is not None:
        return existing
    verdicts: list[tuple[Question, Any, Verdict]] = [
        (q, responses[q.id], grade_response(q.type, q.data, responses[q.id])) for q in questions
    ]
    correct = sum(1 for _, _, v in verdicts if v.correct)
    attempt = QuizAttempt(
        learner_id=learner.id,
        quiz_id=quiz.id,
        course_id=quiz.course_id,
        submission_token=token,
        correct_count=correct,
        question_count=len(questions),
        score=score_percent(correct, len(questions)),
        passed=has_passed(correct, len(questions), quiz.pass_mark),
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
            db.session.add_all(
                AttemptAnswer(
                    attempt_id=attempt.id,
                    question_id=q.id,
                    position=n,
                    response=response,
                    is_correct=v.correct,
                )
                for n, (q, response, v) in enumerate(verdicts)
            )
    except IntegrityError:  # the same form submitted twice at once
        existing = find_attempt_by_token(learner, token)
        assert existing is not None
        return existing
    update_completion(learner, quiz.module.course)
    return attempt


def find_attempt_by_token(learner: Learner, token: str) -> QuizAttempt | None:
    return db.session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.learner_id == learner.id, QuizAttempt.submission_token == token
        )
    )


def load_attempt(learner: Learner | None, quiz: Quiz, attempt_id: int) -> QuizAttempt | None:
    """The learner's own attempt at this quiz with its answers, or None."""
    if learner is None:
        return None
    return db.session.scalar(
        select(QuizAttempt)
        .options(selectinload(QuizAttempt.answers))
        .where(
            QuizAttempt.id == attempt_id,
            QuizAttempt.learner_id == learner.id,
            QuizAttempt.quiz_id == quiz.id,
        )
    )


def attempt_history(learner: Learner | None, quiz: Quiz) -> list[QuizAttempt]:
    if learner is None:
        return []
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.learner_id == learner.id, QuizAttempt.quiz_id == quiz.id)
            .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
        )
    )


@dataclass
class AnswerReview:
    """One question of a graded attempt, ready to show."""

    question: Question
    response: Any
    correct: bool
    feedback_html: list[str]


def review_answers(questions: list[Question], answers: list[AttemptAnswer]) -> list[AnswerReview]:
    """Pairs each stored answer with its question and the feedback for what was picked."""
    by_id = {q.id: q for q in questions}
    reviews = []
    for answer in answers:
        question = by_id.get(answer.question_id)
        if question is None:
            continue
        reviews.append(
            AnswerReview(
                question,
                answer.response,
                answer.is_correct,
                feedback_for(question, answer.response, answer.is_correct),
            )
        )
    return reviews


def feedback_for(question: Question, response: Any, correct: bool) -> list[str]:
    """The author's feedback that applies to this response (choice feedback, or right/wrong)."""
    return question.question_type.feedback(question.data, response, correct)
