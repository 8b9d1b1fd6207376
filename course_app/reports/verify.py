"""Comparing the kept report tables with what counting everything again would give.

The comparison runs in the database (EXCEPT, both ways), so a network's millions of share rows
are never loaded into Python: only the differences come back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Numeric, Select, cast, func, or_, select

from course_app.extensions import db
from course_app.reports.course_cells import CELL_KEYS, ITEM_KEYS, cohort, course_items
from course_app.reports.models import (
    ITEM_COLUMNS,
    MEASURE_COLUMNS,
    ReportCourseCell,
    ReportCourseShare,
    ReportMonth,
)
from course_app.reports.rollup import grouped_rows

MONTH_COLUMNS = ("learner_id", "course_id", "month", "organisation_id", "language")
SHARE_COLUMNS = ("learner_id", *ITEM_KEYS)


@dataclass
class Comparison:
    checked: dict[str, int] = field(default_factory=dict)
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def _rows(source, columns: tuple[str, ...], measures: tuple[str, ...]) -> Select:
    """The rows with anything counted in them (a row at zero counts as absent)."""
    c = source.c
    picked = [c[name] for name in columns] + [c[name] for name in measures]
    if "seconds" in c:
        picked.append(func.round(cast(c.seconds, Numeric), 3).label("seconds"))
    return select(*picked).where(or_(*[c[name] != 0 for name in measures]))


def compare_with_rebuild(show: int = 20) -> Comparison:
    """Every kept row against a fresh count; up to `show` differences per table and way."""
    result = Comparison()
    everyone = cohort().subquery("everyone")
    tables = (
        ("report_months", ReportMonth.__table__, grouped_rows(), MONTH_COLUMNS, MEASURE_COLUMNS),
        (
            "report_course_cells",
            ReportCourseCell.__table__,
            course_items(everyone, CELL_KEYS).subquery("fresh"),
            ITEM_KEYS,
            ITEM_COLUMNS,
        ),
        (
            "report_course_shares",
            ReportCourseShare.__table__,
            course_items(everyone, ("learner_id", *CELL_KEYS)).subquery("fresh"),
            SHARE_COLUMNS,
            ITEM_COLUMNS,
        ),
    )
    for name, table, fresh, columns, measures in tables:
        kept_rows = _rows(table, columns, measures)
        fresh_rows = _rows(fresh, columns, measures)
        result.checked[name] = db.session.scalar(
            select(func.count()).select_from(kept_rows.subquery())
        )
        both_ways = (
            ("kept", kept_rows.except_(fresh_rows)),
            ("counted again", fresh_rows.except_(kept_rows)),
        )
        for where, only in both_ways:
            for row in db.session.execute(only.limit(show)).mappings():
                result.differences.append(f"{name}, only when {where}: {dict(row)}")
    return result
