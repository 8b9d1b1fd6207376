"""The rows the overview counts: whole months from `report_months`, and the days a date range
cuts out of a month read from the source tables, in one subquery of one shape.

Columns: learner_id, course_id, month, lessons, attempts, passed, started, completed,
certificates, seconds, organisation_id, language.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, case, literal, select, union_all
from sqlalchemy.orm import aliased

from course_app.content.models import Course
from course_app.db import utc_now
from course_app.libraries.access import subtree_ids
from course_app.libraries.models import Organisation, OrganisationKind
from course_app.reports.facts import LIBRARY_BREAKDOWNS, Breakdown
from course_app.reports.filters import ReportFilter, ReportScope
from course_app.reports.models import ReportMonth
from course_app.reports.rollup import events, with_library_and_language

# Which covering index SQLite should walk for each kind of grouping (it guesses worse).
_SQLITE_INDEX = {
    "course": "ix_report_months_course",
    "organisation": "ix_report_months_organisation",
    "learner": "ix_report_months_learner",
    "completions": "ix_report_months_completions",
}


def _month_start(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=UTC)


def _next_month(moment: datetime) -> datetime:
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return _month_start(year, month)


def split_range(
    start: datetime, end: datetime, now: datetime
) -> tuple[list[str], list[tuple[datetime, datetime]]]:
    """The whole months inside [start, end) and the partial spans left over.

    Nothing happens after `now`, so the month holding `now` counts as whole when the range
    runs past `now`.
    """
    first = start if start == _month_start(start.year, start.month) else _next_month(start)
    months: list[str] = []
    cursor = first
    while cursor < end:
        following = _next_month(cursor)
        if following > end and end <= now:
            break  # a month the range cuts short: its days come from the source tables
        months.append(f"{cursor.year:04d}-{cursor.month:02d}")
        cursor = following
        if following > end:
            break
    if not months:
        return [], [(start, end)]
    spans = [(start, first)] if start < first else []
    if cursor < end:
        spans.append((cursor, end))
    return months, spans


def report_rows(f: ReportFilter, index: str | None = None) -> Subquery:
    months, spans = split_range(f.start_at, f.end_before, utc_now())
    parts: list[Select] = []
    if months:
        whole = select(
            ReportMonth.learner_id,
            ReportMonth.course_id,
            ReportMonth.month,
            ReportMonth.lessons,
            ReportMonth.attempts,
            ReportMonth.passed,
            ReportMonth.started,
            ReportMonth.completed,
            ReportMonth.certificates,
            ReportMonth.seconds,
            ReportMonth.organisation_id,
            ReportMonth.language,
        ).where(ReportMonth.month >= months[0], ReportMonth.month <= months[-1])
        if index:
            whole = whole.with_hint(
                ReportMonth.__table__, f"INDEXED BY {_SQLITE_INDEX[index]}", "sqlite"
            )
        parts.append(whole)
    for since, before in spans:
        parts.append(with_library_and_language(events(since=since, before=before)))
    return union_all(*parts).subquery("rows") if len(parts) > 1 else parts[0].subquery("rows")


def grouped_rows(
    f: ReportFilter,
    scope: ReportScope,
    by: Breakdown | None,
    columns: Callable[[Subquery], list[ColumnElement[Any]]],
    only: Callable[[Subquery], ColumnElement[bool]] | None = None,
    with_course: bool = False,
    index: str | None = None,
) -> Select:
    """SELECT key, *columns(rows) over the filtered rows; the caller groups or wraps it."""
    library = (
        by in LIBRARY_BREAKDOWNS or f.organisation_id is not None or not scope.is_whole_network
    )
    if index is None and library:
        index = "organisation"
    elif index is None and by in (Breakdown.COURSE, Breakdown.TOPIC):
        index = "course"
    rows = report_rows(f, index)
    joined = rows
    where: list[ColumnElement[bool]] = []
    if with_course or f.topic is not None or by == Breakdown.TOPIC:
        joined = joined.join(Course, Course.id == rows.c.course_id)
    if f.course_id is not None:
        where.append(rows.c.course_id == f.course_id)
    if f.topic is not None:
        where.append(Course.topic == f.topic)
    if f.language is not None:
        where.append(rows.c.language == f.language)
    if f.organisation_id is not None:
        where.append(rows.c.organisation_id.in_(subtree_ids(f.organisation_id)))
    scope_ids = scope.organisation_ids()
    if scope_ids is not None:
        where.append(rows.c.organisation_id.in_(scope_ids))
    if only is not None:
        where.append(only(rows))
    if by is None:
        key = None
    elif by == Breakdown.COURSE:
        key = rows.c.course_id
    elif by == Breakdown.TOPIC:
        key = Course.topic
    elif by == Breakdown.LANGUAGE:
        key = rows.c.language
    elif by == Breakdown.BRANCH:
        key = rows.c.organisation_id
    elif by == Breakdown.SYSTEM:
        home = aliased(Organisation)
        joined = joined.outerjoin(home, home.id == rows.c.organisation_id)
        key = case((home.kind == OrganisationKind.BRANCH.value, home.parent_id), else_=home.id)
    else:
        key = rows.c.month
    key_column = (key if key is not None else literal(None)).label("key")
    return select(key_column, *columns(rows)).select_from(joined).where(*where)
