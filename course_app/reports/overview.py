"""The overview: learners active, enrolments, completions, certificates, quiz pass rate and
median time to complete, in total and broken down by one dimension. Six grouped queries,
whatever the number of rows behind them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Subquery, case, func, select

from course_app.content.models import Course
from course_app.extensions import db
from course_app.reports.facts import Breakdown
from course_app.reports.filters import ReportFilter, ReportScope
from course_app.reports.monthly import grouped_rows

SECONDS_PER_DAY = 86400.0
# Figures that add up across the groups of a breakdown (each counted thing is in one group).
ADDITIVE = ("started", "completed", "certificates", "attempts", "passed")
SHOWN_AS = {"started": "enrolments", "completed": "completions"}


@dataclass
class OverviewRow:
    key: Any
    values: dict[str, Any] = field(default_factory=dict)


def _counts(f: ReportFilter, scope: ReportScope, by: Breakdown, privacy: bool) -> dict[Any, dict]:
    """The measures per group in one query, and the medians in another. Learners who tried
    a quiz are counted (distinct) only when small counts are to be hidden: nothing else
    needs them."""

    def columns(rows):
        active = case((rows.c.lessons + rows.c.attempts > 0, rows.c.learner_id))
        tried = case((rows.c.attempts > 0, rows.c.learner_id))
        sums = [func.sum(rows.c[name]) for name in ADDITIVE]
        distinct = [func.count(active.distinct())]
        return distinct + ([func.count(tried.distinct())] if privacy else []) + sums

    names = ["active"] + (["attempt_learners"] if privacy else []) + list(ADDITIVE)
    found: dict[Any, dict[str, Any]] = defaultdict(dict)
    for row in db.session.execute(grouped_rows(f, scope, by, columns).group_by("key")):
        found[row[0]].update(zip(names, (value or 0 for value in row[1:]), strict=True))
    for key, seconds in median_seconds(f, scope, by).items():
        found[key]["median_days"] = round(seconds / SECONDS_PER_DAY, 1)
    return found


def _distinct_totals(f: ReportFilter, scope: ReportScope) -> dict[str, Any]:
    """Learners active and learners who tried a quiz, over all groups (read in learner
    order on SQLite, hashed on PostgreSQL)."""

    def columns(rows):
        active = case((rows.c.lessons + rows.c.attempts > 0, rows.c.learner_id))
        tried = case((rows.c.attempts > 0, rows.c.learner_id))
        return [func.count(active.distinct()), func.count(tried.distinct())]

    row = db.session.execute(grouped_rows(f, scope, None, columns, index="learner")).one()
    return {"active": row[1] or 0, "attempt_learners": row[2] or 0}


# The key under which `median_seconds` gives the median over all groups.
TOTAL = "__all__"


def median_seconds(f: ReportFilter, scope: ReportScope, by: Breakdown | None) -> dict[Any, float]:
    """The median time from start to completion per group and, under TOTAL, over all groups
    (the mean of the two middle values for an even count)."""
    durations = grouped_rows(
        f,
        scope,
        by,
        lambda rows: [rows.c.seconds.label("seconds")],
        only=lambda rows: rows.c.completed > 0,
        index="completions",
    ).subquery()
    if db.session.get_bind().dialect.name == "postgresql":
        return _medians_postgresql(durations)
    return _medians_by_rank(durations)


def _medians_postgresql(durations: Subquery) -> dict[Any, float]:
    """One ordered-set aggregate, grouped by the key and rolled up to the total: a third of
    the time of ranking every row with window functions."""
    median = func.percentile_cont(0.5).within_group(durations.c.seconds)
    rows = db.session.execute(
        select(func.grouping(durations.c.key), durations.c.key, median).group_by(
            func.rollup(durations.c.key)
        )
    )
    return {
        TOTAL if whole else key: float(value) for whole, key, value in rows if value is not None
    }


def _medians_by_rank(durations: Subquery) -> dict[Any, float]:
    """Per group, the middle rows by rank (window functions); over all groups, the middle of
    the count the groups add up to, read in order with LIMIT and OFFSET."""
    ranked = select(
        durations.c.key,
        durations.c.seconds,
        func.row_number()
        .over(partition_by=durations.c.key, order_by=durations.c.seconds)
        .label("rn"),
        func.count().over(partition_by=durations.c.key).label("n"),
    ).subquery("ranked")
    # The middle row, or the two middle rows of an even count: 2*rn is n, n+1 or n+2.
    per_group = (
        select(ranked.c.key, func.avg(ranked.c.seconds), func.max(ranked.c.n))
        .where((2 * ranked.c.rn).between(ranked.c.n, ranked.c.n + 2))
        .group_by(ranked.c.key)
    )
    found: dict[Any, float] = {}
    count = 0
    for key, value, n in db.session.execute(per_group):
        found[key] = float(value)
        count += n
    if count:
        middle = (
            select(durations.c.seconds)
            .order_by(durations.c.seconds)
            .limit(2 - count % 2)
            .offset((count - 1) // 2)
            .subquery("middle")
        )
        found[TOTAL] = float(db.session.scalar(select(func.avg(middle.c.seconds))))
    return found


def _finish(values: dict[str, Any]) -> dict[str, Any]:
    row = {"active": values.get("active", 0)}
    row["enrolments"] = values.get("started", 0)
    row["completions"] = values.get("completed", 0)
    row["certificates"] = values.get("certificates", 0)
    row["attempts"] = values.get("attempts", 0)
    row["attempt_learners"] = values.get("attempt_learners", 0)
    passed = row["passed"] = values.get("passed") or 0
    row["pass_rate"] = round(100 * passed / row["attempts"]) if row["attempts"] else None
    row["median_days"] = values.get("median_days")
    return row


def overview(
    f: ReportFilter, scope: ReportScope, by: Breakdown, privacy: bool = True
) -> tuple[dict[str, Any], list[OverviewRow]]:
    """The headline figures and the breakdown for the same filters.

    Figures that add up across groups are summed from the breakdown (every counted thing is
    in exactly one group); distinct learners are counted once more over all groups, and the
    overall median comes with the groups' medians.
    """
    found = _counts(f, scope, by, privacy)
    overall = found.pop(TOTAL, {})
    keys: list[Any] = list(found)
    if by == Breakdown.MONTH:
        keys = f.months()
    rows = [OverviewRow(key=key, values=_finish(found.get(key, {}))) for key in keys]
    values = _distinct_totals(f, scope)
    values["median_days"] = overall.get("median_days")
    for name in ADDITIVE:
        shown = SHOWN_AS.get(name, name)
        values[name] = sum(row.values.get(shown) or 0 for row in rows)
    return _finish(values), rows


def overview_totals(f: ReportFilter, scope: ReportScope) -> dict[str, Any]:
    """The headline figures for the filters, over the viewer's scope."""
    return overview(f, scope, Breakdown.MONTH)[0]


def overview_breakdown(
    f: ReportFilter, scope: ReportScope, by: Breakdown, privacy: bool = True
) -> list[OverviewRow]:
    """One row per value of the breakdown that has any figure; every month of the range."""
    return overview(f, scope, by, privacy)[1]


def completions_by_month_and_topic(
    f: ReportFilter, scope: ReportScope
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Completions per month of the range (zero months included) and per topic, for the
    charts, from one grouped query."""
    rows = db.session.execute(
        grouped_rows(
            f,
            scope,
            Breakdown.MONTH,
            lambda rows: [Course.topic, func.sum(rows.c.completed)],
            only=lambda rows: rows.c.completed > 0,
            with_course=True,
            index="completions",
        ).group_by("key", Course.topic)
    ).all()
    months: dict[str, int] = defaultdict(int)
    topics: dict[str, int] = defaultdict(int)
    for month, topic, count in rows:
        months[month] += count or 0
        topics[topic] += count or 0
    return [(month, months.get(month, 0)) for month in f.months()], sorted(topics.items())


def completions_by_course_and_month(f: ReportFilter, scope: ReportScope) -> dict[tuple, int]:
    """(course id, 'YYYY-MM') -> completions, from one grouped query (the funder report)."""
    rows = db.session.execute(
        grouped_rows(
            f,
            scope,
            Breakdown.MONTH,
            lambda rows: [Course.id, func.sum(rows.c.completed)],
            only=lambda rows: rows.c.completed > 0,
            with_course=True,
            index="completions",
        ).group_by("key", Course.id)
    ).all()
    return {(course_id, month): count or 0 for month, course_id, count in rows}
