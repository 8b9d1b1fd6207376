"""The desk: patrons a librarian may see, a new patron, a CSV import, a reset code.

Sign-in cards and reset codes are rendered in the answer to the POST that made them: the
passphrase and the code are never stored, so they cannot be shown again later.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from course_app.accounts.access import STAFF_ROLES, role_required
from course_app.accounts.models import Role
from course_app.certificates.qr import qr_svg
from course_app.desk.csv_import import TEMPLATE_CSV, parse_patron_csv
from course_app.desk.forms import (
    ConfirmImportForm,
    ImportForm,
    IssueResetCodeForm,
    NewPatronForm,
    PatronSearchForm,
)
from course_app.desk.import_token import make_import_token, read_import_token
from course_app.desk.messages import problem_text
from course_app.desk.reset_codes import CODE_LIFETIME, issue_reset_code
from course_app.desk.services import (
    CreatedPatron,
    DeskError,
    NewPatron,
    batch_already_imported,
    cards_for,
    check_import,
    create_patron,
    default_branch,
    find_patron,
    import_patrons,
    patrons_page,
    recheck_import,
    suggest_username,
    visible_branches,
)
from course_app.extensions import db

bp = Blueprint("desk", __name__, url_prefix="/desk")

DESK_ROLES = (Role.LIBRARIAN, *STAFF_ROLES)
DESK_ERRORS = {
    "username-taken": _l("That username is taken. Try another."),
    "card-taken": _l("This card number is already used by another patron."),
}


def _branch_choices(form_field, branches) -> None:
    form_field.choices = [(b.id, b.name) for b in branches]
    if form_field.data is None and branches:
        form_field.data = default_branch(current_user, branches).id


def _render_cards(created: list[CreatedPatron], batch: bool) -> str:
    sign_in_url = url_for("accounts.sign_in", _external=True)
    qr = qr_svg(sign_in_url, _("QR code that opens the sign-in page"))
    return render_template(
        "desk/card.html", created=created, sign_in_url=sign_in_url, qr=qr, batch=batch
    )


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
    _branch_choices(form.organisation_id, branches)
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
            return _render_cards([created], batch=False)
    page = render_template("desk/new.html", form=form, branches=branches)
    return page, (400 if form.errors else 200)


@bp.route("/patrons/import", methods=["GET", "POST"])
@role_required(*DESK_ROLES)
def import_upload():
    branches = visible_branches(current_user)
    form = ImportForm()
    _branch_choices(form.organisation_id, branches)
    if form.validate_on_submit():
        branch = next(b for b in branches if b.id == form.organisation_id.data)
        parsed = parse_patron_csv(form.file.data.read())
        rows, problems = check_import(current_user, branch, parsed)
        confirm = ConfirmImportForm(
            formdata=None,
            token=make_import_token(current_user.id, branch.id, rows) if rows else "",
            organisation_id=branch.id,
        )
        page = render_template(
            "desk/preview.html",
            parsed=parsed,
            problems=[(p, problem_text(p)) for p in problems],
            rows=rows,
            branch=branch,
            confirm=confirm,
            upload=form,
            problem_text=problem_text,
        )
        return page, (422 if problems else 200)
    page = render_template("desk/import.html", form=form, branches=branches)
    return page, (400 if form.errors else 200)


@bp.post("/patrons/import/create")
@role_required(*DESK_ROLES)
def import_create():
    form = ConfirmImportForm()
    branches = {b.id: b for b in visible_branches(current_user)}
    if not form.validate_on_submit() or form.organisation_id.data not in branches:
        abort(400)
    batch = read_import_token(form.token.data, current_user.id, form.organisation_id.data)
    if batch is None:
        flash(_("This preview is too old or was changed. Please upload the file again."), "error")
        return render_template("desk/import.html", form=_fresh_import_form(branches)), 400
    batch_name, rows = batch
    if batch_already_imported(current_user, batch_name):
        flash(_("These accounts were already made. Find them in the list of patrons."), "error")
        return redirect(url_for("desk.patrons"))
    problems = recheck_import(current_user, rows)
    if problems:
        flash(_("Something changed since the preview. Nothing was saved."), "error")
        for problem in problems:
            flash(
                _("Line %(line)d: %(text)s", line=problem.line, text=problem_text(problem)), "error"
            )
        return render_template("desk/import.html", form=_fresh_import_form(branches)), 409
    created = import_patrons(
        current_user, branches[form.organisation_id.data], rows, batch=batch_name
    )
    db.session.commit()
    return _render_cards(created, batch=True)


def _fresh_import_form(branches: dict) -> ImportForm:
    form = ImportForm(formdata=None)
    _branch_choices(form.organisation_id, list(branches.values()))
    return form


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
        reset_url=url_for("password_help.reset", _external=True),
    )
