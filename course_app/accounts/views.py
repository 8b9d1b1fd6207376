"""Sign-up, sign-in, sign-out, account page and language choice."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from course_app.accounts.forms import (
    ChangePasswordForm,
    LanguageForm,
    ProfileForm,
    SignInForm,
    SignUpForm,
)
from course_app.accounts.identity import guest_learner_in_session
from course_app.accounts.passwords import verify_password
from course_app.accounts.services import (
    AccountError,
    authenticate,
    change_password,
    create_user,
    end_session,
    merge_guest,
    start_session,
    temporary_password_expired,
)
from course_app.accounts.sign_in import (
    count_wrong_password,
    record_failed_sign_in,
    record_refused_sign_in,
    record_security_event,
    record_sign_up,
    record_signed_in,
    sign_in_wait,
    sign_up_wait,
)
from course_app.extensions import db

bp = Blueprint("accounts", __name__, url_prefix="/account")
MAX_NEXT_LENGTH = 2000  # our longest addresses (report filters) are a few hundred characters


def safe_next(target: str | None) -> str | None:
    """Only a path on this site; refuses other hosts, scheme-relative URLs and addresses too
    long to be ours (they would be echoed into the Location header)."""
    if not target or len(target) > MAX_NEXT_LENGTH:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def _begin_signed_in_session(user) -> None:
    """A fresh session: nothing from before sign-in survives except the language."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    start_session(
        user,
        address=request.remote_addr,
        user_agent=request.user_agent.string,
        public_computer=g.get("public_computer") is not None,
    )
    login_user(user)


@bp.route("/sign-up", methods=["GET", "POST"])
def sign_up():
    if current_user.is_authenticated:
        return redirect(url_for("learning.my_learning"))
    form = SignUpForm()
    if request.method == "POST" and (wait := sign_up_wait(request.remote_addr)):
        minutes = max(1, (wait + 59) // 60)
        form.username.errors = [
            ngettext(
                "Too many accounts were made from this computer. Wait %(num)d minute, "
                "or ask the library to make your account.",
                "Too many accounts were made from this computer. Wait %(num)d minutes, "
                "or ask the library to make your account.",
                minutes,
            )
        ]
        page = render_template("accounts/sign_up.html", form=form)
        return page, 429, {"Retry-After": str(wait)}
    if form.validate_on_submit():
        record_sign_up(request.remote_addr)
        try:
            user = create_user(
                form.username.data,
                form.password.data,
                display_name=form.display_name.data or None,
                email=form.email.data or None,
                language=session.get("language"),
                learner=guest_learner_in_session(),
            )
        except AccountError as error:  # taken since the form's check (a second click)
            if str(error) != "username-taken":
                raise
            form.username.errors.append(_("That username is taken. Try another."))
            return render_template("accounts/sign_up.html", form=form), 400
        _begin_signed_in_session(user)
        db.session.commit()
        flash(_("Your account is ready. Your progress is saved."), "success")
        return redirect(safe_next(request.args.get("next")) or url_for("learning.my_learning"))
    return render_template("accounts/sign_up.html", form=form)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("learning.my_learning"))
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        wait = sign_in_wait(form.username.data, request.remote_addr)
        if wait:
            record_refused_sign_in(form.username.data, request.remote_addr)
            db.session.commit()
            return _too_many_tries(form, wait)
        user = authenticate(form.username.data, form.password.data)
        if user is None:
            record_failed_sign_in(form.username.data, request.remote_addr)
            db.session.commit()
            form.password.errors.append(_("That username and password do not match. Try again."))
        elif temporary_password_expired(user):
            record_security_event(
                "sign_in.failed", user, request.remote_addr, "temporary-password-expired"
            )
            db.session.commit()
            form.password.errors.append(
                _(
                    "This temporary password has expired. Ask the library for a reset code "
                    "to choose your own password."
                )
            )
        else:
            guest = guest_learner_in_session()
            if guest is not None:
                merge_guest(guest, user.learner)
            record_signed_in(user, request.remote_addr)
            _begin_signed_in_session(user)
            db.session.commit()
            flash(_("You are signed in."), "success")
            return redirect(safe_next(form.next.data) or url_for("learning.my_learning"))
    return render_template("accounts/sign_in.html", form=form), (400 if form.errors else 200)


def _too_many_tries(form, wait: int):
    """429 with the form and how long to wait; the password is not even checked."""
    minutes = max(1, (wait + 59) // 60)
    form.password.errors.append(
        ngettext(
            "Too many wrong passwords. Wait %(num)d minute, then try again.",
            "Too many wrong passwords. Wait %(num)d minutes, then try again.",
            minutes,
        )
    )
    page = render_template("accounts/sign_in.html", form=form)
    return page, 429, {"Retry-After": str(wait)}


@bp.post("/sign-out")
def sign_out():
    if current_user.is_authenticated:
        end_session(current_user.session_token)
        logout_user()
    session.clear()
    db.session.commit()
    flash(_("You are signed out. It is safe to leave this computer."), "success")
    return redirect(url_for("learning.catalogue"))


@bp.route("/", methods=["GET", "POST"])
@login_required
def account():
    profile = ProfileForm(prefix="profile", display_name=current_user.display_name)
    password_form = ChangePasswordForm(prefix="password")
    if profile.submit.data and profile.validate_on_submit():
        current_user.display_name = profile.display_name.data.strip()
        db.session.commit()
        flash(_("Your name is saved."), "success")
        return redirect(url_for("accounts.account"))
    if password_form.submit.data and password_form.validate_on_submit():
        if sign_in_wait(current_user.username, request.remote_addr):
            password_form.current_password.errors.append(
                _("Too many wrong passwords. Wait a few minutes.")
            )
            page = render_template(
                "accounts/account.html", profile=profile, password_form=password_form
            )
            return page, 429
        if not verify_password(current_user.password_hash, password_form.current_password.data):
            password_form.current_password.errors.append(_("That is not your current password."))
            count_wrong_password(current_user.username, request.remote_addr)
            record_security_event(
                "password.change_refused",
                current_user,
                request.remote_addr,
                "wrong-current-password",
                by=current_user,
            )
            db.session.commit()
        else:
            change_password(current_user, password_form.password.data)
            record_security_event(
                "password.changed",
                current_user,
                request.remote_addr,
                "account-page",
                by=current_user,
            )
            db.session.commit()
            flash(_("Your password is changed. Other computers were signed out."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", profile=profile, password_form=password_form)


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["language"] = form.language.data
        if current_user.is_authenticated:
            current_user.language = form.language.data
            db.session.commit()
    return redirect(safe_next(form.next.data) or url_for("learning.catalogue"))
