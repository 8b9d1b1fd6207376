"""The desk: patrons a librarian may see, a new patron, a CSV import, a reset code.

Sign-in cards and reset codes are rendered in the answer to the POST that made them: the
passphrase and the code are never stored, so they cannot be shown again later.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from course_app.accounts.access import STAFF_ROLES, role_required
from course_app.accounts.models import Role
from course_app.desk.csv_import import TEMPLATE_CSV
from course_app.desk.forms import (
    IssueResetCodeForm,
    NewPatronForm,
    PatronSearchForm,
    set_branch_choices,
)
from course_app.desk.import_pages import (
    create_page,
    preview_page,
    sign_in_cards_page,
    upload_form,
    upload_page,
)
from course_app.desk.patron_import import desk_import_place
from course_app.desk.reset_codes import CODE_LIFETIME, issue_reset_code
from course_app.desk.services import (
    DeskError,
    NewPatron,
    cards_for,
    create_patron,
    default_branch,
    find_patron,
    patrons_page,
    suggest_username,
    visible_branches,
)
from course_app.extensions import db
from course_app.links import external_url

bp = Blueprint("desk", __name__, url_prefix="/desk")

DESK_ROLES = (Role.LIBRARIAN, *STAFF_ROLES)
DESK_ERRORS = {
    "username-taken": _l("That username is taken. Try another."),
    "card-taken": _l("This card number is already used by another patron."),
}


@bp.get("/patrons")
@role_required(*DESK_ROLES)
def patrons():
    form = PatronSearchForm(formdata=request.args or None)
    if not form.validate():
        form.q.data, form.page.data = "", 1
    page = patrons_page(current_user, form.q.data or "", max(form.page.data or 1, 1))
    cards = cards_for(page.items)
    return render_template("desk/patrons.html", form=form, page=page, cards=cards)


@bp.route("/patrons/new", methods=["GET", "POST"])
@role_required(*DESK_ROLES)
def new_patron():
    branches = visible_branches(current_user)
    form = NewPatronForm()
    set_branch_choices(form.organisation_id, branches, default_branch(current_user, branches))
    if form.suggest.data and form.name.data:
        form.username.data = suggest_username(form.name.data)
    elif form.submit.data and form.validate_on_submit():
        branch = next(b for b in branches if b.id == form.organisation_id.data)
        try:
            created = create_patron(
                current_user,
                NewPatron(
                    name=form.name.data,
                    username=form.username.data or suggest_username(form.name.data),
                    organisation=branch,
                    card_number=form.normalised_card,
                    email=form.email.data or None,
                ),
            )
        except DeskError as error:
            form[error.field].errors = [*form[error.field].errors, DESK_ERRORS[error.reason]]
        else:
            db.session.commit()
            return sign_in_cards_page([created], batch=False)
    page = render_template("desk/new.html", form=form, branches=branches)
    return page, (400 if form.errors else 200)


@bp.route("/patrons/import", methods=["GET", "POST"])
@role_required(*DESK_ROLES)
def import_upload():
    place = desk_import_place(current_user)
    form = upload_form(place)
    if form.validate_on_submit():
        return preview_page(place, form)
    return upload_page(form)


@bp.post("/patrons/import/create")
@role_required(*DESK_ROLES)
def import_create():
    return create_page(desk_import_place(current_user))


@bp.get("/patrons/import/template.csv")
@role_required(*DESK_ROLES)
def import_template():
    return Response(
        "\ufeff" + TEMPLATE_CSV,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=patrons-template.csv"},
    )


@bp.route("/patrons/<int:user_id>/reset-code", methods=["GET", "POST"])
@role_required(*DESK_ROLES)
def reset_code(user_id: int):
    patron = find_patron(current_user, user_id)
    if patron is None:
        abort(404)
    form = IssueResetCodeForm()
    code = None
    if form.validate_on_submit():
        code = issue_reset_code(current_user, patron)
        db.session.commit()
    hours = int(CODE_LIFETIME.total_seconds() // 3600)
    return render_template(
        "desk/reset_code.html",
        patron=patron,
        form=form,
        code=code,
        hours=hours,
        reset_url=external_url("password_help.reset"),
    )
