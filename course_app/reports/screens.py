"""Report results turned into `Table`s and charts: what the pages and CSV files show."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from course_app.content.models import Course
from course_app.extensions import db
from course_app.learning.topics import topic_name
from course_app.reports.charts import Datum, bar_chart, column_chart, funnel_chart
from course_app.reports.course_report import CourseReport
from course_app.reports.facts import LIBRARY_BREAKDOWNS, Breakdown
from course_app.reports.filters import ReportFilter, ReportScope
from course_app.reports.forms import BREAKDOWN_LABELS
from course_app.reports.labels import key_labels, system_names
from course_app.reports.library_report import LibraryLine
from course_app.reports.overview import OverviewRow
from course_app.reports.privacy import HIDDEN_TOO, hidden_cells
from course_app.reports.tables import Column, Table, also_hidden_text


def threshold() -> int:
    return max(1, int(current_app.config["REPORT_MIN_LEARNERS"]))


def library_level(f: ReportFilter, scope: ReportScope, by: Breakdown | None = None) -> bool:
    """Figures that could point at one library's patrons: these get small counts hidden."""
    return f.organisation_id is not None or not scope.is_whole_network or by in LIBRARY_BREAKDOWNS


def overview_columns(first: str) -> list[Column]:
    return [
        Column("label", first, numeric=False),
        Column("active", _("Learners active"), learners="active"),
        Column("enrolments", _("Enrolments"), learners="enrolments"),
        Column("completions", _("Completions"), learners="completions"),
        Column("certificates", _("Certificates issued"), learners="certificates"),
        Column("attempts", _("Quiz attempts"), learners="attempt_learners"),
        Column("pass_rate", _("Quiz pass rate"), suffix="%", learners="attempt_learners"),
        Column("median_days", _("Median days to complete"), decimals=1, learners="completions"),
    ]


def summary_table(totals: dict[str, Any], hide: bool, sort: str | None = None) -> Table:
    table = Table("summary", _("All figures for these filters"), overview_columns(_("Scope")))
    table.rows = [{"label": _("All"), **totals}]
    return table.finish(hide, threshold(), None, False)


def breakdown_table(
    rows: list[OverviewRow], by: Breakdown, hide: bool, sort: str | None, descending: bool
) -> Table:
    labels = key_labels(by, [row.key for row in rows])
    columns = overview_columns(str(BREAKDOWN_LABELS[by]))
    systems: dict[int, str] = {}
    if by == Breakdown.BRANCH:
        systems = system_names(row.key for row in rows)
        columns.insert(1, Column("system", _("Library system"), numeric=False))
    table = Table(
        "breakdown",
        _("Figures by %(what)s", what=str(BREAKDOWN_LABELS[by]).lower()),
        columns,
    )
    for row in rows:
        line = {"label": labels.get(row.key, str(row.key)), **row.values}
        if by == Breakdown.BRANCH:
            line["system"] = systems.get(row.key, "")
        if by == Breakdown.COURSE and row.key is not None:
            line["_course_id"] = row.key
        table.rows.append(line)
    return table.finish(hide, threshold(), sort or "label", descending if sort else False)


def add_course_links(table: Table, slugs: dict[int, str], args: dict[str, Any]) -> None:
    for row in table.rows:
        slug = slugs.get(row.get("_course_id"))
        if slug:
            row["_link"] = url_for("reports.course", slug=slug, **args)


def _chart_data(points: list[tuple[str, int]], hide: bool) -> list[Datum]:
    """A chart's bars, hidden as its table is: small counts and their complements."""
    marks = hidden_cells([count for _label, count in points], threshold()) if hide else {}
    return [
        Datum(
            label,
            None if i in marks else count,
            note=also_hidden_text() if marks.get(i) is HIDDEN_TOO else None,
        )
        for i, (label, count) in enumerate(points)
    ]


def points_table(table_id: str, caption: str, first: str, points, hide: bool) -> Table:
    """The numbers behind a chart, for people who cannot see it."""
    table = Table(
        table_id,
        caption,
        [
            Column("label", first, numeric=False),
            Column("count", _("Completions"), learners="count"),
        ],
    )
    table.rows = [{"label": label, "count": count} for label, count in points]
    return table.finish(hide, threshold(), None, False)


def month_chart(points: list[tuple[str, int]], hide: bool) -> Markup:
    return column_chart(
        _chart_data(points, hide),
        title=_("Completions per month"),
        description=_("Courses completed in each month of the chosen dates."),
        chart_id="chart-months",
        suppressed_text=f"< {threshold()}",
        empty_text=_("No data"),
        number_format=format_decimal,
    )


def topic_chart(points: list[tuple[str, int]], hide: bool) -> Markup:
    data = sorted(points, key=lambda point: -point[1])
    return bar_chart(
        _chart_data([(topic_name(topic), count) for topic, count in data], hide),
        title=_("Completions by topic"),
        description=_("Courses completed in the chosen dates, by the course's topic."),
        chart_id="chart-topics",
        suppressed_text=f"< {threshold()}",
        empty_text=_("No data"),
        number_format=format_decimal,
    )


def funnel_steps(report: CourseReport) -> list[tuple[str, int]]:
    names = {f"module:{line.module.id}": line.module.title for line in report.modules}
    fixed = {
        "started": _("Started the course"),
        "completed": _("Finished the course"),
        "certificate": _("Certificate"),
    }
    return [
        (fixed.get(key) or _("Finished %(module)s", module=names[key]), count)
        for key, count in report.funnel
    ]


def funnel_table(report: CourseReport, hide: bool) -> Table:
    table = Table(
        "funnel",
        _("How far learners got"),
        [
            Column("label", _("Step"), numeric=False),
            Column("learners", _("Learners"), learners="learners"),
        ],
    )
    table.rows = [{"label": label, "learners": count} for label, count in funnel_steps(report)]
    return table.finish(hide, threshold(), None, False)


def course_funnel_chart(report: CourseReport, hide: bool) -> Markup:
    return funnel_chart(
        _chart_data(funnel_steps(report), hide),
        title=_("Course funnel: %(course)s", course=report.course.title),
        description=_(
            "How many learners started the course, finished each module, finished the "
            "course and got a certificate."
        ),
        chart_id="chart-funnel",
        suppressed_text=f"< {threshold()}",
        empty_text=_("No data"),
        number_format=format_decimal,
    )


def lessons_table(report: CourseReport, hide: bool) -> Table:
    table = Table(
        "lessons",
        _("Modules and lessons"),
        [
            Column("module", _("Module"), numeric=False),
            Column("label", _("Lesson"), numeric=False),
            Column("started", _("Started the module"), learners="started"),
            Column("completed", _("Finished"), learners="completed"),
            Column("stopped", _("Stopped here"), learners="stopped"),
        ],
    )
    for line in report.modules:
        table.rows.append(
            {
                "module": line.module.title,
                "label": _("Whole module"),
                "started": line.started,
                "completed": line.completed,
                "stopped": None,
            }
        )
        for lesson in line.lessons:
            table.rows.append(
                {
                    "module": line.module.title,
                    "label": lesson.lesson.title,
                    "started": None,
                    "completed": lesson.completed,
                    "stopped": lesson.stopped_here,
                }
            )
    return table.finish(hide, threshold(), None, False)


def questions_table(report: CourseReport, hide: bool, sort: str | None, descending: bool) -> Table:
    table = Table(
        "questions",
        _("Quiz questions, most missed first"),
        [
            Column("module", _("Module"), numeric=False),
            Column("label", _("Question"), numeric=False),
            Column("answers", _("Answers"), learners="learners"),
            Column("percent_correct", _("Answered right"), suffix="%", learners="learners"),
        ],
    )
    for line in report.questions:
        table.rows.append(
            {
                "module": line.module.title,
                # Sanitised at import; only its text is shown here.
                "label": Markup(line.question.prompt_html).striptags(),  # noqa: S704
                "answers": line.answers,
                "percent_correct": line.percent_correct,
                "learners": line.learners,
            }
        )
    return table.finish(hide, threshold(), sort, descending)


def libraries_table(lines: list[LibraryLine], sort: str | None, descending: bool) -> Table:
    table = Table(
        "libraries",
        _("Libraries"),
        [
            Column("label", _("Library"), numeric=False),
            Column("system", _("Library system"), numeric=False),
            Column("kind", _("Kind"), numeric=False),
            Column("patrons", _("Patrons"), learners="patrons"),
            Column("classes", _("Classes")),
            Column("assignments", _("Assignments given")),
            Column("due", _("Assigned work due")),
            Column("on_time_rate", _("Finished on time"), suffix="%", learners="due_learners"),
        ],
    )
    kinds = {"network": _("Network"), "system": _("Library system"), "branch": _("Branch")}
    systems = system_names(line.organisation.id for line in lines)
    for line in lines:
        table.rows.append(
            {
                "label": line.organisation.name,
                "system": systems.get(line.organisation.id, ""),
                "kind": kinds.get(line.organisation.kind, line.organisation.kind),
                "patrons": line.patrons,
                "classes": line.classes,
                "assignments": line.assignments,
                "due": line.due,
                "on_time_rate": line.on_time_rate,
                "due_learners": line.due_learners,
                "_depth": line.depth,
                # Branches add up to their system, systems to the network.
                "_group": line.organisation.parent_id,
            }
        )
    return table.finish(True, threshold(), sort, descending)


def learners_columns() -> list[Column]:
    return [
        Column("display_name", _("Name"), numeric=False),
        Column("username", _("Username"), numeric=False),
        Column("library", _("Library"), numeric=False),
        Column("started", _("Courses started")),
        Column("completed", _("Courses finished")),
        Column("certificates", _("Certificates")),
        Column("last_active", _("Last active (UTC)"), numeric=False),
    ]


def learner_row(result: Any) -> dict[str, Any]:
    """A patron's cells by column key, for the page; the same cells as the CSV."""
    cells = learner_cells(result)
    row = {column.key: cell for column, cell in zip(learners_columns(), cells, strict=True)}
    row["_user_id"] = result.user_id
    return row


def learner_cells(result: Any) -> list[object]:
    """A patron's CSV cells, in the order of `learners_columns`; read straight from the row
    (the export can be 100,000 rows)."""
    name, username, library, started, completed, certificates, last = result[:7]
    return [name, username, library, started, completed, certificates, last.date() if last else ""]


def course_slugs(ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(Course.id, Course.slug).where(Course.id.in_(ids))).all())
