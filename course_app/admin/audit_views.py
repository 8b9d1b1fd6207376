"""The audit log page for staff: newest first, one library at a time if asked."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from course_app.accounts.access import STAFF_ROLES, role_required
from course_app.accounts.sign_in import SECURITY_ACTIONS
from course_app.admin.audit_forms import AuditFilterForm
from course_app.audit.models import AuditEvent
from course_app.extensions import db
from course_app.libraries.access import subtree_ids, visible_organisation_ids
from course_app.libraries.models import Organisation
from course_app.libraries.services import organisation_tree

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
EVENTS_PER_PAGE = 50

ACTION_LABELS = {
    "organisation.created": _l("Library added"),
    "organisation.renamed": _l("Library renamed"),
    "user.library_set": _l("Person placed in a library"),
    "user.role_changed": _l("Role changed"),
    "certificate.revoked": _l("Certificate revoked"),
    "patron.created": _l("Patron account created"),
    "patrons.imported": _l("Patrons imported from a file"),
    "reset_code.issued": _l("Password reset code made"),
    "class.created": _l("Class created"),
    "class.join_code_changed": _l("Class code changed"),
    "class.archived": _l("Class archived"),
    "class.restored": _l("Class made active again"),
    "class.member_added": _l("Person added to a class"),
    "class.member_removed": _l("Person removed from a class"),
    "class.member_joined": _l("Patron joined a class with its code"),
    "assignment.created": _l("Work assigned"),
    "assignment.removed": _l("Assignment removed"),
    "sign_in.succeeded": _l("Signed in"),
    "sign_in.failed": _l("Sign-in failed"),
    "reauthentication.failed": _l("Password typed again was wrong"),
    "password.changed": _l("Password changed"),
    "password.change_refused": _l("Password change refused: wrong current password"),
    "password.reset": _l("Password reset with a code"),
    "account.erased": _l("Account erased"),
}


@bp.get("")
@role_required(*STAFF_ROLES)
def events():
    rows = organisation_tree(visible_organisation_ids(current_user))
    form = AuditFilterForm(formdata=request.args or None)
    form.organisation_id.choices = [(0, _("All libraries"))] + [
        (row.organisation.id, "— " * row.depth + row.organisation.name) for row in rows
    ]
    if not form.validate():
        form.organisation_id.data, form.page.data, form.kind.data = 0, 1, ""
    chosen = [row.organisation for row in rows if row.organisation.id == form.organisation_id.data]
    organisation = chosen[0] if chosen else None
    actions = SECURITY_ACTIONS if form.kind.data == "security" else None
    page = audit_events_page(organisation, form.page.data or 1, actions)
    return render_template(
        "audit/events.html",
        form=form,
        page=page,
        actions=ACTION_LABELS,
        filtered=organisation,
        by_visitor=set(SECURITY_ACTIONS),
    )


def audit_events_page(
    organisation: Organisation | None, page: int, actions: tuple[str, ...] | None = None
) -> Pagination:
    """Newest events first, 50 a page; with an organisation, its events and its branches';
    with actions, only those."""
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.organisation))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if organisation is not None:
        query = query.where(AuditEvent.organisation_id.in_(subtree_ids(organisation.id)))
    if actions is not None:
        query = query.where(AuditEvent.action.in_(actions))
    return db.paginate(query, page=page, per_page=EVENTS_PER_PAGE, error_out=False)
