"""Library pages: the organisations a person may see, one organisation, and admin editing."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from course_app.accounts.access import STAFF_ROLES, role_required
from course_app.accounts.models import Role
from course_app.extensions import db
from course_app.libraries.access import require_visible, visible_organisation_ids
from course_app.libraries.forms import (
    KIND_LABELS,
    CreateOrganisationForm,
    RenameOrganisationForm,
    apply_error,
)
from course_app.libraries.models import Organisation, OrganisationKind
from course_app.libraries.services import (
    OrganisationError,
    TreeRow,
    create_organisation,
    organisation_members,
    organisation_tree,
    rename_organisation,
)

bp = Blueprint("libraries", __name__)

LIBRARY_ROLES = (Role.LIBRARIAN, *STAFF_ROLES)
ROLE_LABELS = {
    Role.LEARNER.value: _l("Patron"),
    Role.LIBRARIAN.value: _l("Librarian"),
    Role.STAFF.value: _l("Staff"),
    Role.ADMIN.value: _l("Administrator"),
}


def _parent_choices(rows: list[TreeRow]) -> list[tuple[int, str]]:
    top = [(0, _("Nothing: a network sits at the top"))]
    return top + [
        (row.organisation.id, "— " * row.depth + row.organisation.name)
        for row in rows
        if row.organisation.kind != OrganisationKind.BRANCH.value
    ]


@bp.get("/libraries")
@role_required(*LIBRARY_ROLES)
def index():
    rows = organisation_tree(visible_organisation_ids(current_user))
    return render_template("libraries/index.html", rows=rows, kinds=KIND_LABELS)


@bp.get("/libraries/<int:organisation_id>")
@role_required(*LIBRARY_ROLES)
def show(organisation_id: int):
    organisation = require_visible(current_user, db.session.get(Organisation, organisation_id))
    members = organisation_members(organisation)
    return render_template(
        "libraries/show.html",
        organisation=organisation,
        members=members,
        kinds=KIND_LABELS,
        roles=ROLE_LABELS,
    )


@bp.route("/admin/libraries", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def manage():
    rows = organisation_tree(visible_organisation_ids(current_user))
    form = CreateOrganisationForm()
    form.parent_id.choices = _parent_choices(rows)
    if form.validate_on_submit():
        parent = db.session.get(Organisation, form.parent_id.data) if form.parent_id.data else None
        try:
            organisation = create_organisation(
                current_user,
                OrganisationKind(form.kind.data),
                form.name.data,
                parent=parent,
                code=form.code.data or None,
            )
        except OrganisationError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s is created.", name=organisation.name), "success")
            return redirect(url_for("libraries.manage"))
    page = render_template("libraries/manage.html", rows=rows, form=form, kinds=KIND_LABELS)
    return page, (400 if form.errors else 200)


@bp.route("/admin/libraries/<int:organisation_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(organisation_id: int):
    organisation = require_visible(current_user, db.session.get(Organisation, organisation_id))
    form = RenameOrganisationForm(name=organisation.name)
    if form.validate_on_submit():
        try:
            rename_organisation(current_user, organisation, form.name.data)
        except OrganisationError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The name is saved."), "success")
            return redirect(url_for("libraries.manage"))
    page = render_template(
        "libraries/edit.html", organisation=organisation, form=form, kinds=KIND_LABELS
    )
    return page, (400 if form.errors else 200)
