"""The outbox of learning-record statements: written in the same transaction as the progress
they describe (so none is lost and none is made for a change that rolled back), sent later."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from course_app.db import UTCDateTime, utc_now
from course_app.extensions import db


class OutboxStatement(db.Model):
    __tablename__ = "xapi_outbox"
    __table_args__ = (Index("ix_xapi_outbox_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The statement's own id: the same event never makes two statements, and an LRS that
    # already has it (a resend after a lost answer) keeps one.
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    last_error: Mapped[str | None] = mapped_column(String(500))
