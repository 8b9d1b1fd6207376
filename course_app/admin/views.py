"""Staff pages: the certificate list, search by code, and revocation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from course_app.accounts.access import STAFF_ROLES, role_required
from course_app.certificates.forms import (
    ERROR_MESSAGES,
    CertificateSearchForm,
    RevokeCertificateForm,
)
from course_app.certificates.services import (
    CertificateError,
    find_certificate,
    recent_certificates,
    revoke_certificate,
)
from course_app.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _list_page(search: CertificateSearchForm, revoke_form: RevokeCertificateForm, status=200):
    certificates = recent_certificates(search.q.data or None)
    # One match (a pasted or typed code) is shown with its revoke form.
    selected = certificates[0] if search.q.data and len(certificates) == 1 else None
    page = render_template(
        "admin/certificates.html",
        search=search,
        certificates=certificates,
        selected=selected,
        revoke_form=revoke_form,
    )
    return page, status


@bp.get("/certificates")
@role_required(*STAFF_ROLES)
def certificates():
    search = CertificateSearchForm(formdata=request.args or None)
    return _list_page(search, RevokeCertificateForm())


@bp.post("/certificates/<code>/revoke", endpoint="revoke_certificate")
@role_required(*STAFF_ROLES)
def revoke(code: str):
    cert = find_certificate(code)
    if cert is None:
        abort(404)
    form = RevokeCertificateForm()
    if form.validate_on_submit():
        try:
            revoke_certificate(cert, form.reason.data, actor=current_user)
        except CertificateError as error:
            form.reason.errors.append(ERROR_MESSAGES[error.reason])
        else:
            db.session.commit()
            flash(_("Certificate %(code)s is revoked.", code=cert.code), "success")
            return redirect(url_for("admin.certificates", q=cert.code))
    return _list_page(CertificateSearchForm(formdata=None, q=cert.code), form, status=400)
