"""What reports count, kept per learner, course and month so that a year of a million
progress rows is read as a few hundred thousand rows.

Derived data: counted again from lessons, milestones, quiz attempts, enrolments and
certificates for a learner and course whenever progress changes (`course_app.reports.kept`
listens for the progress event), and in full by `flask reports rebuild`. The source tables
stay the truth; `flask reports verify` compares the two.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from course_app.extensions import db

MEASURE_COLUMNS = ("lessons", "attempts", "passed", "started", "completed", "certificates")


class ReportMonth(db.Model):
    __tablename__ = "report_months"
    __table_args__ = (
        Index("ix_report_months_month", "month"),
        # Covering indexes read in (group, learner) order, so distinct learners per course or
        # per library are counted without sorting every row.
        Index("ix_report_months_course", "course_id", "learner_id", "month", *MEASURE_COLUMNS),
        Index(
            "ix_report_months_organisation",
            "organisation_id",
            "learner_id",
            "month",
            *MEASURE_COLUMNS,
        ),
        # Distinct learners over everything: read in learner order, no sort.
        Index(
            "ix_report_months_learner",
            "learner_id",
            "month",
            "lessons",
            "attempts",
            "organisation_id",
            "course_id",
            "language",
        ),
        # Completions and their durations (medians, the charts) without reading other rows.
        Index(
            "ix_report_months_completions",
            "completed",
            "month",
            "course_id",
            "organisation_id",
            "language",
            "seconds",
        ),
    )

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "YYYY-MM", UTC
    # The learner's library and the enrolment's language when the row was last rebuilt.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    language: Mapped[str | None] = mapped_column(String(8))
    lessons: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    passed: Mapped[int] = mapped_column(default=0)
    started: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    certificates: Mapped[int] = mapped_column(default=0)
    # Start to completion, for the enrolment completed in this month.
    seconds: Mapped[float | None] = mapped_column(Float)


# What the course report counts per item: a lesson finished, a module started and finished,
# a quiz question answered, a certificate held, an enrolment and its completion.
ITEM_COLUMNS = ("learners", "answers", "correct", "finished")


class ReportCourseCell(db.Model):
    """The course report's figures per cohort cell: the learners who started a course in one
    month, in one library, reading one language. Each learner is in one cell per course, so
    cells add up across months, libraries and languages, distinct learners included.

    Kinds: "E" enrolments (learners started, finished completed), "L" a lesson (learners who
    finished it), "M" a module (learners who did a lesson or tried the quiz in it, learners
    who finished it), "Q" a question (learners who answered, answers, correct answers), "C"
    certificates held (not revoked).
    Library 0 and language "" stand for none (keys cannot be NULL).
    """

    __tablename__ = "report_course_cells"

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # the start's "YYYY-MM"
    organisation_id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    item_id: Mapped[int] = mapped_column(primary_key=True)
    learners: Mapped[int] = mapped_column(default=0)
    answers: Mapped[int] = mapped_column(default=0)
    correct: Mapped[int] = mapped_column(default=0)
    finished: Mapped[int] = mapped_column(default=0)


class ReportCourseShare(db.Model):
    """One learner's share of the cells for one course, item by item, as last added: what a
    change takes away before it adds the learner's new share. Keyed like the cells; the cell
    key (start month, library, language) is the learner's when the share was counted."""

    __tablename__ = "report_course_shares"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    item_id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    organisation_id: Mapped[int] = mapped_column()
    language: Mapped[str] = mapped_column(String(8))
    learners: Mapped[int] = mapped_column(default=0)
    answers: Mapped[int] = mapped_column(default=0)
    correct: Mapped[int] = mapped_column(default=0)
    finished: Mapped[int] = mapped_column(default=0)
