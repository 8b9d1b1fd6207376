"""Importing patrons from a CSV file into a class: the desk's preview and sign-in cards, with
the class carried through, so the whole class is set up from one spreadsheet."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from course_app.accounts.access import role_required
from course_app.certificates.qr import qr_svg
from course_app.classes.imports import (
    check_class_import,
    class_branches,
    class_default_branch,
    import_into_class,
)
from course_app.classes.models import LearningClass
from course_app.classes.services import ClassError
from course_app.desk.csv_import import parse_patron_csv
from course_app.desk.forms import ConfirmImportForm, ImportForm
from course_app.desk.import_token import make_import_token, read_import_token
from course_app.desk.messages import problem_text
from course_app.desk.services import batch_already_imported, recheck_import
from course_app.extensions import db
from course_app.libraries.access import require_visible
from course_app.libraries.views import LIBRARY_ROLES

bp = Blueprint("class_import", __name__)


def _load_class(class_id: int) -> LearningClass:
    """The class when its library is one the user may see; a 404 otherwise."""
    learning_class = db.session.get(LearningClass, class_id)
    if learning_class is None:
        abort(404)
    require_visible(current_user, learning_class.organisation)
    return learning_class


def _upload_form(learning_class: LearningClass, branches, formdata=True) -> ImportForm:
    form = ImportForm() if formdata else ImportForm(formdata=None)
    form.organisation_id.choices = [(b.id, b.name) for b in branches]
    if form.organisation_id.data is None and branches:
        form.organisation_id.data = class_default_branch(learning_class, branches).id
    return form


def _upload_page(learning_class: LearningClass, form: ImportForm, status: int):
    page = render_template("desk/import.html", form=form, learning_class=learning_class)
    return page, status


@bp.route("/classes/<int:class_id>/import", methods=["GET", "POST"])
@role_required(*LIBRARY_ROLES)
def upload(class_id: int):
    learning_class = _load_class(class_id)
    branches = class_branches(current_user, learning_class)
    form = _upload_form(learning_class, branches)
    if not form.validate_on_submit():
        return _upload_page(learning_class, form, 400 if form.errors else 200)
    branch = next(b for b in branches if b.id == form.organisation_id.data)
    parsed = parse_patron_csv(form.file.data.read())
    rows, problems = check_class_import(current_user, learning_class, branch, parsed)
    token = make_import_token(current_user.id, branch.id, rows, learning_class.id) if rows else ""
    page = render_template(
        "desk/preview.html",
        parsed=parsed,
        problems=[(p, problem_text(p)) for p in problems],
        rows=rows,
        branch=branch,
        confirm=ConfirmImportForm(formdata=None, token=token, organisation_id=branch.id),
        upload=form,
        problem_text=problem_text,
        learning_class=learning_class,
    )
    return page, (422 if problems else 200)


@bp.post("/classes/<int:class_id>/import/create")
@role_required(*LIBRARY_ROLES)
def create(class_id: int):
    learning_class = _load_class(class_id)
    branches = {b.id: b for b in class_branches(current_user, learning_class)}
    form = ConfirmImportForm()
    if not form.validate_on_submit() or form.organisation_id.data not in branches:
        abort(400)
    batch = read_import_token(
        form.token.data, current_user.id, form.organisation_id.data, learning_class.id
    )
    fresh = _upload_form(learning_class, list(branches.values()), formdata=False)
    if batch is None:
        flash(_("This preview is too old or was changed. Please upload the file again."), "error")
        return _upload_page(learning_class, fresh, 400)
    batch_name, rows = batch
    if batch_already_imported(current_user, batch_name):
        flash(_("These accounts were already made. Find them in the list of patrons."), "error")
        return redirect(url_for("classes.show", class_id=class_id))
    problems = recheck_import(current_user, rows)
    if problems:
        flash(_("Something changed since the preview. Nothing was saved."), "error")
        for problem in problems:
            flash(
                _("Line %(line)d: %(text)s", line=problem.line, text=problem_text(problem)), "error"
            )
        return _upload_page(learning_class, fresh, 409)
    try:
        created = import_into_class(
            current_user,
            learning_class,
            branches[form.organisation_id.data],
            rows,
            batch=batch_name,
        )
    except ClassError:
        db.session.rollback()
        flash(_("Something changed since the preview. Nothing was saved."), "error")
        return _upload_page(learning_class, fresh, 409)
    db.session.commit()
    sign_in_url = url_for("accounts.sign_in", _external=True)
    return render_template(
        "desk/card.html",
        created=created,
        sign_in_url=sign_in_url,
        qr=qr_svg(sign_in_url, _("QR code that opens the sign-in page")),
        batch=True,
        learning_class=learning_class,
    )
