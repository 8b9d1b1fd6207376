"""Quiz attempts and the answers given in them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.db import UTCDateTime, utc_now
from course_app.extensions import db


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempts"
    __table_args__ = (
        # The token comes with the quiz form, so a double-submitted form is counted once.
        UniqueConstraint("learner_id", "submission_token"),
        Index("ix_quiz_attempts_learner_quiz", "learner_id", "quiz_id"),
        # Reports: attempts and active learners in a date range.
        Index("ix_quiz_attempts_submitted_learner", "submitted_at", "learner_id"),
        # The course report: a learner's attempts in one course, read from the index.
        Index("ix_quiz_attempts_learner_course", "learner_id", "course_id", "quiz_id", "passed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    submission_token: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    correct_count: Mapped[int] = mapped_column()
    question_count: Mapped[int] = mapped_column()
    score: Mapped[int] = mapped_column()  # percent, rounded down
    passed: Mapped[bool] = mapped_column()

    answers: Mapped[list[AttemptAnswer]] = relationship(
        back_populates="attempt", order_by="AttemptAnswer.position"
    )


class AttemptAnswer(db.Model):
    __tablename__ = "attempt_answers"
    # Per-question correctness for many attempts without reading the answers themselves.
    __table_args__ = (
        Index("ix_attempt_answers_attempt_question", "attempt_id", "question_id", "is_correct"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    position: Mapped[int] = mapped_column()
    response: Mapped[Any] = mapped_column(JSON)
    is_correct: Mapped[bool] = mapped_column()

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")
