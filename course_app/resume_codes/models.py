"""One resume code per guest learner, stored only as a keyed hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.accounts.models import Learner
from course_app.db import UTCDateTime, utc_now
from course_app.extensions import db


class ResumeCode(db.Model):
    """A guest's code; deleted with its learner (e.g. when a sign-in merges the guest away)."""

    __tablename__ = "resume_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), unique=True
    )
    # HMAC-SHA256 of the code with the app's secret key: the code is a bearer secret.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    learner: Mapped[Learner] = relationship()
