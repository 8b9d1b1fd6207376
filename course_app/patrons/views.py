"""The patron page and its actions, for the librarians of the patron's library and staff."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from course_app.accounts.access import STAFF_ROLES, role_required
from course_app.accounts.erasure import erase_patron
from course_app.accounts.models import Role, User
from course_app.accounts.services import set_account_active, username_key
from course_app.certificates.forms import ERROR_MESSAGES, ReissueCertificateForm
from course_app.certificates.services import CertificateError, reissue_certificate
from course_app.db import utc_now
from course_app.desk.services import find_patron, visible_branches
from course_app.extensions import db
from course_app.libraries.access import require_visible
from course_app.libraries.models import Organisation
from course_app.libraries.services import branch_choices, set_user_library
from course_app.patrons.forms import AccountStateForm, EraseForm, MoveForm
from course_app.patrons.services import patron_certificate, patron_record

bp = Blueprint("patrons", __name__, url_prefix="/patrons")
PATRON_PAGE_ROLES = (Role.LIBRARIAN, *STAFF_ROLES)


def _load_patron(user_id: int) -> User:
    """The patron when the user may manage them; a 404 otherwise, so ids cannot be probed."""
    patron = find_patron(current_user, user_id)
    if patron is None or patron.learner is None:
        abort(404)
    return patron


def _move_form(formdata=None) -> MoveForm:
    form = MoveForm(formdata=formdata) if formdata is not None else MoveForm()
    form.organisation_id.choices = branch_choices(visible_branches(current_user))
    return form


def _page(patron: User, move: MoveForm | None = None, status: int = 200):
    record = patron_record(patron, str(get_locale() or "en"), utc_now())
    move = move or _move_form()
    if move.organisation_id.data is None:
        move.organisation_id.data = patron.organisation_id
    page = render_template(
        "patrons/show.html",
        record=record,
        patron=patron,
        move_form=move,
        account_form=AccountStateForm(),
    )
    return page, status


@bp.get("/<int:user_id>")
@role_required(*PATRON_PAGE_ROLES)
def show(user_id: int):
    return _page(_load_patron(user_id))


@bp.post("/<int:user_id>/move")
@role_required(*PATRON_PAGE_ROLES)
def move(user_id: int):
    patron = _load_patron(user_id)
    form = _move_form(request.form)
    if not form.validate_on_submit():
        return _page(patron, form, 400)
    branch = require_visible(current_user, db.session.get(Organisation, form.organisation_id.data))
    if branch.id != patron.organisation_id:
        set_user_library(current_user, patron, branch)
        db.session.commit()
        flash(
            _(
                "%(name)s now belongs to %(library)s.",
                name=patron.display_name,
                library=branch.name,
            ),
            "success",
        )
    return redirect(url_for("patrons.show", user_id=user_id))


@bp.route("/<int:user_id>/account", methods=["GET", "POST"])
@role_required(*PATRON_PAGE_ROLES)
def account(user_id: int):
    patron = _load_patron(user_id)
    form = AccountStateForm()
    if request.method == "GET":
        return render_template("patrons/account.html", patron=patron, form=form)
    if not form.validate_on_submit():
        abort(400)
    active = form.active.data == "yes"
    if set_account_active(current_user, patron, active):
        db.session.commit()
        if active:
            flash(_("%(name)s can sign in again.", name=patron.display_name), "success")
        else:
            flash(
                _(
                    "%(name)s can no longer sign in. Their progress and certificates are kept.",
                    name=patron.display_name,
                ),
                "success",
            )
    return redirect(url_for("patrons.show", user_id=user_id))


@bp.route("/<int:user_id>/certificates/<int:certificate_id>/reissue", methods=["GET", "POST"])
@role_required(*PATRON_PAGE_ROLES)
def reissue(user_id: int, certificate_id: int):
    patron = _load_patron(user_id)
    certificate = patron_certificate(patron, certificate_id)
    if certificate is None:
        abort(404)
    form = ReissueCertificateForm()
    if form.validate_on_submit():
        try:
            code = reissue_certificate(current_user, certificate, form.recipient_name.data)
        except CertificateError as error:
            form.recipient_name.errors = [*form.recipient_name.errors, ERROR_MESSAGES[error.reason]]
        else:
            db.session.commit()
            flash(
                _(
                    "The certificate is issued again to %(name)s with the new code %(code)s. "
                    "The old code now shows it was replaced.",
                    name=certificate.recipient_name,
                    code=code,
                ),
                "success",
            )
            return redirect(url_for("patrons.show", user_id=user_id))
    elif request.method == "GET":
        form.recipient_name.data = certificate.recipient_name
    page = render_template(
        "patrons/reissue.html", patron=patron, certificate=certificate, form=form
    )
    return page, (400 if form.errors else 200)


@bp.route("/<int:user_id>/erase", methods=["GET", "POST"])
@role_required(*PATRON_PAGE_ROLES)
def erase(user_id: int):
    """Erase on the patron's request: a confirm page that asks for the username typed."""
    patron = _load_patron(user_id)
    form = EraseForm()
    if form.validate_on_submit():
        if username_key(form.username.data or "") != patron.username_key:
            form.username.errors = [*form.username.errors, _("Type the username exactly.")]
        else:
            name = patron.display_name
            erase_patron(patron, current_user)
            db.session.commit()
            flash(
                _("The account of %(name)s and everything kept about them is erased.", name=name),
                "success",
            )
            return redirect(url_for("desk.patrons"))
    page = render_template("patrons/erase.html", patron=patron, form=form)
    return page, (400 if form.errors else 200)
