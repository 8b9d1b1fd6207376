"""The audit log page for staff: newest first, one library at a time if asked."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from course_app.accounts.access import STAFF_ROLES, role_required
from course_app.audit.forms import AuditFilterForm
from course_app.audit.services import audit_events_page
from course_app.libraries.access import visible_organisation_ids
from course_app.libraries.services import organisation_tree

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

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
        form.organisation_id.data, form.page.data = 0, 1
    chosen = [row.organisation for row in rows if row.organisation.id == form.organisation_id.data]
    organisation = chosen[0] if chosen else None
    page = audit_events_page(organisation, form.page.data or 1)
    return render_template(
        "audit/events.html", form=form, page=page, actions=ACTION_LABELS, filtered=organisation
    )
