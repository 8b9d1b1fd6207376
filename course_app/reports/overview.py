"""The overview: learners active, enrolments, completions, certificates, quiz pass rate and
median time to complete, in total and broken down by one dimension. Six grouped queries,
whatever the number of rows behind them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, func, select

from course_app.extensions import db
from course_app.reports import facts as F
from course_app.reports.facts import Breakdown
from course_app.reports.filters import ReportFilter, ReportScope

MEASURES = (
    "active",
    "enrolments",
    "completions",
    "certificates",
    "attempts",
    "pass_rate",
    "median_days",
)
# The column holding the number of learners each measure rests on (for small-count hiding).
LEARNER_COUNTS = {
    "active": "active",
    "enrolments": "enrolments",
    "completions": "completions",
    "certificates": "certificates",
    "attempts": "attempt_learners",
    "pass_rate": "attempt_learners",
    "median_days": "completions",
}
SECONDS_PER_DAY = 86400.0


@dataclass
class OverviewRow:
    key: Any
    values: dict[str, Any] = field(default_factory=dict)


def _grouped(select_stmt, by: Breakdown | None):
    if by is None:
        return select_stmt
    return select_stmt.group_by("key")


def _counts(
    f: ReportFilter, scope: ReportScope, by: Breakdown | None, only_distinct: bool = False
) -> dict[Any, dict]:
    """The measures per group. only_distinct: just those that cannot be added up from groups
    (distinct learners, the median), for totals whose other figures come from a breakdown."""
    found: dict[Any, dict[str, Any]] = defaultdict(dict)

    def collect(stmt, *names: str) -> None:
        for row in db.session.execute(_grouped(stmt, by)):
            for name, value in zip(names, row[1:], strict=True):
                found[row[0]][name] = value

    active = F.activity(f)
    collect(F.shaped(active, [func.count(active.c.learner_id.distinct())], f, scope, by), "active")
    attempts = F.attempts_submitted(f)
    if only_distinct:
        distinct = [func.count(attempts.c.learner_id.distinct())]
        collect(F.shaped(attempts, distinct, f, scope, by), "attempt_learners")
    else:
        for name, facts in (
            ("enrolments", F.enrolments_started(f)),
            ("completions", F.enrolments_completed(f)),
            ("certificates", F.certificates_issued(f)),
        ):
            collect(F.shaped(facts, [func.count()], f, scope, by), name)
        columns = [
            func.count(),
            func.sum(attempts.c.passed.cast(Integer)),
            func.count(attempts.c.learner_id.distinct()),
        ]
        collect(F.shaped(attempts, columns, f, scope, by), "attempts", "passed", "attempt_learners")
    for key, seconds in median_seconds(f, scope, by).items():
        found[key]["median_days"] = round(seconds / SECONDS_PER_DAY, 1)
    return found


def median_seconds(f: ReportFilter, scope: ReportScope, by: Breakdown | None) -> dict[Any, float]:
    """The median time from start to completion per group, with window functions, in SQL."""
    completed = F.enrolments_completed(f)
    durations = F.shaped(completed, [completed.c.seconds.label("seconds")], f, scope, by).subquery()
    ranked = select(
        durations.c.key,
        durations.c.seconds,
        func.row_number()
        .over(partition_by=durations.c.key, order_by=durations.c.seconds)
        .label("rn"),
        func.count().over(partition_by=durations.c.key).label("n"),
    ).subquery()
    # The middle row, or the two middle rows of an even count: 2*rn is n, n+1 or n+2.
    stmt = (
        select(ranked.c.key, func.avg(ranked.c.seconds))
        .where((2 * ranked.c.rn).between(ranked.c.n, ranked.c.n + 2))
        .group_by(ranked.c.key)
    )
    return {key: float(value) for key, value in db.session.execute(stmt) if value is not None}


def _finish(values: dict[str, Any]) -> dict[str, Any]:
    row = {name: values.get(name, 0) for name in ("active", "enrolments", "completions")}
    row["certificates"] = values.get("certificates", 0)
    row["attempts"] = values.get("attempts", 0)
    row["attempt_learners"] = values.get("attempt_learners", 0)
    passed = row["passed"] = values.get("passed") or 0
    row["pass_rate"] = round(100 * passed / row["attempts"]) if row["attempts"] else None
    row["median_days"] = values.get("median_days")
    return row


ADDITIVE = ("enrolments", "completions", "certificates", "attempts", "passed")


def overview_totals(
    f: ReportFilter, scope: ReportScope, breakdown: list[OverviewRow] | None = None
) -> dict[str, Any]:
    """The headline figures for the filters, over the viewer's scope.

    Given the breakdown for the same filters, the figures that add up across groups are
    summed from it (every fact falls in exactly one group) and only the rest is queried.
    """
    if breakdown is None:
        return _finish(_counts(f, scope, None).get(None, {}))
    values = dict(_counts(f, scope, None, only_distinct=True).get(None, {}))
    for name in ADDITIVE:
        values[name] = sum(row.values.get(name) or 0 for row in breakdown)
    return _finish(values)


def overview_breakdown(f: ReportFilter, scope: ReportScope, by: Breakdown) -> list[OverviewRow]:
    """One row per value of the breakdown that has any figure; every month of the range."""
    found = _counts(f, scope, by)
    keys: list[Any] = list(found)
    if by == Breakdown.MONTH:
        keys = f.months()
    return [OverviewRow(key=key, values=_finish(found.get(key, {}))) for key in keys]


def completions_by_month(f: ReportFilter, scope: ReportScope) -> list[tuple[str, int]]:
    """Completions per month of the range (zero months included), for the chart."""
    completed = F.enrolments_completed(f)
    found = dict(
        db.session.execute(
            F.shaped(completed, [func.count()], f, scope, Breakdown.MONTH).group_by("key")
        ).all()
    )
    return [(month, found.get(month, 0)) for month in f.months()]


def completions_by_topic(f: ReportFilter, scope: ReportScope) -> list[tuple[str, int]]:
    completed = F.enrolments_completed(f)
    return [
        (topic, count)
        for topic, count in db.session.execute(
            F.shaped(completed, [func.count()], f, scope, Breakdown.TOPIC).group_by("key")
        )
    ]
