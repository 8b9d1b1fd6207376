"""Completion certificates, verifiable by their public code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.content.models import Course
from course_app.db import UTCDateTime, utc_now
from course_app.extensions import db


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("learner_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    # None once the holder erased their account (the certificate then says it was withdrawn).
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    recipient_name: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(8))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(String(500))

    course: Mapped[Course] = relationship()

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def withdrawn_by_holder(self) -> bool:
        """The holder erased their account: nothing about them is left to show."""
        return self.learner_id is None


class ReplacedCertificateCode(db.Model):
    """A code a certificate had before it was reissued with a corrected name: checking the old
    code says the certificate was replaced, never that it does not exist."""

    __tablename__ = "replaced_certificate_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificates.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(64), unique=True)
    recipient_name: Mapped[str] = mapped_column(String(120))
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    certificate: Mapped[Certificate] = relationship()


class CertificateBadge(db.Model):
    """What a certificate's Open Badges need beyond the certificate: the salt its holder's
    identity is hashed with (kept, so the hash stays the same every time it is served).
    The certificate's id is its place on the revocation status list."""

    __tablename__ = "certificate_badges"

    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True
    )
    salt: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
