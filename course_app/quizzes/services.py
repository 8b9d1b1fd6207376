"""Quiz attempts: grading a submission once, and reading attempts back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, delete, func, insert, select, update
from sqlalchemy.orm import selectinload

from course_app.accounts.models import Learner
from course_app.content.models import Course
from course_app.content.question_types import Verdict
from course_app.content.question_views import QuestionView
from course_app.db import UTCDateTime, conflict_sql, utc_now
from course_app.extensions import db
from course_app.learning.services import record_quiz_result
from course_app.quizzes.content import QuizView
from course_app.quizzes.grading import grade_response, has_passed, score_percent
from course_app.quizzes.models import AttemptAnswer, QuizAttempt

# One attempt per learner and submission token: the form's token makes a resent form a no-op.
_INSERT_ATTEMPT = conflict_sql(
    "INSERT INTO quiz_attempts (learner_id, quiz_id, course_id, submission_token, submitted_at,"
    " correct_count, question_count, score, passed)"
    " VALUES (:learner_id, :quiz_id, :course_id, :submission_token, :submitted_at,"
    " :correct_count, :question_count, :score, :passed)"
    " ON CONFLICT DO NOTHING RETURNING id",
    submitted_at=UTCDateTime(),
    passed=Boolean(),
)


def submit_attempt(
    learner: Learner,
    course: Course,
    quiz: QuizView,
    questions: list[QuestionView],
    responses: dict[int, Any],
    token: str,
    language: str | None,
) -> int:
    """Grades and stores one attempt and records its result as progress; the same submission
    token twice (a double click, a resent form) is stored and counted once. Returns the
    attempt's id."""
    verdicts: list[tuple[QuestionView, Any, Verdict]] = [
        (q, responses[q.id], grade_response(q.type, q.data, responses[q.id])) for q in questions
    ]
    correct = sum(1 for _, _, v in verdicts if v.correct)
    passed = has_passed(correct, len(questions), quiz.pass_mark)
    attempt_id = db.session.scalar(
        _INSERT_ATTEMPT,
        dict(
            learner_id=learner.id,
            quiz_id=quiz.id,
            course_id=quiz.course_id,
            submission_token=token,
            submitted_at=utc_now(),
            correct_count=correct,
            question_count=len(questions),
            score=score_percent(correct, len(questions)),
            passed=passed,
        ),
    )
    if attempt_id is None:  # this very form was submitted before: that attempt stands
        return find_attempt_by_token(learner, token).id
    db.session.execute(
        insert(AttemptAnswer),
        [
            dict(
                attempt_id=attempt_id,
                question_id=q.id,
                position=n,
                response=response,
                is_correct=v.correct,
            )
            for n, (q, response, v) in enumerate(verdicts)
        ],
    )
    record_quiz_result(learner, course, quiz.id, passed, language)
    return attempt_id


def find_attempt_by_token(learner: Learner, token: str) -> QuizAttempt | None:
    return db.session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.learner_id == learner.id, QuizAttempt.submission_token == token
        )
    )


def best_score(learner: Learner | None, quiz: QuizView) -> int | None:
    """The learner's best score at the quiz, in percent (None before a first try)."""
    if learner is None:
        return None
    return db.session.scalar(
        select(func.max(QuizAttempt.score)).where(
            QuizAttempt.learner_id == learner.id, QuizAttempt.quiz_id == quiz.id
        )
    )


def merge_attempts(source_id: int, target_id: int) -> None:
    """A guest's quiz attempts become the account's."""
    db.session.execute(
        update(QuizAttempt).where(QuizAttempt.learner_id == source_id).values(learner_id=target_id)
    )


def load_attempt(learner: Learner | None, quiz: QuizView, attempt_id: int) -> QuizAttempt | None:
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


def attempt_history(learner: Learner | None, quiz: QuizView) -> list[QuizAttempt]:
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

    question: QuestionView
    response: Any
    correct: bool
    feedback_html: list[str]


def review_answers(
    questions: list[QuestionView], answers: list[AttemptAnswer]
) -> list[AnswerReview]:
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


def feedback_for(question: QuestionView, response: Any, correct: bool) -> list[str]:
    """The author's feedback that applies to this response (choice feedback, or right/wrong)."""
    return question.question_type.feedback(question.data, response, correct)


def erase_attempts(learner_id: int) -> None:
    """Deletes every quiz attempt of the learner and its answers."""
    attempts = select(QuizAttempt.id).where(QuizAttempt.learner_id == learner_id)
    db.session.execute(delete(AttemptAnswer).where(AttemptAnswer.attempt_id.in_(attempts)))
    db.session.execute(delete(QuizAttempt).where(QuizAttempt.learner_id == learner_id))
