"""Claiming a certificate, its printable page and PDF, and public verification."""

from __future__ import annotations

import re

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from course_app.accounts.access import STAFF_ROLES
from course_app.accounts.identity import current_learner
from course_app.certificates.credentials import VC_JWT, open_badge_credential, sign_credential
from course_app.certificates.forms import ERROR_MESSAGES, ClaimCertificateForm, VerifyLookupForm
from course_app.certificates.models import Certificate
from course_app.certificates.pdf import render_certificate_pdf
from course_app.certificates.qr import qr_svg
from course_app.certificates.services import (
    CertificateError,
    course_title,
    find_certificate,
    get_certificate,
    issue_certificate,
)
from course_app.content.localize import course_text
from course_app.content.models import Course
from course_app.extensions import db
from course_app.key_folders import SigningKeyError
from course_app.learning.plan import course_plan
from course_app.learning.services import course_for_progress, course_progress

bp = Blueprint("certificates", __name__)


def _course_url(course: Course) -> str:
    return url_for("learning.course_overview", slug=course.slug)


def _verify_url(cert: Certificate) -> str:
    return url_for("certificates.verify", code=cert.code, _external=True)


def _viewable_certificate_or_404(code: str) -> Certificate:
    """The certificate if the signed-in person owns it or is staff; 404 otherwise, never 403."""
    cert = find_certificate(code)
    if cert is None:
        abort(404)
    learner = current_learner()
    is_owner = learner is not None and learner.id == cert.learner_id
    if not (is_owner or current_user.has_role(*STAFF_ROLES)):
        abort(404)
    return cert


def _certificate_language(cert: Certificate) -> str:
    """The certificate's own language, unless the visitor chose one on this site."""
    language = session.get("language")
    if language not in current_app.config["LANGUAGES"]:
        language = cert.language
    return language


def _noindex(response: Response) -> Response:
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/courses/<slug>/certificate", methods=["GET", "POST"])
@login_required
def claim(slug: str):
    learner = current_learner(create=True)
    course = course_for_progress(slug, learner)
    form = ClaimCertificateForm(recipient_name=current_user.display_name)
    if form.validate_on_submit():
        try:
            # Worded in the language the course is read in.
            language = course_plan(course, str(get_locale())).language
            cert = issue_certificate(learner, course, form.recipient_name.data, language)
        except CertificateError as error:
            if error.reason != CertificateError.COURSE_NOT_COMPLETE:
                form.recipient_name.errors.append(ERROR_MESSAGES[error.reason])
        else:
            code = cert.code
            db.session.commit()
            return redirect(url_for("certificates.show", code=code))
    existing = get_certificate(learner, course)
    if existing is not None:
        return redirect(url_for("certificates.show", code=existing.code))
    progress = course_progress(learner, course, str(get_locale()))
    if not progress.is_complete:
        return render_template(
            "certificates/not_complete.html",
            course=course_text(course, str(get_locale())),
            progress=progress,
            course_url=_course_url(course),
        )
    status = 400 if form.errors else 200
    page = render_template(
        "certificates/claim.html", course=course_text(course, str(get_locale())), form=form
    )
    return page, status


@bp.get("/certificates/<code>")
@login_required
def show(code: str):
    cert = _viewable_certificate_or_404(code)
    verify_url = _verify_url(cert)
    language = _certificate_language(cert)
    with force_locale(language):
        qr = qr_svg(verify_url, _("QR code that opens the check page for this certificate"))
        page = render_template(
            "certificates/show.html",
            cert=cert,
            course_title=course_title(cert, language),
            verify_url=verify_url,
            qr=qr,
        )
    return page


@bp.get("/certificates/<code>.pdf")
@login_required
def pdf(code: str):
    cert = _viewable_certificate_or_404(code)
    body = render_certificate_pdf(
        cert, _verify_url(cert), paper=current_app.config.get("CERTIFICATE_PAPER", "A4")
    )
    filename = "certificate-" + re.sub(r"[^A-Za-z0-9-]", "-", cert.course.slug) + ".pdf"
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/verify")
def verify_lookup():
    form = VerifyLookupForm(formdata=request.args or None)
    if request.args and form.validate():
        return redirect(url_for("certificates.verify", code=form.code.data))
    status = 400 if form.errors else 200
    return _noindex(Response(render_template("certificates/verify_lookup.html", form=form), status))


@bp.get("/verify/<code>")
def verify(code: str):
    cert = find_certificate(code)
    if cert is None:
        page = render_template(
            "certificates/verify_not_found.html",
            code=code,
            form=VerifyLookupForm(formdata=None, code=code[:64]),
        )
        return _noindex(Response(page, 404))
    language = _certificate_language(cert)
    with force_locale(language):
        page = render_template(
            "certificates/verify.html", cert=cert, course_title=course_title(cert, language)
        )
    return _noindex(Response(page))


@bp.get("/certificates/<code>/credential.jwt")
@login_required
def credential(code: str):
    """The Open Badges 3.0 credential, signed, for the holder's digital wallet."""
    cert = _viewable_certificate_or_404(code)
    if not cert.is_valid:
        abort(410)
    try:
        token = sign_credential(open_badge_credential(cert))
    except SigningKeyError:
        current_app.logger.error("No badge signing key: run `flask badges keygen`.")
        abort(503)
    db.session.commit()  # keeps the salt of a certificate issued before badges existed
    filename = "open-badge-" + re.sub(r"[^A-Za-z0-9-]", "-", cert.course.slug) + ".jwt"
    return Response(
        token,
        mimetype=VC_JWT,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
