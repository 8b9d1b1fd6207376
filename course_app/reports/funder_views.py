"""The funder report: a printable page and the same report as a PDF."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from course_app.accounts.access import role_required
from course_app.extensions import db
from course_app.forms import bad_filters_response
from course_app.libraries.models import Organisation
from course_app.reports.filters import ReportScope
from course_app.reports.forms import ReportFilterForm
from course_app.reports.funder import FunderReport, funder_report
from course_app.reports.funder_pdf import render_funder_pdf
from course_app.reports.views import REPORT_ROLES, _args, _filter_form, _scope, _today

bp = Blueprint("funder_report", __name__)


def _library_label(form: ReportFilterForm, scope: ReportScope) -> str:
    if form.organisation_id.data:
        chosen = db.session.get(Organisation, form.organisation_id.data)
        if chosen is not None:
            return chosen.name
    if scope.system is not None:
        return scope.system.name
    return _("Every library in the network")


def _report(form: ReportFilterForm, scope: ReportScope) -> FunderReport:
    return funder_report(
        form.to_filter(),
        scope,
        _today(),
        site_name=current_app.config["SITE_NAME"],
        library_label=_library_label(form, scope),
        language=str(get_locale() or "en"),
    )


@bp.get("/reports/funder")
@role_required(*REPORT_ROLES)
def page():
    scope = _scope()
    form = _filter_form(scope)
    if not form.validate():
        return render_template("reports/funder.html", form=form, report=None), 400
    return render_template(
        "reports/funder.html", form=form, report=_report(form, scope), args=_args(form)
    )


@bp.get("/reports/funder.pdf")
@role_required(*REPORT_ROLES)
def pdf():
    scope = _scope()
    form = _filter_form(scope)
    if not form.validate():
        return bad_filters_response(form)
    report = _report(form, scope)
    body = render_funder_pdf(report, current_app.config["CERTIFICATE_PAPER"])
    filename = f"funder-report-{report.start.isoformat()}-{report.end.isoformat()}.pdf"
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
