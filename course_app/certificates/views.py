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
    find_replaced_code,
    get_certificate,
    holder_library_name,
    issue_certificate,
)
from course_app.content.localize import course_text
from course_app.content.models import Course
from course_app.extensions import db
from course_app.key_folders import SigningKeyError
from course_app.learning.outline import active_course_or_404
from course_app.learning.plan import course_plan
from course_app.learning.services import course_for_progress, course_progress
from course_app.links import external_url

bp = Blueprint("certificates", __name__)


def _course_url(course: Course) -> str:
    return url_for("learning.course_overview", slug=course.slug)


def _verify_url(cert: Certificate) -> str:
    return external_url("certificates.verify", code=cert.code)


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
def claim(slug: str):
    if not current_user.is_authenticated:
        # Guests are told why an account is needed, and that their progress comes with them.
        course = active_course_or_404(slug)
        here = url_for("certificates.claim", slug=slug)
        return render_template(
            "certificates/guest.html", course=course_text(course, str(get_locale())), next=here
        )
    learner = current_learner(create=True)
    course = course_for_progress(slug, learner)
    # Empty at first: a username ("rosa28670") is not the name to print.
    form = ClaimCertificateForm()
    if form.validate_on_submit() and not form.change.data:
        if form.confirmed.data:
            issued = _issue(learner, course, form)
            if issued is not None:
                return issued
        elif (
            get_certificate(learner, course) is None
            and course_progress(learner, course, str(get_locale())).is_complete
        ):
            # The confirm step: the name is shown back before anything is printed.
            return render_template(
                "certificates/confirm_name.html",
                course=course_text(course, str(get_locale())),
                form=form,
            )
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


def _issue(learner, course, form: ClaimCertificateForm):
    """The redirect to the new (or existing) certificate; None with the form's errors set."""
    try:
        # Worded in the language the course is read in.
        language = course_plan(course, str(get_locale())).language
        cert = issue_certificate(learner, course, form.recipient_name.data, language)
    except CertificateError as error:
        if error.reason != CertificateError.COURSE_NOT_COMPLETE:
            form.recipient_name.errors.append(ERROR_MESSAGES[error.reason])
        return None
    code = cert.code
    db.session.commit()
    return redirect(url_for("certificates.show", code=code))


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
        cert,
        _verify_url(cert),
        paper=current_app.config.get("CERTIFICATE_PAPER", "A4"),
        library_name=holder_library_name(cert),
    )
    filename = "certificate-" + re.sub(r"[^A-Za-z0-9-]", "-", cert.course.slug) + ".pdf"
    # Opens in the browser's own PDF viewer; ?download=1 (its own link) saves it instead.
    disposition = "attachment" if request.args.get("download") == "1" else "inline"
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
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
    replaced = find_replaced_code(code) if cert is None else None
    if replaced is not None:
        language = _certificate_language(replaced.certificate)
        with force_locale(language):
            page = render_template(
                "certificates/verify_replaced.html",
                replaced=replaced,
                course_title=course_title(replaced.certificate, language),
            )
        return _noindex(Response(page))
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
    if not cert.is_valid or cert.withdrawn_by_holder:
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
