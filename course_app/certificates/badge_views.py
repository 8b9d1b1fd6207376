"""Open Badges documents anyone may fetch: the issuer, each course's BadgeClass and badge
image, each certificate's Assertion and baked badge, the revocation status list and the
issuer's public keys. Backpacks and wallets fetch them from other sites, so they allow it."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort
from sqlalchemy import select

from course_app.certificates.credentials import (
    VC_JWT,
    keys_folder,
    sign_credential,
    status_list_credential,
)
from course_app.certificates.models import Certificate
from course_app.certificates.openbadges import (
    JSON_LD,
    REPLACED_REASON,
    assertion,
    badge_class,
    badge_svg,
    baked_badge,
    issuer_profile,
    revocation_reason,
    revoked_assertion,
)
from course_app.certificates.services import find_certificate, find_replaced_code
from course_app.content.models import Course
from course_app.extensions import db
from course_app.key_folders import SigningKeyError, public_jwks

bp = Blueprint("badges", __name__)
SVG = "image/svg+xml"


def _public(body: str, mimetype: str, status: int = 200, **headers: str) -> Response:
    response = Response(body, status=status, mimetype=mimetype, headers=headers)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _json_ld(document: dict, status: int = 200) -> Response:
    return _public(json.dumps(document, ensure_ascii=False, indent=2), JSON_LD, status)


def _course_or_404(slug: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        abort(404)
    return course


def _standing_certificate(code: str) -> tuple[Certificate | None, Response | None]:
    """The certificate whose badges still stand, or the 410 answer saying why they do not
    (revoked, withdrawn, or replaced by a reissue); 404 for a code never issued."""
    cert = find_certificate(code)
    if cert is None:
        if find_replaced_code(code) is None:
            abort(404)
        return None, _json_ld(revoked_assertion(code, REPLACED_REASON), 410)
    reason = revocation_reason(cert)
    if reason is not None:
        return None, _json_ld(revoked_assertion(cert.code, reason), 410)
    return cert, None


@bp.get("/badges/issuer")
def issuer():
    return _json_ld(issuer_profile())


@bp.get("/badges/classes/<slug>", endpoint="badge_class")
def badge_class_document(slug: str):
    return _json_ld(badge_class(_course_or_404(slug)))


@bp.get("/badges/classes/<slug>/image.svg")
def badge_class_image(slug: str):
    return _public(badge_svg(_course_or_404(slug)), SVG)


@bp.get("/badges/assertions/<code>", endpoint="assertion")
def assertion_document(code: str):
    cert, gone = _standing_certificate(code)
    if gone is not None:
        return gone
    document = assertion(cert)
    db.session.commit()  # keeps the salt of a certificate issued before badges existed
    return _json_ld(document)


@bp.get("/badges/assertions/<code>/badge.svg")
def assertion_image(code: str):
    cert, gone = _standing_certificate(code)
    if gone is not None:
        return gone
    image = baked_badge(cert)
    db.session.commit()
    filename = f"badge-{cert.course.slug}.svg"
    return _public(image, SVG, **{"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/badges/status/revocation")
def status_list():
    try:
        token = sign_credential(status_list_credential())
    except SigningKeyError:
        abort(503)
    return _public(token, VC_JWT, **{"Cache-Control": "max-age=300"})


@bp.get("/.well-known/jwks.json")
def jwks():
    return _public(json.dumps(public_jwks(keys_folder())), "application/json")
