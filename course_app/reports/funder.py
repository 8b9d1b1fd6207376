"""The funder report: one page for a library or system and a date range, with the headline
figures, completions by course and month (and the chart), and the libraries. Small counts
are hidden exactly as on the other report pages: it reads the same tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from course_app.content.localize import localized
from course_app.content.models import Course
from course_app.extensions import db
from course_app.libraries.models import Organisation, OrganisationKind
from course_app.reports import screens
from course_app.reports.facts import Breakdown
from course_app.reports.filters import ReportFilter, ReportScope
from course_app.reports.library_report import library_report
from course_app.reports.overview import completions_by_course_and_month, overview
from course_app.reports.tables import Column, Table


@dataclass
class FunderReport:
    network: str
    library: str
    start: date
    end: date
    summary: Table
    courses: Table
    month_points: list[tuple[str, int]]
    month_chart: Markup
    libraries: Table
    hidden: bool
    threshold: int


def network_name(default: str) -> str:
    """The network's name (the top organisation), or the site's name when none is set up."""
    name = db.session.scalar(
        select(Organisation.name)
        .where(Organisation.kind == OrganisationKind.NETWORK.value)
        .order_by(Organisation.id)
        .limit(1)
    )
    return name or default


def _courses_table(
    cells: dict[tuple, int], months: list[str], language: str, hide: bool, threshold: int
) -> Table:
    course_ids = sorted({course_id for course_id, _month in cells})
    titles = dict(
        db.session.execute(
            select(Course.id, localized(Course.title, language)).where(Course.id.in_(course_ids))
        ).all()
        if course_ids
        else []
    )
    columns = [Column("label", _("Course"), numeric=False)]
    columns += [Column(month, month, learners=month) for month in months]
    columns.append(Column("total", _("Total"), learners="total"))
    table = Table("funder-courses", _("Completions by course and month"), columns)
    for course_id in course_ids:
        row: dict[str, Any] = {"label": titles.get(course_id, "")}
        for month in months:
            row[month] = cells.get((course_id, month), 0)
        row["total"] = sum(row[month] for month in months)
        table.rows.append(row)
    return table.finish(hide, threshold, "label", False)


def funder_report(
    f: ReportFilter,
    scope: ReportScope,
    today: date,
    *,
    site_name: str,
    library_label: str,
    language: str,
) -> FunderReport:
    """Every figure of the funder report for the filters, suppressed as on screen."""
    threshold = screens.threshold()
    hide = screens.library_level(f, scope)
    totals, _rows = overview(f, scope, Breakdown.MONTH)
    summary = screens.summary_table(totals, hide)
    months = f.months()
    cells = completions_by_course_and_month(f, scope)
    month_points = [
        (month, sum(count for (_c, m), count in cells.items() if m == month)) for month in months
    ]
    return FunderReport(
        network=network_name(site_name),
        library=library_label,
        start=f.start,
        end=f.end,
        summary=summary,
        courses=_courses_table(cells, months, language, hide, threshold),
        month_points=month_points,
        month_chart=screens.month_chart(month_points, hide),
        libraries=screens.libraries_table(library_report(f, scope, today), None, False),
        hidden=hide,
        threshold=threshold,
    )
