"""The privacy page, taking one's data, and erasing one's own account."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from course_app.accounts.erasure import ErasureError, erase_patron
from course_app.accounts.passwords import MAX_LENGTH, verify_password
from course_app.accounts.sign_in import count_wrong_password, record_security_event, sign_in_wait
from course_app.classes.csv_cells import csv_lines
from course_app.extensions import db
from course_app.forms import BaseForm
from course_app.privacy.export import CSV_HEADER, patron_data, patron_rows

bp = Blueprint("privacy", __name__)


class EraseAccountForm(BaseForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=MAX_LENGTH)],
    )
    submit = SubmitField(_l("Erase my account"))


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/privacy")
def policy():
    return render_template("privacy/policy.html")


@bp.get("/account/my-data.json")
@login_required
def my_data_json():
    body = json.dumps(patron_data(current_user), ensure_ascii=False, indent=2)
    return _private(
        Response(
            body,
            mimetype="application/json",
            headers={"Content-Disposition": 'attachment; filename="my-data.json"'},
        )
    )


@bp.get("/account/my-data.csv")
@login_required
def my_data_csv():
    rows = list(patron_rows(patron_data(current_user)))
    return _private(
        Response(
            "".join(csv_lines(CSV_HEADER, rows)),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="my-data.csv"'},
        )
    )


@bp.route("/account/erase", methods=["GET", "POST"])
@login_required
def erase():
    form = EraseAccountForm()
    if form.validate_on_submit():
        if sign_in_wait(current_user.username, request.remote_addr):
            form.password.errors.append(_("Too many wrong passwords. Wait a few minutes."))
            return render_template("privacy/erase.html", form=form), 429
        if not verify_password(current_user.password_hash, form.password.data):
            count_wrong_password(current_user.username, request.remote_addr)
            record_security_event(
                "reauthentication.failed",
                current_user,
                request.remote_addr,
                "wrong-password-to-erase",
                by=current_user,
            )
            db.session.commit()
            form.password.errors.append(_("That is not your password. Try again."))
        else:
            try:
                erase_patron(current_user._get_current_object(), current_user)
            except ErasureError:
                form.password.errors.append(
                    _("Staff accounts are not erased here. Ask an administrator.")
                )
            else:
                db.session.commit()
                logout_user()
                session.clear()
                flash(_("Your account and everything kept about you are erased."), "success")
                return redirect(url_for("learning.catalogue"))
    page = render_template("privacy/erase.html", form=form)
    return _private(Response(page, 400 if form.errors else 200))
