"""Report pages and their CSV files. Staff see the network; a librarian sees their library
system; learners see none. Every page takes the same GET filters, and every table's CSV link
carries them, so a download matches its page."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
)
from flask_babel import gettext as _
from flask_login import current_user

from course_app.accounts.access import STAFF_ROLES, role_required
from course_app.accounts.models import Role
from course_app.classes.csv_cells import csv_lines
from course_app.db import utc_now
from course_app.extensions import db
from course_app.forms import bad_filters_response, page_number
from course_app.learning.topics import LANGUAGE_NAMES, topic_name
from course_app.libraries.access import visible_organisation_ids
from course_app.libraries.services import organisation_tree
from course_app.reports import screens
from course_app.reports.course_report import course_report
from course_app.reports.courses import ReportCourse, report_courses
from course_app.reports.facts import Breakdown
from course_app.reports.filters import ReportScope, default_filter, report_scope
from course_app.reports.forms import ReportFilterForm
from course_app.reports.learners import count_rows, learner_rows
from course_app.reports.library_report import library_report
from course_app.reports.overview import completions_by_month_and_topic
from course_app.reports.overview import overview as overview_figures
from course_app.reports.sql import prepare_report_session
from course_app.reports.tables import Table

bp = Blueprint("reports", __name__, url_prefix="/reports")
REPORT_ROLES = (Role.LIBRARIAN, *STAFF_ROLES)
LEARNERS_PER_PAGE = 50


def _today() -> date:
    return utc_now().date()


def _scope(large_sorts: bool = True) -> ReportScope:
    """The viewer's scope (403 for those who see no reports). Reports that sort or hash a
    year of rows get more working memory; the course report sums a few thousand cells."""
    scope = report_scope(current_user)
    if scope is None:
        abort(403)
    if large_sorts:
        prepare_report_session(db.session, current_app.config["REPORT_WORK_MEM"])
    return scope


def _filter_form(
    scope: ReportScope, courses: list[ReportCourse] | None = None, own_libraries: bool = False
) -> ReportFilterForm:
    """The filter form from the address, with the choices this viewer may pick from
    (`courses`: the list from `report_courses`, when the view has loaded it already;
    `own_libraries`: only the libraries whose patrons the viewer may name)."""
    # A bare address shows the last year: missing dates are filled before the form reads them.
    args = request.args.copy()
    default = default_filter(_today())
    for name, value in (("start", default.start), ("end", default.end)):
        if not args.get(name):
            args[name] = value.isoformat()
    form = ReportFilterForm(formdata=args)
    if courses is None:
        courses = report_courses()
    form.course_id.choices = [(0, _("All courses"))] + sorted(
        ((c.id, c.title) for c in courses), key=lambda choice: choice[1].casefold()
    )
    topics = sorted({c.topic for c in courses})
    form.topic.choices = [("", _("All topics"))] + [(t, topic_name(t)) for t in topics]
    ids = scope.organisation_ids()
    if own_libraries or ids is None:
        ids = visible_organisation_ids(current_user)
    tree = organisation_tree(ids, patrons=False)
    everything = _("All my libraries") if own_libraries else _("All libraries")
    form.organisation_id.choices = [(0, everything)] + [
        (row.organisation.id, "— " * row.depth + row.organisation.name) for row in tree
    ]
    form.language.choices = [("", _("All languages"))] + [
        (code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"]
    ]
    form.sort.choices = [("", "")] + [(key, key) for key in SORTABLE]
    return form


# Every column a table may be sorted by (each table ignores the ones it does not have).
SORTABLE = (
    "label",
    "active",
    "enrolments",
    "completions",
    "certificates",
    "attempts",
    "pass_rate",
    "median_days",
    "answers",
    "percent_correct",
    "patrons",
    "classes",
    "assignments",
    "due",
    "on_time_rate",
)


def _sort(form: ReportFilterForm) -> tuple[str | None, bool]:
    return (form.sort.data or None), form.dir.data == "desc"


def _args(form: ReportFilterForm) -> dict[str, str]:
    """The filters as address arguments, for links that keep them."""
    return {
        name: value
        for name, value in (
            ("start", form.start.data.isoformat()),
            ("end", form.end.data.isoformat()),
            ("course_id", form.course_id.data or ""),
            ("topic", form.topic.data or ""),
            ("organisation_id", form.organisation_id.data or ""),
            ("language", form.language.data or ""),
            ("by", form.by.data),
        )
        if value
    }


def _csv(table: Table, filename: str) -> Response:
    return Response(
        csv_lines(table.csv_header(), table.csv_rows()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _overview_tables(form: ReportFilterForm, scope: ReportScope) -> tuple[Table, Table]:
    f = form.to_filter()
    by = Breakdown(form.by.data)
    sort, descending = _sort(form)
    hide_rows = screens.library_level(f, scope, by)
    totals, rows = overview_figures(f, scope, by, privacy=hide_rows)
    summary = screens.summary_table(totals, screens.library_level(f, scope))
    breakdown = screens.breakdown_table(rows, by, hide_rows, sort, descending)
    return summary, breakdown


@bp.get("")
@role_required(*REPORT_ROLES)
def overview():
    scope = _scope()
    form = _filter_form(scope)
    if not form.validate():
        return render_template("reports/overview.html", form=form, scope=scope), 400
    summary, breakdown = _overview_tables(form, scope)
    args = _args(form)
    screens.add_course_links(
        breakdown, screens.course_slugs([r.get("_course_id") for r in breakdown.rows]), args
    )
    f = form.to_filter()
    hide = screens.library_level(f, scope)
    months, topics = completions_by_month_and_topic(f, scope)
    topics = sorted(topics, key=lambda point: -point[1])
    topic_names = [(topic_name(topic), count) for topic, count in topics]
    return render_template(
        "reports/overview.html",
        form=form,
        scope=scope,
        summary=summary,
        breakdown=breakdown,
        args=args,
        month_chart=screens.month_chart(months, hide),
        month_table=screens.points_table(
            "months", _("Completions per month"), _("Month"), months, hide
        ),
        topic_chart=screens.topic_chart(topics, hide),
        topic_table=screens.points_table(
            "topics", _("Completions by topic"), _("Topic"), topic_names, hide
        ),
        hide=hide,
    )


@bp.get("/overview.csv")
@role_required(*REPORT_ROLES)
def overview_csv():
    scope = _scope()
    form = _filter_form(scope)
    if not form.validate():
        return bad_filters_response(form)
    summary, breakdown = _overview_tables(form, scope)
    if request.args.get("table") == "summary":
        return _csv(summary, "report-summary.csv")
    return _csv(breakdown, f"report-by-{form.by.data}.csv")


def _course_or_404(slug: str, courses: list[ReportCourse]) -> ReportCourse:
    course = next((c for c in courses if c.slug == slug), None)
    if course is None:
        abort(404)
    return course


@bp.get("/courses/<slug>")
@role_required(*REPORT_ROLES)
def course(slug: str):
    scope = _scope(large_sorts=False)
    courses = report_courses()
    course = _course_or_404(slug, courses)
    form = _filter_form(scope, courses)
    if not form.validate():
        return render_template("reports/course.html", form=form, course=course, scope=scope), 400
    f = form.to_filter()
    report = course_report(course, f, scope)
    hide = screens.library_level(f, scope)
    sort, descending = _sort(form)
    return render_template(
        "reports/course.html",
        form=form,
        course=course,
        scope=scope,
        report=report,
        args=_args(form),
        funnel=screens.funnel_table(report, hide),
        funnel_chart=screens.course_funnel_chart(report, hide),
        lessons=screens.lessons_table(report, hide),
        questions=screens.questions_table(report, hide, sort, descending),
        hide=hide,
    )


COURSE_TABLES = ("funnel", "lessons", "questions")


@bp.get("/courses/<slug>/<table>.csv")
@role_required(*REPORT_ROLES)
def course_csv(slug: str, table: str):
    scope = _scope(large_sorts=False)
    courses = report_courses()
    course = _course_or_404(slug, courses)
    if table not in COURSE_TABLES:
        abort(404)
    form = _filter_form(scope, courses)
    if not form.validate():
        return bad_filters_response(form)
    f = form.to_filter()
    report = course_report(course, f, scope)
    hide = screens.library_level(f, scope)
    sort, descending = _sort(form)
    built = {
        "funnel": lambda: screens.funnel_table(report, hide),
        "lessons": lambda: screens.lessons_table(report, hide),
        "questions": lambda: screens.questions_table(report, hide, sort, descending),
    }[table]()
    return _csv(built, f"course-{course.slug}-{table}.csv")


def _libraries_table(form: ReportFilterForm, scope: ReportScope) -> Table:
    sort, descending = _sort(form)
    lines = library_report(form.to_filter(), scope, _today())
    return screens.libraries_table(lines, sort, descending)


@bp.get("/libraries")
@role_required(*REPORT_ROLES)
def libraries():
    scope = _scope()
    form = _filter_form(scope)
    if not form.validate():
        return render_template("reports/libraries.html", form=form, scope=scope), 400
    table = _libraries_table(form, scope)
    return render_template(
        "reports/libraries.html", form=form, scope=scope, table=table, args=_args(form)
    )


@bp.get("/libraries.csv")
@role_required(*REPORT_ROLES)
def libraries_csv():
    scope = _scope()
    form = _filter_form(scope)
    if not form.validate():
        return bad_filters_response(form)
    return _csv(_libraries_table(form, scope), "report-libraries.csv")


def _learners_query(form: ReportFilterForm):
    return learner_rows(
        visible_organisation_ids(current_user),
        form.organisation_id.data or None,
        form.course_id.data or None,
        "library" if form.sort.data == "library" else "name",
    )


def _learners_form() -> ReportFilterForm:
    """The filters, with the libraries limited to the librarian's own (the names rule)."""
    return _filter_form(_scope(), own_libraries=True)


@bp.get("/learners")
@role_required(Role.LIBRARIAN)
def learners():
    form = _learners_form()
    page = page_number(request.args.get("page", 1, type=int))
    if not form.validate():
        return render_template("reports/learners.html", form=form, page=page), 400
    stmt = _learners_query(form)
    total = count_rows(stmt)
    rows = [
        screens.learner_row(r)
        for r in db.session.execute(
            stmt.limit(LEARNERS_PER_PAGE).offset((page - 1) * LEARNERS_PER_PAGE)
        )
    ]
    return render_template(
        "reports/learners.html",
        form=form,
        rows=rows,
        columns=screens.learners_columns(),
        page=page,
        pages=max(1, -(-total // LEARNERS_PER_PAGE)),
        total=total,
        args=_args(form),
    )


@bp.get("/learners.csv")
@role_required(Role.LIBRARIAN)
def learners_csv():
    form = _learners_form()
    if not form.validate():
        return bad_filters_response(form)
    columns = screens.learners_columns()
    # A connection of its own, read as the body is sent: on PostgreSQL the rows come through a
    # server-side cursor, which must outlive the request's session and its transaction.
    connection = db.engine.connect()
    rows = connection.execution_options(yield_per=1000).execute(_learners_query(form))

    def results():
        try:
            yield from rows
        finally:
            connection.close()

    return Response(
        csv_lines([c.label for c in columns], map(screens.learner_cells, results())),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="my-library-learners.csv"'},
    )
