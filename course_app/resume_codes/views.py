"""Getting a resume code as a guest, and entering one on any computer."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from course_app.accounts.identity import GUEST_KEY, guest_learner_in_session
from course_app.certificates.qr import qr_svg
from course_app.extensions import db, limiter
from course_app.links import external_url
from course_app.resume_codes.codes import grouped, is_well_formed, normalise_code
from course_app.resume_codes.forms import NewCodeForm, ResumeForm
from course_app.resume_codes.services import (
    ResumeCodeError,
    issue_resume_code,
    redeem_resume_code,
    resume_code_of,
)

bp = Blueprint("resume_codes", __name__)
LINKED_CODE_KEY = "resume_code_from_link"


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _private(response):
    """A page showing a code must not stay in a shared computer's cache."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def _account_holders_go_to_my_learning():
    flash(_("You have an account. Sign in on any computer to see your lessons."), "info")
    return redirect(url_for("learning.my_learning"))


@bp.route("/my-learning/resume-code", methods=["GET", "POST"])
def my_code():
    if current_user.is_authenticated:
        return _account_holders_go_to_my_learning()
    learner = guest_learner_in_session()
    form = NewCodeForm()
    if learner is None:
        return render_template("resume_codes/nothing_yet.html")
    if form.validate_on_submit():
        code = grouped(issue_resume_code(learner, current_app.config["SECRET_KEY"]))
        db.session.commit()
        # The code goes after "#": browsers never send that part, so it stays out of access
        # logs and the server's view of history (resume_code.js fills the form with it).
        link = external_url("resume_codes.enter") + "#" + code
        qr = qr_svg(link, _("QR code that opens the page to enter your resume code"))
        return _private(render_template("resume_codes/code.html", code=code, qr=qr))
    existing = resume_code_of(learner)
    return render_template("resume_codes/offer.html", form=form, existing=existing)


@bp.route("/resume", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def enter():
    if current_user.is_authenticated:
        return _account_holders_go_to_my_learning()
    form = ResumeForm(code=session.pop(LINKED_CODE_KEY, None) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            learner = redeem_resume_code(
                form.code.data, current_app.config["SECRET_KEY"], guest_learner_in_session()
            )
        except ResumeCodeError as error:
            form.code.errors.append(
                _("This code has not been used for over a year, so it no longer works.")
                if str(error) == ResumeCodeError.EXPIRED
                else _("We could not find that code. Check each letter and number and try again.")
            )
        else:
            session[GUEST_KEY] = learner.id
            g.pop("current_learner", None)
            db.session.commit()
            flash(_("Welcome back. Your lessons are here."), "success")
            return redirect(url_for("learning.my_learning"))
    status = 400 if form.errors else 200
    return _private(render_template("resume_codes/enter.html", form=form)), status


@bp.get("/resume/<code>")
def enter_from_link(code: str):
    """Where QR codes printed before the code moved after "#" point: the code goes into the
    visit and the browser is sent on to /resume, so it is not kept in history or the page's
    address; nothing is looked up until the form is sent."""
    if current_user.is_authenticated:
        return _account_holders_go_to_my_learning()
    code = normalise_code(code)
    if is_well_formed(code):
        session[LINKED_CODE_KEY] = grouped(code)
    return _private(redirect(url_for("resume_codes.enter")))
