"""The audit log for staff: newest first, filtered by dates, person, action and library, in
words, and as CSV with the same rows."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import joinedload

from course_app.accounts.access import STAFF_ROLES, role_required
from course_app.accounts.services import find_user
from course_app.accounts.sign_in import SECURITY_ACTIONS
from course_app.admin.audit_forms import AuditFilterForm
from course_app.admin.audit_words import ACTION_LABELS, describe, names_for, who
from course_app.audit.models import AuditEvent
from course_app.classes.csv_cells import csv_lines
from course_app.extensions import db
from course_app.forms import bad_filters_response, page_number
from course_app.libraries.access import subtree_ids, visible_organisation_ids
from course_app.libraries.services import organisation_tree

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
EVENTS_PER_PAGE = 50
CSV_MAX_ROWS = 100_000


def _form() -> AuditFilterForm:
    rows = organisation_tree(visible_organisation_ids(current_user), patrons=False)
    form = AuditFilterForm(formdata=request.args)
    form.organisation_id.choices = [(0, _("All libraries"))] + [
        (row.organisation.id, "— " * row.depth + row.organisation.name) for row in rows
    ]
    form.action.choices = [("", _("Every kind of change"))] + sorted(
        ((key, str(label)) for key, label in ACTION_LABELS.items()),
        key=lambda choice: choice[1].casefold(),
    )
    return form


def audit_query(form: AuditFilterForm) -> Select:
    """Events matching the validated filters, newest first."""
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if form.organisation_id.data:
        query = query.where(AuditEvent.organisation_id.in_(subtree_ids(form.organisation_id.data)))
    if form.action.data:
        query = query.where(AuditEvent.action == form.action.data)
    if form.kind.data == "security":
        query = query.where(AuditEvent.action.in_(SECURITY_ACTIONS))
    if form.start.data:
        query = query.where(AuditEvent.at >= datetime.combine(form.start.data, time(), tzinfo=UTC))
    if form.end.data:
        end = datetime.combine(form.end.data + timedelta(days=1), time(), tzinfo=UTC)
        query = query.where(AuditEvent.at < end)
    if form.person.data:
        person = find_user(form.person.data)
        query = query.where(
            or_(
                AuditEvent.actor_id == person.id,
                and_(AuditEvent.target_type == "users", AuditEvent.target_id == person.id),
                AuditEvent.details["user_id"].as_integer() == person.id,
            )
        )
    return query


def _args(form: AuditFilterForm) -> dict:
    return {
        key: value
        for key, value in (
            ("start", form.start.data.isoformat() if form.start.data else ""),
            ("end", form.end.data.isoformat() if form.end.data else ""),
            ("person", form.person.data or ""),
            ("action", form.action.data or ""),
            ("kind", form.kind.data or ""),
            ("organisation_id", form.organisation_id.data or ""),
        )
        if value
    }


@bp.get("")
@role_required(*STAFF_ROLES)
def events():
    form = _form()
    if not form.validate():
        return render_template("audit/events.html", form=form, page=None, lines=[]), 400
    number = page_number(request.args.get("page", 1, type=int))
    page: Pagination = db.paginate(
        audit_query(form), page=number, per_page=EVENTS_PER_PAGE, error_out=False
    )
    names = names_for(page.items)
    lines = [
        (event, who(event), describe(event, names), names.library(event.organisation_id))
        for event in page.items
    ]
    return render_template("audit/events.html", form=form, page=page, lines=lines, args=_args(form))


@bp.get("/export.csv", endpoint="events_csv")
@role_required(*STAFF_ROLES)
def events_csv():
    form = _form()
    if not form.validate():
        return bad_filters_response(form)
    found = db.session.scalars(audit_query(form).limit(CSV_MAX_ROWS)).unique().all()
    names = names_for(found)
    rows = [
        [
            e.at.strftime("%Y-%m-%d %H:%M"),
            who(e),
            str(ACTION_LABELS.get(e.action, _("Other change"))),
            describe(e, names),
            names.library(e.organisation_id) if e.organisation_id else "",
        ]
        for e in found
    ]
    header = [_("When (UTC)"), _("Who"), _("What"), _("Details"), _("Library")]
    return Response(
        csv_lines(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )
