"""Keeping `report_months` in step with the tables it is counted from.

One SELECT describes every countable event (a lesson finished, a quiz tried, an enrolment
started or completed, a certificate issued) with its learner, course, month, library and
language. Grouped, it fills `report_months`; ungrouped and limited to part of a month, the
reports read it directly for the days a date range cuts out of a month.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    Subquery,
    and_,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    true,
    union_all,
)

from course_app.accounts.models import Learner, User
from course_app.certificates.models import Certificate
from course_app.db import CompiledOnce, insert_in
from course_app.extensions import db
from course_app.learning.models import Enrolment, LessonProgress
from course_app.quizzes.models import QuizAttempt
from course_app.reports.course_cells import rebuild_course_cells
from course_app.reports.models import MEASURE_COLUMNS, ReportMonth
from course_app.reports.sql import month_of, seconds_between

EVENT_COLUMNS = ("learner_id", "course_id", "month", *MEASURE_COLUMNS, "seconds")


def _event(
    learner_id,
    course_id,
    at,
    *,
    lessons=0,
    attempts=0,
    passed=None,
    started=0,
    completed=0,
    certificates=0,
    seconds=None,
) -> list[ColumnElement]:
    return [
        learner_id.label("learner_id"),
        course_id.label("course_id"),
        month_of(at).label("month"),
        literal(lessons).label("lessons"),
        literal(attempts).label("attempts"),
        (passed if passed is not None else literal(0)).label("passed"),
        literal(started).label("started"),
        literal(completed).label("completed"),
        literal(certificates).label("certificates"),
        (seconds if seconds is not None else cast(null(), Float)).label("seconds"),
    ]


def events(
    since: datetime | None = None,
    before: datetime | None = None,
    learner_id: int | None = None,
    course_id: int | None = None,
    learner_ids: list[int] | None = None,
) -> Subquery:
    """Every countable event, optionally limited to a time span, a learner (or several) and
    a course."""

    def limit(stmt: Select, learner, course, at) -> Select:
        if since is not None:
            stmt = stmt.where(at >= since)
        if before is not None:
            stmt = stmt.where(at < before)
        if learner_id is not None:
            stmt = stmt.where(learner == learner_id)
        if course_id is not None:
            stmt = stmt.where(course == course_id)
        if learner_ids is not None:
            stmt = stmt.where(learner.in_(learner_ids))
        return stmt

    lp, qa, en, ce = LessonProgress, QuizAttempt, Enrolment, Certificate
    parts = [
        limit(
            select(*_event(lp.learner_id, lp.course_id, lp.completed_at, lessons=1)),
            lp.learner_id,
            lp.course_id,
            lp.completed_at,
        ),
        limit(
            select(
                *_event(
                    qa.learner_id,
                    qa.course_id,
                    qa.submitted_at,
                    attempts=1,
                    passed=qa.passed.cast(Integer),
                )
            ),
            qa.learner_id,
            qa.course_id,
            qa.submitted_at,
        ),
        limit(
            select(*_event(en.learner_id, en.course_id, en.started_at, started=1)),
            en.learner_id,
            en.course_id,
            en.started_at,
        ),
        limit(
            select(
                *_event(
                    en.learner_id,
                    en.course_id,
                    en.completed_at,
                    completed=1,
                    seconds=seconds_between(en.started_at, en.completed_at),
                )
            ).where(en.completed_at.is_not(None)),
            en.learner_id,
            en.course_id,
            en.completed_at,
        ),
        limit(
            select(*_event(ce.learner_id, ce.course_id, ce.issued_at, certificates=1)),
            ce.learner_id,
            ce.course_id,
            ce.issued_at,
        ),
    ]
    return union_all(*parts).subquery("events")


def with_library_and_language(rows: Subquery) -> Select:
    """The rows with the learner's library now and the enrolment's language."""
    return (
        select(rows, User.organisation_id, Enrolment.language)
        .join(Learner, Learner.id == rows.c.learner_id)
        .outerjoin(User, User.id == Learner.user_id)
        .outerjoin(
            Enrolment,
            and_(
                Enrolment.learner_id == rows.c.learner_id,
                Enrolment.course_id == rows.c.course_id,
            ),
        )
    )


def _grouped(
    learner_id: int | None = None,
    course_id: int | None = None,
    learner_ids: list[int] | None = None,
) -> Select:
    source = events(learner_id=learner_id, course_id=course_id, learner_ids=learner_ids)
    grouped = (
        select(
            source.c.learner_id,
            source.c.course_id,
            source.c.month,
            *[func.sum(source.c[name]).label(name) for name in MEASURE_COLUMNS],
            func.max(source.c.seconds).label("seconds"),
        )
        .group_by(source.c.learner_id, source.c.course_id, source.c.month)
        .subquery("grouped")
    )
    return with_library_and_language(grouped)


_INSERT_COLUMNS = [*EVENT_COLUMNS, "organisation_id", "language"]


def grouped_rows() -> Subquery:
    """Every row `report_months` should hold, counted from the source tables."""
    return _grouped().subquery("fresh")


def _refresh_months(dialect: str) -> Any:
    mine = _grouped(bindparam("learner_id"), bindparam("course_id")).subquery("mine")
    stmt = insert_in(dialect, ReportMonth.__table__).from_select(
        _INSERT_COLUMNS, select(mine).where(true())
    )
    return stmt.on_conflict_do_update(
        index_elements=["learner_id", "course_id", "month"],
        set_={name: stmt.excluded[name] for name in _INSERT_COLUMNS[3:]},
    )


_REFRESH_MONTHS = CompiledOnce(_refresh_months)


def refresh_months(learner_id: int, course_id: int) -> None:
    """Counts one learner's rows for one course again from the source tables (a handful of
    rows) and writes them over the kept ones: one statement. A learner's events only ever
    grow, so no month loses its row."""
    _REFRESH_MONTHS.execute(db.session, {"learner_id": learner_id, "course_id": course_id})


def drop_learner_months(learner_id: int) -> None:
    db.session.execute(delete(ReportMonth).where(ReportMonth.learner_id == learner_id))


def rebuild_all() -> int:
    """Rebuilds every row; for demo data, imports of history and `flask reports rebuild`."""
    db.session.flush()
    db.session.execute(delete(ReportMonth))
    db.session.execute(insert(ReportMonth).from_select(_INSERT_COLUMNS, _grouped()))
    rebuild_course_cells()
    return db.session.scalar(select(func.count()).select_from(ReportMonth)) or 0


def refresh_learners_months(course_id: int, learner_ids: list[int]) -> None:
    """Counts many learners' rows for one course again (two statements): after a re-import."""
    db.session.execute(
        delete(ReportMonth).where(
            ReportMonth.course_id == course_id, ReportMonth.learner_id.in_(learner_ids)
        )
    )
    db.session.execute(
        insert(ReportMonth).from_select(
            _INSERT_COLUMNS, _grouped(course_id=course_id, learner_ids=learner_ids)
        )
    )
