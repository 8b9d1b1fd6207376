"""A person's own sign-in sessions: the list, "sign out everywhere else", and typing the
password again before staff-only pages once it was typed a while ago (access.py asks)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from course_app.accounts.passwords import MAX_LENGTH
from course_app.accounts.services import confirm_password, end_other_sessions, open_sessions
from course_app.accounts.sign_in import record_failed_sign_in, sign_in_wait
from course_app.accounts.views import safe_next
from course_app.extensions import db
from course_app.forms import BaseForm

bp = Blueprint("account_sessions", __name__, url_prefix="/account")


class EndOtherSessionsForm(BaseForm):
    submit = SubmitField(_l("Sign out everywhere else"))


class ConfirmPasswordForm(BaseForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=MAX_LENGTH)],
    )
    next = HiddenField()
    submit = SubmitField(_l("Continue"))


@bp.get("/sessions")
@login_required
def sessions():
    return render_template(
        "accounts/sessions.html",
        sessions=open_sessions(current_user),
        this_session=current_user.sign_in_session,
        form=EndOtherSessionsForm(),
    )


@bp.post("/sessions/end-others")
@login_required
def end_others():
    form = EndOtherSessionsForm()
    if form.validate_on_submit():
        ended = end_other_sessions(current_user)
        db.session.commit()
        flash(
            _("You are signed out everywhere else (%(num)d other sessions).", num=ended),
            "success",
        )
    return redirect(url_for("account_sessions.sessions"))


@bp.route("/confirm-password", methods=["GET", "POST"])
@login_required
def confirm():
    form = ConfirmPasswordForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        if sign_in_wait(current_user.username, request.remote_addr):
            form.password.errors.append(_("Too many wrong passwords. Wait a few minutes."))
            return render_template("accounts/confirm_password.html", form=form), 429
        if confirm_password(current_user, form.password.data):
            db.session.commit()
            return redirect(safe_next(form.next.data) or url_for("learning.my_learning"))
        record_failed_sign_in(current_user.username, request.remote_addr, reauthentication=True)
        db.session.commit()
        form.password.errors.append(_("That is not your password. Try again."))
    page = render_template("accounts/confirm_password.html", form=form)
    return page, (400 if form.errors else 200)
