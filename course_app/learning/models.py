"""A learner's progress through a course."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.content.models import Course, Lesson
from course_app.db import UTCDateTime, utc_now
from course_app.extensions import db


class Enrolment(db.Model):
    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("learner_id", "course_id"),
        Index("ix_enrolments_course_completed", "course_id", "completed_at"),
        # Reports count enrolments started or completed in a date range.
        Index("ix_enrolments_started_at", "started_at"),
        Index("ix_enrolments_completed_at", "completed_at"),
        # The course report's learners: one course, started in a range, read from the index.
        Index(
            "ix_enrolments_course_started",
            "course_id",
            "started_at",
            "learner_id",
            "completed_at",
            "last_lesson_id",
            "language",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    # Where "Continue" takes the learner back to.
    last_lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The language the learner last read the course in; reports break figures down by it.
    language: Mapped[str | None] = mapped_column(String(8))

    course: Mapped[Course] = relationship()
    last_lesson: Mapped[Lesson | None] = relationship()


class LessonProgress(db.Model):
    __tablename__ = "lesson_progress"
    __table_args__ = (
        UniqueConstraint("learner_id", "lesson_id"),
        # Covering: a learner's lessons in a course, and the course report's per-lesson counts.
        Index(
            "ix_lesson_progress_learner_course",
            "learner_id",
            "course_id",
            "lesson_id",
            "completed_at",
        ),
        # Reports: who was active in a date range, without reading the table.
        Index("ix_lesson_progress_completed_learner", "completed_at", "learner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class MilestoneKind(enum.StrEnum):
    QUIZ_TRIED = "quiz-tried"
    QUIZ_PASSED = "quiz-passed"
    MODULE_FINISHED = "module-done"


class Milestone(db.Model):
    """A step on the path other than a lesson: a quiz tried, a quiz passed, a module finished.

    Kept by learning, which owns progress (the attempts themselves belong to the quizzes
    package). Each is recorded once, when first reached, and never taken away: a later failed
    try does not unpass a quiz, and a module finished stays finished after a re-import adds a
    lesson to it, as a course's completion does.
    """

    __tablename__ = "milestones"
    __table_args__ = (
        UniqueConstraint("learner_id", "kind", "item_id"),
        # A learner's milestones in a course, read from the index (progress, reports).
        Index("ix_milestones_learner_course", "learner_id", "course_id", "kind", "item_id", "at"),
        # Reports: modules finished in a course by a date.
        Index("ix_milestones_course_kind", "course_id", "kind", "item_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    kind: Mapped[str] = mapped_column(String(12))  # see MilestoneKind
    item_id: Mapped[int] = mapped_column()  # the quiz's or the module's id
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
