"""Comparing the kept report tables with what counting everything again would give."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from course_app.extensions import db
from course_app.reports.course_cells import CELL_KEYS, ITEM_KEYS, cohort, course_items
from course_app.reports.models import (
    ITEM_COLUMNS,
    MEASURE_COLUMNS,
    ReportCourseCell,
    ReportCourseShare,
    ReportMonth,
)
from course_app.reports.rollup import _grouped

MONTH_KEYS = ("learner_id", "course_id", "month")
MONTH_VALUES = ("organisation_id", "language", *MEASURE_COLUMNS, "seconds")
SHARE_KEYS = ("learner_id", "course_id", "kind", "item_id")
SHARE_VALUES = ("month", "organisation_id", "language", *ITEM_COLUMNS)


@dataclass
class Comparison:
    checked: dict[str, int] = field(default_factory=dict)
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def compare_with_rebuild() -> Comparison:
    """Every kept row against a fresh count (rows at zero count as absent)."""
    result = Comparison()
    everyone = cohort().subquery("everyone")
    tables = (
        (
            "report_months",
            ReportMonth.__table__,
            select(_grouped().subquery("fresh")),
            MONTH_KEYS,
            MONTH_VALUES,
        ),
        (
            "report_course_cells",
            ReportCourseCell.__table__,
            select(course_items(everyone, CELL_KEYS).subquery("fresh")),
            ITEM_KEYS,
            ITEM_COLUMNS,
        ),
        (
            "report_course_shares",
            ReportCourseShare.__table__,
            select(course_items(everyone, ("learner_id", *CELL_KEYS)).subquery("fresh")),
            SHARE_KEYS,
            SHARE_VALUES,
        ),
    )
    for name, table, fresh_query, keys, values in tables:
        kept = _rows(select(table), keys, values)
        fresh = _rows(fresh_query, keys, values)
        result.checked[name] = len(kept)
        for key in sorted(kept.keys() | fresh.keys(), key=repr):
            if kept.get(key) != fresh.get(key):
                result.differences.append(
                    f"{name} {dict(zip(keys, key, strict=True))}: kept {kept.get(key)}, "
                    f"counted again {fresh.get(key)}"
                )
    return result


def _rows(query, keys, values) -> dict[tuple, tuple]:
    found = {}
    for row in db.session.execute(query).mappings():
        counted = tuple(_plain(row[name]) for name in values)
        if any(row[name] for name in values if name in MEASURE_COLUMNS + ITEM_COLUMNS):
            found[tuple(row[name] for name in keys)] = counted
    return found


def _plain(value):
    return round(value, 3) if isinstance(value, float) else value
