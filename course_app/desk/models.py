"""Library cards (kept only as a keyed hash and the last four characters) and reset codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.accounts.models import User
from course_app.db import UTCDateTime, utc_now
from course_app.extensions import db


class LibraryCard(db.Model):
    """A patron's library card: never the number itself, so a copied database shows none.

    card_hash is an HMAC of the number under a key derived from SECRET_KEY: the desk can
    find a patron by typing the number, but without the key nobody can try every number.
    """

    __tablename__ = "library_cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    card_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last4: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    user: Mapped[User] = relationship()


class ResetCode(db.Model):
    """A one-time code a librarian gives a patron who forgot their password (no email needed)."""

    __tablename__ = "reset_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set when the code is used, or when a newer code replaces it; either way it is spent.
    spent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
