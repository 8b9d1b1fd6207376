"""Certificates: issuing once per learner and course, finding by code, revoking."""

from __future__ import annotations

import re
import secrets
import unicodedata

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from course_app.accounts.models import Learner, User
from course_app.audit.services import record_event
from course_app.certificates.models import Certificate, ReplacedCertificateCode
from course_app.content.localize import reading_language, text
from course_app.content.models import Course
from course_app.db import UTCDateTime, conflict_sql, utc_now
from course_app.domain_errors import DomainError
from course_app.events import Change, ProgressChange, announce
from course_app.extensions import db
from course_app.learning.services import course_progress

NAME_MAX_LENGTH = 120
REASON_MAX_LENGTH = 500
# Codes are read out on the phone and typed from paper: Crockford's base 32 (digits and capital
# letters without I, L, O and U), 28 characters (140 random bits) in groups of four. Typed
# codes are read without regard to case, spaces or dashes, O as 0 and I or L as 1.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 28
CODE_GROUP = 4
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_NEW_CODE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
# Codes issued before: secrets.token_urlsafe(24), 32 case-sensitive URL-safe characters (the
# demo data still makes codes of that shape; they keep verifying).
CODE_BYTES = 24
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class CertificateError(DomainError):
    """A certificate request that cannot be done; `reason` names the rule that refused it."""

    COURSE_NOT_COMPLETE = "course-not-complete"
    NAME_EMPTY = "name-empty"
    NAME_TOO_LONG = "name-too-long"
    NAME_INVALID = "name-invalid"
    REASON_EMPTY = "reason-empty"
    REASON_TOO_LONG = "reason-too-long"
    ALREADY_REVOKED = "already-revoked"
    SAME_NAME = "same-name"


def clean_recipient_name(name: str) -> str:
    """The name as it will be printed: NFC, trimmed, one line, 1 to 120 characters."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name:
        raise CertificateError(CertificateError.NAME_EMPTY)
    if len(name) > NAME_MAX_LENGTH:
        raise CertificateError(CertificateError.NAME_TOO_LONG)
    # Control characters (newlines, tabs, escapes) would break the printed layout.
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise CertificateError(CertificateError.NAME_INVALID)
    return name


def _grouped(characters: str) -> str:
    return "-".join(characters[i : i + CODE_GROUP] for i in range(0, len(characters), CODE_GROUP))


def new_certificate_code() -> str:
    """An unguessable public code, easy to read out and type: 140 random bits as seven groups
    of four characters with no look-alikes (7K3M-9PQR-...)."""
    return _grouped("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))


def canonical_code(typed: str) -> str | None:
    """A typed code in the form codes are issued in, or None when it cannot be a new code."""
    characters = re.sub(r"[\s-]+", "", typed or "").upper().translate(_LOOK_ALIKES)
    return _grouped(characters) if _NEW_CODE.fullmatch(characters) else None


def get_certificate(learner: Learner, course: Course) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(
            Certificate.learner_id == learner.id, Certificate.course_id == course.id
        )
    )


# One certificate per learner and course: a double submit returns the first.
_INSERT_CERTIFICATE = conflict_sql(
    "INSERT INTO certificates (code, learner_id, course_id, recipient_name, language, issued_at)"
    " VALUES (:code, :learner_id, :course_id, :recipient_name, :language, :issued_at)"
    " ON CONFLICT (learner_id, course_id) DO NOTHING RETURNING id",
    issued_at=UTCDateTime(),
)


def issue_certificate(
    learner: Learner, course: Course, recipient_name: str, language: str
) -> Certificate:
    """The learner's certificate for a completed course; an existing one is returned unchanged.
    A completion stands once recorded, so a certificate is never refused for steps a later
    re-import added."""
    if not course_progress(learner, course).is_complete:
        raise CertificateError(CertificateError.COURSE_NOT_COMPLETE)
    name = clean_recipient_name(recipient_name)
    created = db.session.scalar(
        _INSERT_CERTIFICATE,
        dict(
            code=new_certificate_code(),
            learner_id=learner.id,
            course_id=course.id,
            recipient_name=name,
            language=language,
            issued_at=utc_now(),
        ),
    )
    if created is not None:
        announce(ProgressChange(Change.CERTIFICATE_ISSUED, learner.id, course.id))
    return get_certificate(learner, course)  # the one made now, or the one made before


def course_title(certificate: Certificate, language: str) -> str:
    """The certificate's course title in `language` where the course is written in it."""
    course = certificate.course
    return text(course, "title", reading_language(course, language))


def holder_library_name(certificate: Certificate) -> str | None:
    """The name of the library the certificate's holder belongs to, when they have one."""
    holder = db.session.scalar(
        select(User)
        .options(joinedload(User.organisation))
        .join(Learner, Learner.user_id == User.id)
        .where(Learner.id == certificate.learner_id)
    )
    if holder is None or holder.organisation is None:
        return None
    return holder.organisation.name


def find_certificate(code: str) -> Certificate | None:
    """The certificate with this code, or None. A code as issued now is found however it is
    typed (see canonical_code); an older code only exactly. Malformed codes never reach the
    database."""
    if not isinstance(code, str):
        return None
    canonical = canonical_code(code)
    if canonical is not None:
        found = db.session.scalar(select(Certificate).where(Certificate.code == canonical))
        if found is not None:
            return found
    if not CODE_PATTERN.match(code):
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def revoke_certificate(
    certificate: Certificate, reason: str, actor: User | None = None
) -> Certificate:
    """Marks the certificate revoked now with a reason for staff, audited in the holder's library;
    a second revoke is refused."""
    if certificate.revoked_at is not None:
        raise CertificateError(CertificateError.ALREADY_REVOKED)
    reason = unicodedata.normalize("NFC", reason or "").strip()
    if not reason:
        raise CertificateError(CertificateError.REASON_EMPTY)
    if len(reason) > REASON_MAX_LENGTH:
        raise CertificateError(CertificateError.REASON_TOO_LONG)
    certificate.revoked_at = utc_now()
    certificate.revoked_reason = reason
    announce(
        ProgressChange(Change.CERTIFICATE_REVOKED, certificate.learner_id, certificate.course_id)
    )
    holder = db.session.scalar(
        select(User)
        .options(joinedload(User.organisation))
        .join(Learner, Learner.user_id == User.id)
        .where(Learner.id == certificate.learner_id)
    )
    record_event(
        actor,
        "certificate.revoked",
        certificate,
        holder.organisation if holder is not None else None,
        code=certificate.code,
        reason=reason,
    )
    return certificate


def certificate_holder(certificate: Certificate) -> User | None:
    """The account holding the certificate (None for a guest's), with its library."""
    return db.session.scalar(
        select(User)
        .options(joinedload(User.organisation))
        .join(Learner, Learner.user_id == User.id)
        .where(Learner.id == certificate.learner_id)
    )


def reissue_certificate(actor: User, certificate: Certificate, recipient_name: str) -> str:
    """Gives the certificate a corrected name and a new code; the old code is kept and then
    verifies as replaced. Audited in the holder's library. Returns the new code.

    A revoked certificate is not reissued, and the same name is refused (nothing to correct).
    """
    if certificate.revoked_at is not None:
        raise CertificateError(CertificateError.ALREADY_REVOKED)
    name = clean_recipient_name(recipient_name)
    if name == certificate.recipient_name:
        raise CertificateError(CertificateError.SAME_NAME)
    old_code, old_name = certificate.code, certificate.recipient_name
    db.session.add(
        ReplacedCertificateCode(
            certificate_id=certificate.id,
            code=old_code,
            recipient_name=old_name,
            replaced_at=utc_now(),
            replaced_by_id=actor.id,
        )
    )
    certificate.code = new_certificate_code()
    certificate.recipient_name = name
    db.session.flush()
    holder = certificate_holder(certificate)
    record_event(
        actor,
        "certificate.reissued",
        certificate,
        holder.organisation if holder is not None else None,
        old_code=old_code,
        new_code=certificate.code,
        old_name=old_name,
        new_name=name,
    )
    return certificate.code


def find_replaced_code(code: str) -> ReplacedCertificateCode | None:
    """The record of an old code of a reissued certificate, or None."""
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        return None
    return db.session.scalar(
        select(ReplacedCertificateCode)
        .options(joinedload(ReplacedCertificateCode.certificate))
        .where(ReplacedCertificateCode.code == code)
    )


def recent_certificates(code_prefix: str | None = None, limit: int = 50) -> list[Certificate]:
    """The newest certificates, optionally only those whose code starts with code_prefix."""
    query = (
        select(Certificate)
        .options(selectinload(Certificate.course))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    if code_prefix:
        query = query.where(Certificate.code.startswith(code_prefix, autoescape=True))
    return list(db.session.scalars(query.limit(limit)))


def merge_certificates(source_id: int, target_id: int) -> None:
    """A guest's certificates become the account's, but for courses the account already holds
    one for: those of the guest are deleted (the account's stands)."""
    held = select(Certificate.course_id).where(Certificate.learner_id == target_id)
    db.session.execute(
        delete(Certificate).where(
            Certificate.learner_id == source_id, Certificate.course_id.in_(held)
        )
    )
    db.session.execute(
        update(Certificate).where(Certificate.learner_id == source_id).values(learner_id=target_id)
    )


WITHDRAWN_BY_HOLDER = "withdrawn at the holder's request"


def withdraw_certificates_of(learner_id: int) -> None:
    """The learner's certificates stay checkable but say they were withdrawn at the holder's
    request, with no name and no link to the learner (nor under a code they had before a
    name was corrected)."""
    held = select(Certificate.id).where(Certificate.learner_id == learner_id)
    db.session.execute(
        update(ReplacedCertificateCode)
        .where(ReplacedCertificateCode.certificate_id.in_(held))
        .values(recipient_name="")
    )
    db.session.execute(
        update(Certificate)
        .where(Certificate.learner_id == learner_id)
        .values(
            revoked_at=func.coalesce(Certificate.revoked_at, utc_now()),
            revoked_reason=WITHDRAWN_BY_HOLDER,
            recipient_name="",
            learner_id=None,
        )
    )
