"""Open Badges 2.0 hosted documents: the Issuer profile, a BadgeClass per course and an
Assertion per certificate, as JSON-LD with absolute ids (built inside a request, so the ids
are the URLs this site answers on). The holder is named only by a salted hash."""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from course_app.accounts.models import Learner, User
from course_app.certificates.badge_image import bake_svg, draw_badge_svg
from course_app.certificates.models import Certificate, CertificateBadge
from course_app.content.models import Course
from course_app.db import UTCDateTime, conflict_sql, utc_now
from course_app.extensions import db
from course_app.learning.topics import topic_name
from course_app.links import external_url

CONTEXT_V2 = "https://w3id.org/openbadges/v2"
JSON_LD = "application/ld+json"
# The staff's reason for a revocation stays with staff (certificates/cli.py); the public
# documents say only that the issuer revoked it.
PUBLIC_REVOCATION_REASON = "Revoked by the issuer."
WITHDRAWN_REASON = "Withdrawn at the holder's request."
REPLACED_REASON = "Replaced by a reissued certificate with a corrected name."
CRITERIA_NARRATIVE = (
    "Finish every required lesson and pass every quiz of the course, then claim the "
    "certificate of completion."
)


# A new certificate's badge row in one statement (a learner's write keeps its budget, see
# tests/test_write_statements.py); a second call finds the row there and changes nothing.
_INSERT_BADGE = conflict_sql(
    "INSERT INTO certificate_badges (certificate_id, salt, created_at)"
    " SELECT id, :salt, :created_at FROM certificates"
    " WHERE learner_id = :learner_id AND course_id = :course_id"
    " ON CONFLICT (certificate_id) DO NOTHING",
    created_at=UTCDateTime(),
)


def record_new_badge(learner_id: int, course_id: int) -> None:
    """Gives the learner's certificate for the course its badge salt, if it has none yet."""
    db.session.execute(
        _INSERT_BADGE,
        dict(
            salt=secrets.token_hex(16),
            created_at=utc_now(),
            learner_id=learner_id,
            course_id=course_id,
        ),
    )


def record_badge(certificate: Certificate) -> CertificateBadge:
    """The certificate's badge row, made with a fresh salt the first time; flushed."""
    badge = db.session.get(CertificateBadge, certificate.id)
    if badge is None:
        badge = CertificateBadge(certificate_id=certificate.id, salt=secrets.token_hex(16))
        db.session.add(badge)
        db.session.flush()
    return badge


def hashed_identity(identity: str, salt: str) -> str:
    """The 2.0 spec's salted hash of a recipient identity: 'sha256$' + hex(sha256(id + salt))."""
    return "sha256$" + hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()


def recipient_identity(certificate: Certificate) -> tuple[str, str]:
    """(type, plain identity) of the holder: their email address where the account has one
    (what backpacks match a badge on), else the certificate's public check address."""
    email = db.session.scalar(
        select(User.email)
        .join(Learner, Learner.user_id == User.id)
        .where(Learner.id == certificate.learner_id)
    )
    if email:
        return "email", email.strip().lower()
    return "url", external_url("certificates.verify", code=certificate.code)


def issuer_id() -> str:
    return external_url("badges.issuer")


def issuer_profile() -> dict:
    """The library network as an Open Badges Issuer."""
    profile = {
        "@context": CONTEXT_V2,
        "id": issuer_id(),
        "type": "Issuer",
        "name": current_app.config["SITE_NAME"],
        "url": external_url("learning.catalogue"),
    }
    email = current_app.config.get("BADGE_ISSUER_EMAIL") or current_app.config.get("MAIL_FROM")
    if email:
        profile["email"] = email
    return profile


def topic_label(course: Course) -> str:
    with force_locale("en"):
        return topic_name(course.topic)


def badge_svg(course: Course) -> str:
    return draw_badge_svg(course.title, topic_label(course), current_app.config["SITE_NAME"])


def badge_class(course: Course) -> dict:
    """The course as a BadgeClass: name, description, drawn image, criteria, topic alignment."""
    course_url = external_url("learning.course_overview", slug=course.slug)
    return {
        "@context": CONTEXT_V2,
        "id": external_url("badges.badge_class", slug=course.slug),
        "type": "BadgeClass",
        "name": course.title,
        "description": f"Completed the free course “{course.title}” from "
        f"{current_app.config['SITE_NAME']}.",
        "image": external_url("badges.badge_class_image", slug=course.slug),
        "criteria": {"id": course_url, "narrative": CRITERIA_NARRATIVE},
        "issuer": issuer_id(),
        "alignment": [
            {
                "targetName": topic_label(course),
                "targetUrl": external_url("learning.catalogue", topic=course.topic),
                "targetDescription": f"Courses on {topic_label(course).lower()}.",
            }
        ],
        "tags": [course.topic],
    }


def assertion_id(certificate: Certificate) -> str:
    return external_url("badges.assertion", code=certificate.code)


def assertion(certificate: Certificate) -> dict:
    """The certificate as a hosted Assertion; the holder appears only as a salted hash."""
    badge = record_badge(certificate)
    kind, identity = recipient_identity(certificate)
    course = certificate.course
    return {
        "@context": CONTEXT_V2,
        "id": assertion_id(certificate),
        "type": "Assertion",
        "recipient": {
            "type": kind,
            "hashed": True,
            "salt": badge.salt,
            "identity": hashed_identity(identity, badge.salt),
        },
        "badge": external_url("badges.badge_class", slug=course.slug),
        "verification": {"type": "hosted"},
        "issuedOn": certificate.issued_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "image": external_url("badges.assertion_image", code=certificate.code),
        "evidence": [
            {
                "id": external_url("learning.course_overview", slug=course.slug),
                "narrative": f"Completed every required part of “{course.title}”.",
            }
        ],
    }


def revocation_reason(certificate: Certificate) -> str | None:
    """Why the certificate's badges no longer stand, as the public may read it; None if they
    do. A holder who erased their account withdrew them."""
    if certificate.withdrawn_by_holder:
        return WITHDRAWN_REASON
    if not certificate.is_valid:
        return PUBLIC_REVOCATION_REASON
    return None


def revoked_assertion(code: str, reason: str) -> dict:
    """What a revoked, withdrawn or replaced assertion answers (with HTTP 410), as the spec
    asks."""
    return {
        "@context": CONTEXT_V2,
        "id": external_url("badges.assertion", code=code),
        "revoked": True,
        "revocationReason": reason,
    }


def baked_badge(certificate: Certificate) -> str:
    """The course's badge with this certificate's assertion baked in."""
    return bake_svg(
        badge_svg(certificate.course), assertion_id(certificate), assertion(certificate)
    )
