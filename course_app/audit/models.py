"""Audit events: one row per change that staff may need to trace later."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.db import UTCDateTime, utc_now
from course_app.extensions import db

if TYPE_CHECKING:  # relationships by name: audit sits below the packages it records
    from course_app.accounts.models import User
    from course_app.libraries.models import Organisation


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    # The audit page lists one library's events newest first.
    __table_args__ = (Index("ix_audit_events_organisation_id_at", "organisation_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, index=True)
    # None when the change came from the command line.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship("User")
    organisation: Mapped[Organisation | None] = relationship("Organisation")
