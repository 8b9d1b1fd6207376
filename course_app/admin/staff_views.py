"""Administrators make librarian and staff accounts and set their role and library."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from course_app.accounts.access import role_required
from course_app.accounts.models import Role
from course_app.admin.staff_accounts import (
    NewStaffAccount,
    StaffAccountError,
    StaffPlace,
    create_staff_account,
    find_staff_account,
    staff_accounts,
    update_staff_account,
)
from course_app.admin.staff_forms import (
    ROLE_LABELS,
    EditStaffAccountForm,
    NewStaffAccountForm,
    StaffPlaceFields,
    apply_error,
)
from course_app.extensions import db
from course_app.libraries.models import Organisation
from course_app.libraries.services import organisation_tree

bp = Blueprint("staff_accounts", __name__, url_prefix="/admin/accounts")


def _library_choices(form: StaffPlaceFields) -> None:
    """Every organisation in tree order, indented, after "No library"."""
    rows = organisation_tree(select(Organisation.id), patrons=False)
    form.organisation_id.choices = [(0, _("No library (network staff)"))] + [
        (row.organisation.id, "\u2003" * row.depth + row.organisation.name) for row in rows
    ]


def _place(form: StaffPlaceFields) -> StaffPlace:
    organisation = None
    if form.organisation_id.data:
        organisation = db.session.get(Organisation, form.organisation_id.data)
    return StaffPlace(Role(form.role.data), organisation, bool(form.sees_whole_system.data))


@bp.get("")
@role_required(Role.ADMIN)
def index():
    return render_template(
        "admin/accounts.html", accounts=staff_accounts(), role_labels=ROLE_LABELS
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new():
    form = NewStaffAccountForm()
    _library_choices(form)
    if form.validate_on_submit():
        data = NewStaffAccount(
            form.username.data, form.display_name.data, form.email.data, _place(form)
        )
        try:
            user, passphrase = create_staff_account(current_user, data)
        except StaffAccountError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            return render_template("admin/account_created.html", user=user, passphrase=passphrase)
    return render_template("admin/account_new.html", form=form), (400 if form.errors else 200)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(user_id: int):
    user = find_staff_account(user_id)
    if user is None:
        abort(404)
    # The saved values; a POST's own values take their place.
    form = EditStaffAccountForm(
        data={
            "role": user.role,
            "organisation_id": user.organisation_id or 0,
            "sees_whole_system": user.sees_whole_system,
            "active": "yes" if user.is_active_account else "no",
        }
    )
    _library_choices(form)
    if form.validate_on_submit():
        try:
            update_staff_account(current_user, user, _place(form), form.active.data == "yes")
        except StaffAccountError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The account of %(name)s is saved.", name=user.display_name), "success")
            return redirect(url_for("staff_accounts.index"))
    page = render_template("admin/account_edit.html", form=form, user=user)
    return page, (400 if form.errors else 200)
