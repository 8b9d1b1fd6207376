"""Open Badges 3.0: each certificate as an OpenBadgeCredential (W3C Verifiable Credentials
2.0), signed as a VC-JWT with the issuer's newest Ed25519 key, and the revocation status
list (Bitstring Status List) every credential points to, signed the same way.

A certificate's place on the status list is its id: the list is rebuilt from the
certificates table, so a revocation shows there the moment it is committed."""

from __future__ import annotations

import base64
import gzip
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from jwcrypto import jwt
from sqlalchemy import or_, select

from course_app.certificates.models import Certificate
from course_app.certificates.openbadges import (
    CRITERIA_NARRATIVE,
    hashed_identity,
    issuer_profile,
    recipient_identity,
    record_badge,
    topic_label,
)
from course_app.db import utc_now
from course_app.extensions import db
from course_app.key_folders import SIGNING_ALGORITHM, signing_key
from course_app.links import external_url

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC_JWT = "application/vc+jwt"
# The Bitstring Status List's smallest list (16 KB), so a list says nothing about how many
# credentials there are.
MIN_STATUS_BITS = 131_072
STATUS_LIST_LIFETIME = timedelta(days=1)
IDENTITY_TYPES = {"email": "emailAddress", "url": "url"}


def _iso(moment) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def keys_folder() -> Path:
    return Path(current_app.config["BADGE_KEYS_DIR"])


def _issuer_v3() -> dict:
    profile = issuer_profile()
    issuer = {"id": profile["id"], "type": ["Profile"], "name": profile["name"]}
    issuer["url"] = profile["url"]
    if "email" in profile:
        issuer["email"] = profile["email"]
    return issuer


def status_list_url() -> str:
    return external_url("badges.status_list")


def open_badge_credential(certificate: Certificate) -> dict:
    """The certificate as an OpenBadgeCredential: the achievement (course, criteria, topic),
    the holder as a salted hash, validFrom, and its entry on the revocation status list."""
    course = certificate.course
    badge = record_badge(certificate)
    kind, identity = recipient_identity(certificate)
    course_url = external_url("learning.course_overview", slug=course.slug)
    return {
        "@context": [VC_CONTEXT, OB3_CONTEXT],
        "id": external_url("badges.assertion", code=certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": _issuer_v3(),
        "validFrom": _iso(certificate.issued_at),
        "name": course.title,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": hashed_identity(identity, badge.salt),
                    "identityType": IDENTITY_TYPES[kind],
                    "hashed": True,
                    "salt": badge.salt,
                }
            ],
            "achievement": {
                "id": external_url("badges.badge_class", slug=course.slug),
                "type": ["Achievement"],
                "achievementType": "Course",
                "name": course.title,
                "description": f"Completed the free course “{course.title}”.",
                "criteria": {"id": course_url, "narrative": CRITERIA_NARRATIVE},
                "image": {
                    "id": external_url("badges.badge_class_image", slug=course.slug),
                    "type": "Image",
                },
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": topic_label(course),
                        "targetUrl": external_url("learning.catalogue", topic=course.topic),
                        "targetType": "ext:Topic",
                    }
                ],
                "inLanguage": course.language,
            },
        },
        "credentialStatus": {
            "id": f"{status_list_url()}#{certificate.id}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.id),
            "statusListCredential": status_list_url(),
        },
    }


def sign_credential(credential: dict) -> str:
    """The credential as a compact VC-JWT signed with the newest key (SigningKeyError if none):
    the credential is the payload, with iss, jti and nbf claims as Open Badges 3.0 asks."""
    key = signing_key(keys_folder())
    issuer = credential["issuer"]
    claims = dict(credential)
    claims["iss"] = issuer["id"] if isinstance(issuer, dict) else issuer
    claims["jti"] = credential["id"]
    valid_from = credential.get("validFrom")
    if valid_from:
        claims["nbf"] = int(datetime.fromisoformat(valid_from.replace("Z", "+00:00")).timestamp())
    token = jwt.JWT(
        header={"alg": SIGNING_ALGORITHM, "kid": key.get("kid"), "typ": "vc+jwt"},
        claims=claims,
    )
    token.make_signed_token(key)
    return token.serialize()


def encode_status_list(revoked_indexes: list[int]) -> str:
    """The Bitstring Status List encoding: bit i (most significant first) is 1 when index i is
    revoked, GZIP-compressed, base64url without padding, with the multibase prefix 'u'."""
    size = max(MIN_STATUS_BITS, ((max(revoked_indexes, default=0) // 8) + 1) * 8)
    bits = bytearray(size // 8)
    for index in revoked_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def is_revoked_in(encoded_list: str, index: int) -> bool:
    """Reads one bit back from an encoded list (for our checks and for tests)."""
    data = encoded_list[1:] if encoded_list.startswith("u") else encoded_list
    bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential() -> dict:
    """The revocation list as a BitstringStatusListCredential, valid for a day: revoked
    certificates and those withdrawn by their holder."""
    revoked = list(
        db.session.scalars(
            select(Certificate.id).where(
                or_(Certificate.revoked_at.is_not(None), Certificate.learner_id.is_(None))
            )
        )
    )
    now = utc_now().replace(microsecond=0)
    return {
        "@context": [VC_CONTEXT],
        "id": status_list_url(),
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": _issuer_v3(),
        "validFrom": _iso(now),
        "validUntil": _iso(now + STATUS_LIST_LIFETIME),
        "credentialSubject": {
            "id": f"{status_list_url()}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_status_list(revoked),
        },
    }
