"""What reports count, kept per learner, course and month so that a year of a million
progress rows is read as a few hundred thousand rows.

Derived data: rebuilt from lessons, quiz attempts, enrolments and certificates by
`course_app.reports.rollup` whenever one of those changes for a learner and course, and in
full by `flask reports rebuild`. The source tables stay the truth.
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
