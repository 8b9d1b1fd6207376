"""The certificates list and its CSV, for staff and librarians."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from course_app.accounts.access import STAFF_ROLES, role_required
from course_app.accounts.models import Role
from course_app.classes.csv_cells import csv_lines
from course_app.classes.services import visible_classes
from course_app.content.localize import title_for_page
from course_app.content.models import Course
from course_app.extensions import db
from course_app.forms import BaseForm, PageField, bad_filters_response
from course_app.libraries.access import visible_organisation_ids
from course_app.libraries.services import organisation_tree
from course_app.reports.certificate_list import (
    CertificateQuery,
    certificate_rows,
    count_certificates,
    library_name,
)

bp = Blueprint("certificate_list", __name__)
PER_PAGE = 50


class CertificateFilterForm(BaseForm):
    class Meta:
        csrf = False

    start = DateField(_l("Issued from"), validators=[Optional()])
    end = DateField(_l("Issued to"), validators=[Optional()])
    organisation_id = SelectField(_l("Library"), coerce=int, default=0)
    class_id = SelectField(_l("Class"), coerce=int, default=0)
    course_id = SelectField(_l("Course"), coerce=int, default=0)
    page = PageField()

    def validate_end(self, field: DateField) -> None:
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The end date must be on or after the start date."))

    def to_query(self) -> CertificateQuery:
        return CertificateQuery(
            start=self.start.data,
            end=self.end.data,
            organisation_id=self.organisation_id.data or None,
            class_id=self.class_id.data or None,
            course_id=self.course_id.data or None,
        )


def _form() -> CertificateFilterForm:
    form = CertificateFilterForm(formdata=request.args)
    tree = organisation_tree(visible_organisation_ids(current_user), patrons=False)
    form.organisation_id.choices = [(0, _("All libraries"))] + [
        (row.organisation.id, "— " * row.depth + row.organisation.name) for row in tree
    ]
    form.class_id.choices = [(0, _("All classes"))] + [
        (c.id, f"{c.name} ({c.organisation.name})") for c in visible_classes(current_user)
    ]
    courses = db.session.scalars(select(Course).order_by(Course.slug)).all()
    form.course_id.choices = [(0, _("All courses"))] + sorted(
        ((c.id, title_for_page(c)) for c in courses), key=lambda choice: choice[1].casefold()
    )
    return form


def _args(form: CertificateFilterForm) -> dict[str, str]:
    return {
        name: value
        for name, value in (
            ("start", form.start.data.isoformat() if form.start.data else ""),
            ("end", form.end.data.isoformat() if form.end.data else ""),
            ("organisation_id", form.organisation_id.data or ""),
            ("class_id", form.class_id.data or ""),
            ("course_id", form.course_id.data or ""),
        )
        if value
    }


def _status(row) -> str:
    return _("Revoked") if row.revoked_at is not None else _("Valid")


@bp.get("/reports/certificates")
@role_required(Role.LIBRARIAN, *STAFF_ROLES)
def index():
    form = _form()
    if not form.validate():
        return render_template("reports/certificates.html", form=form, rows=None), 400
    stmt = certificate_rows(current_user, form.to_query(), str(get_locale() or "en"))
    total = count_certificates(stmt)
    page = form.page.data or 1
    rows = db.session.execute(stmt.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return render_template(
        "reports/certificates.html",
        form=form,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        args=_args(form),
        library_name=library_name,
        status=_status,
    )


@bp.get("/reports/certificates.csv")
@role_required(Role.LIBRARIAN, *STAFF_ROLES)
def export_csv():
    form = _form()
    if not form.validate():
        return bad_filters_response(form)
    stmt = certificate_rows(current_user, form.to_query(), str(get_locale() or "en"))
    header = [
        _("Name printed"),
        _("Patron"),
        _("Username"),
        _("Library"),
        _("Course"),
        _("Issued"),
        _("Status"),
        _("Certificate code"),
    ]
    rows = (
        [
            row.recipient_name,
            row.display_name or _("Guest"),
            row.username or "",
            library_name(row),
            row.course,
            row.issued_at.date().isoformat(),
            _status(row),
            row.code,
        ]
        for row in db.session.execute(stmt)
    )
    return Response(
        csv_lines(header, list(rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="certificates.csv"'},
    )
