"""The pages of a patron import, the same at the desk and for a class: the upload form, the
preview, and the sign-in cards (also the one card of a patron made at the desk).

The views load what the import is for and check access, then call these. A refusal at
"Create" is not caught here: it reaches the 409 page (errors.py), which undoes everything.
"""

from __future__ import annotations

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from course_app.certificates.qr import qr_svg
from course_app.desk.forms import ConfirmImportForm, ImportForm, set_branch_choices
from course_app.desk.import_errors import PatronImportError, problem_text
from course_app.desk.patron_import import ImportPlace, import_from_preview, preview_import
from course_app.desk.services import CreatedPatron, queue_password_hashing
from course_app.extensions import db
from course_app.links import external_url


def upload_form(place: ImportPlace) -> ImportForm:
    """The upload form, offering the place's branches for rows that name none."""
    form = ImportForm()
    set_branch_choices(form.organisation_id, place.branches, place.default)
    return form


def upload_page(form: ImportForm, learning_class=None):
    page = render_template("desk/import.html", form=form, learning_class=learning_class)
    return page, (400 if form.errors else 200)


def preview_page(place: ImportPlace, form: ImportForm, learning_class=None):
    """Every row of the uploaded file, with every problem (422) or the button that makes
    the accounts (200); the upload form stays filled in below."""
    branch = place.branch(form.organisation_id.data)
    try:
        preview = preview_import(current_user, place, branch, form.file.data.read())
    except PatronImportError as error:
        parsed, rows, problems, confirm, status = error.parsed, [], error.problems, None, 422
    else:
        parsed, rows, problems, status = preview.parsed, preview.rows, [], 200
        confirm = ConfirmImportForm(formdata=None, token=preview.token, organisation_id=branch.id)
    page = render_template(
        "desk/preview.html",
        parsed=parsed,
        problems=problems,
        rows=rows,
        branch=branch,
        confirm=confirm,
        upload=form,
        problem_text=problem_text,
        learning_class=learning_class,
    )
    return page, status


def create_page(place: ImportPlace, learning_class=None) -> str:
    """Makes every previewed account, commits once, and shows their sign-in cards."""
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    created = import_from_preview(current_user, place, form.token.data, form.organisation_id.data)
    db.session.commit()
    queue_password_hashing(created)
    return sign_in_cards_page(created, batch=True, learning_class=learning_class)


def sign_in_cards_page(created: list[CreatedPatron], *, batch: bool, learning_class=None) -> str:
    """The printable cards with each new patron's temporary password, shown this once."""
    sign_in_url = external_url("accounts.sign_in")
    return render_template(
        "desk/card.html",
        created=created,
        sign_in_url=sign_in_url,
        qr=qr_svg(sign_in_url, _("QR code that opens the sign-in page")),
        batch=batch,
        learning_class=learning_class,
    )
