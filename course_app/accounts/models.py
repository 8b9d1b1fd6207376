"""Users, learners (the identity progress hangs on) and server-side sign-in sessions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.db import UTCDateTime, utc_now
from course_app.extensions import db

if TYPE_CHECKING:
    from course_app.libraries.models import Organisation


class Role(enum.StrEnum):
    LEARNER = "learner"
    LIBRARIAN = "librarian"
    STAFF = "staff"
    ADMIN = "admin"


# Roles that see patrons or the whole site: shorter sessions, passwords asked again.
STAFF_ROLES_AND_LIBRARIANS = (Role.LIBRARIAN, Role.STAFF, Role.ADMIN)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Usernames are unique without regard to case; username keeps what the person typed.
    username: Mapped[str] = mapped_column(String(40))
    username_key: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.LEARNER.value)
    language: Mapped[str | None] = mapped_column(String(8))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # A desk-made temporary passphrase stops working then (TEMPORARY_PASSWORD_DAYS).
    temporary_password_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set by `flask privacy purge` when the account went unused for PRIVACY_INACTIVE_DAYS.
    flagged_inactive_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Wrong passwords since the last sign-in: librarians see an account being guessed.
    failed_sign_ins: Mapped[int] = mapped_column(default=0, server_default="0")
    last_failed_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Where the person belongs: a branch for patrons and librarians; staff may sit higher.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # A librarian sees their branch; with this, every branch of its library system.
    sees_whole_system: Mapped[bool] = mapped_column(default=False)

    learner: Mapped[Learner] = relationship(back_populates="user", lazy="joined", uselist=False)
    organisation: Mapped[Organisation | None] = relationship()

    # Set by the user loader to the token of the session that loaded this user, and what
    # that session was when the request came (identity.SignInSession).
    session_token = None
    sign_in_session = None

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_account

    def get_id(self) -> str:
        if not self.session_token:
            raise RuntimeError("A user is signed in only through a UserSession token.")
        return self.session_token

    def has_role(self, *roles: Role) -> bool:
        return self.role in {r.value for r in roles}


class Learner(db.Model):
    """Who progress belongs to: a guest (no user) or a signed-in user."""

    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    # A guest's: the hash of the random key in their visit's cookie (identity.py), so the
    # first writes of one visit, sent at once, find one learner.
    guest_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    last_active_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    user: Mapped[User | None] = relationship(back_populates="learner")


class UserSession(db.Model):
    """One sign-in; signing out ends it, so a copied cookie stops working."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The server decides when a session expires (accounts/session_rules.py): idle since
    # last_seen_at (noted at most once a minute), or too old since created_at.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    # When the password was last typed in this session (sign-in or confirming it again).
    authenticated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    # Where from, for the person's list of their sessions.
    address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    # Signed in on a browser marked as a public computer: the idle sign-out holds even if the
    # mark's cookie is deleted.
    public_computer: Mapped[bool] = mapped_column(default=False, server_default="0")

    user: Mapped[User] = relationship()


class ThrottleHit(db.Model):
    """One counted attempt (a wrong password, a sign-up) under a key such as an account or an
    address; kept in the database so every worker counts the same hits (see throttle.py)."""

    __tablename__ = "throttle_hits"
    __table_args__ = (Index("ix_throttle_hits_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
