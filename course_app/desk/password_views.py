"""Patrons' own password pages: choosing one at first sign-in, and resetting with a code.

Accounts made at the desk start with a temporary passphrase; until its owner chooses their
own password, every page sends them to /account/choose-password (see require_own_password).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from course_app.accounts.passwords import MAX_LENGTH, password_problem, verify_password
from course_app.accounts.services import change_password, find_user
from course_app.accounts.sign_in import record_security_event
from course_app.desk.reset_codes import issue_reset_code, redeem_reset_code
from course_app.extensions import db, limiter
from course_app.forms import BaseForm
from course_app.jobs import job
from course_app.links import external_url
from course_app.mail import mail_configured, send_mail_later

bp = Blueprint("password_help", __name__, url_prefix="/account")

# Pages a person who must choose a password may still open.
ALLOWED_BEFORE_CHOOSING = {
    "password_help.choose_password",
    "accounts.sign_out",
    "accounts.set_language",
    "static",
    "health.healthz",
}


class ChoosePasswordForm(BaseForm):
    password = PasswordField(
        _l("Your new password"),
        validators=[DataRequired(_l("Choose a new password.")), Length(max=MAX_LENGTH)],
    )
    submit = SubmitField(_l("Save my password"))

    def validate_password(self, field):
        problem = password_problem(field.data or "", current_user.username)
        if problem:
            raise ValidationError(problem)
        if verify_password(current_user.password_hash, field.data or ""):
            raise ValidationError(_l("Choose a new password, not the one on your card."))


class ResetWithCodeForm(BaseForm):
    username = StringField(
        _l("Username"), validators=[DataRequired(_l("Enter your username.")), Length(max=40)]
    )
    code = StringField(
        _l("Reset code"),
        validators=[DataRequired(_l("Enter the code from the library.")), Length(max=20)],
    )
    password = PasswordField(
        _l("Your new password"),
        validators=[DataRequired(_l("Choose a new password.")), Length(max=MAX_LENGTH)],
    )
    submit = SubmitField(_l("Save my password"))

    def validate_password(self, field):
        problem = password_problem(field.data or "", self.username.data or "")
        if problem:
            raise ValidationError(problem)


class EmailResetForm(BaseForm):
    username = StringField(
        _l("Username"), validators=[DataRequired(_l("Type your username.")), Length(max=40)]
    )
    submit = SubmitField(_l("Send me a code"))


def require_own_password():
    """Sends a person with a temporary password to choose their own before anything else."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in ALLOWED_BEFORE_CHOOSING
    ):
        return redirect(url_for("password_help.choose_password"))
    return None


def init_password_help(app: Flask) -> None:
    app.before_request(require_own_password)


@bp.route("/choose-password", methods=["GET", "POST"])
@login_required
def choose_password():
    if not current_user.must_change_password:
        return redirect(url_for("learning.my_learning"))
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        change_password(current_user, form.password.data)
        record_security_event(
            "password.changed", current_user, request.remote_addr, "first-sign-in", by=current_user
        )
        db.session.commit()
        flash(_("Your password is saved. Use it the next time you sign in."), "success")
        return redirect(url_for("learning.my_learning"))
    page = render_template("accounts/choose_password.html", form=form)
    return page, (400 if form.errors else 200)


def _reset_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset():
    form = ResetWithCodeForm(username=request.args.get("username", "")[:40])
    if form.validate_on_submit():
        user = redeem_reset_code(form.username.data, form.code.data, form.password.data)
        record_security_event(
            "password.reset",
            user or find_user(form.username.data),
            request.remote_addr,
            "reset-with-code" if user is not None else "wrong-or-expired-code",
        )
        if user is None:
            db.session.commit()
            form.code.errors = [
                _(
                    "That username and code do not match, or the code has expired or was used. "
                    "Ask the library for a new code."
                )
            ]
        else:
            db.session.commit()
            flash(_("Your password is saved. Sign in with it now."), "success")
            return redirect(url_for("accounts.sign_in"))
    page = render_template("accounts/reset.html", form=form, email_reset=mail_configured())
    return page, (400 if form.errors else 200)


@bp.route("/reset/email", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_by_email():
    """A reset code sent to the address on the account; the page never says if there is one."""
    if not mail_configured():
        abort(404)
    form = EmailResetForm()
    if form.validate_on_submit():
        # Every answer does the same work: the lookup, the code and the mail happen in a job
        # after the response, so the time taken tells nothing about the account.
        email_reset_code(form.username.data)
        flash(
            _(
                "If that account has an email address, we sent a code to it. The code works "
                "for 24 hours. Type it below with a new password."
            ),
            "success",
        )
        return redirect(url_for("password_help.reset", username=form.username.data))
    page = render_template("accounts/reset_by_email.html", form=form)
    return page, (400 if form.errors else 200)


@job(retries=3, retry_delay=30)
def email_reset_code(username: str) -> None:
    """A reset code for the account, sent to its address if it has one; nothing otherwise."""
    user = find_user(username)
    if user is None or not user.email or not user.is_active_account:
        return
    code = issue_reset_code(None, user)
    db.session.commit()
    with force_locale(user.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Your password reset code")
        body = _(
            "Hello %(name)s,\n\nYour code to choose a new password is: %(code)s\n\n"
            "It works once, for 24 hours. Type it with your username (%(username)s) at %(url)s\n\n"
            "If you did not ask for this, you can ignore this email.",
            name=user.display_name,
            code=code,
            username=user.username,
            url=external_url("password_help.reset"),
        )
    send_mail_later(user.email, subject, body)
