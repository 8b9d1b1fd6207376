"""Accounts: creating users, checking passwords, starting and ending sign-in sessions."""

from __future__ import annotations

import secrets
import unicodedata

from flask import current_app
from sqlalchemy import func, select, update

from course_app.accounts.identity import token_digest
from course_app.accounts.models import STAFF_ROLES_AND_LIBRARIANS, Learner, Role, User, UserSession
from course_app.accounts.passwords import dummy_hash, hash_password, verify_password
from course_app.accounts.session_rules import has_expired, limits_for
from course_app.audit.services import record_event
from course_app.db import utc_now
from course_app.events import Change, ProgressChange, announce
from course_app.extensions import db

USERNAME_MAX = 40


class AccountError(Exception):
    """A request about an account that cannot be done; the message is for the person."""


def username_key(username: str) -> str:
    """The form of a username used for uniqueness: case and width do not matter."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username_key == username_key(username)))


def create_user(
    username: str,
    password: str,
    *,
    display_name: str | None = None,
    email: str | None = None,
    role: Role = Role.LEARNER,
    language: str | None = None,
    learner: Learner | None = None,
    password_hash: str | None = None,
) -> User:
    """A new user with a learner; a guest's learner is adopted so its progress is kept.

    password_hash, when given, is stored instead of hashing password (desk temporary passwords).
    """
    username = unicodedata.normalize("NFKC", username).strip()
    if not 1 <= len(username_key(username)) <= USERNAME_MAX or len(username) > USERNAME_MAX:
        raise AccountError("username-length")
    if find_user(username) is not None:
        raise AccountError("username-taken")
    user = User(
        username=username,
        username_key=username_key(username),
        display_name=(display_name or username).strip(),
        email=(email or None),
        password_hash=password_hash or hash_password(password),
        role=role.value,
        language=language,
    )
    db.session.add(user)
    db.session.flush()
    if learner is None or learner.user_id is not None:
        learner = Learner()
        db.session.add(learner)
    learner.user_id = user.id
    db.session.flush()
    db.session.refresh(user)
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None; takes the same time either way."""
    user = find_user(username)
    if user is None:
        verify_password(dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active_account:
        return None
    return user


def temporary_password_expired(user: User) -> bool:
    """True when the user still has the desk's temporary passphrase and it has expired."""
    expires = user.temporary_password_expires_at
    return user.must_change_password and expires is not None and expires <= utc_now()


def change_password(user: User, new_password: str) -> None:
    """Sets a new password and ends every other sign-in of this user."""
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    user.temporary_password_expires_at = None
    end_other_sessions(user)


def end_other_sessions(user: User) -> int:
    """Ends every sign-in of the user except this request's; returns how many ended."""
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .where(UserSession.token_hash != token_digest(user.session_token or ""))
        .values(ended_at=utc_now())
    )
    return result.rowcount or 0


def open_sessions(user: User) -> list[UserSession]:
    """The user's sessions that still sign someone in, newest activity first."""
    rows = db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ).all()
    limits = limits_for(user.has_role(*STAFF_ROLES_AND_LIBRARIANS), current_app.config)
    now = utc_now()
    return [s for s in rows if not has_expired(s.created_at, s.last_seen_at, now, limits)]


def mark_session_public(user: User, public: bool) -> None:
    """This request's session is (or is no longer) on a public computer."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.token_hash == token_digest(user.session_token or ""))
        .values(public_computer=public)
    )


def confirm_password(user: User, password: str) -> bool:
    """True when password is the user's; this session then counts as freshly signed in."""
    if not verify_password(user.password_hash, password):
        return False
    db.session.execute(
        update(UserSession)
        .where(UserSession.token_hash == token_digest(user.session_token or ""))
        .values(authenticated_at=utc_now())
    )
    return True


def start_session(
    user: User,
    address: str | None = None,
    user_agent: str | None = None,
    public_computer: bool = False,
) -> str:
    """A new server-side session for the user; returns the token the cookie will carry."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            token_hash=token_digest(token),
            user_id=user.id,
            address=(address or None) and address[:45],
            user_agent=(user_agent or None) and user_agent[:200],
            public_computer=public_computer,
        )
    )
    user.last_sign_in_at = utc_now()
    user.session_token = token
    db.session.flush()
    return token


def end_session(token: str) -> None:
    """Ends the session so the cookie that carried it no longer signs anyone in."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.token_hash == token_digest(token), UserSession.ended_at.is_(None))
        .values(ended_at=utc_now())
    )


LAST_ADMIN = "this is the last administrator; make another one first"


def is_last_admin(user: User) -> bool:
    """The user is the only active administrator: they keep the role and stay active."""
    if user.role != Role.ADMIN.value or not user.is_active_account:
        return False
    admins = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN.value, User.is_active_account.is_(True))
    )
    return admins <= 1


def change_role(actor: User | None, user: User, role: Role) -> bool:
    """Gives the user another role, audited; False when it is already theirs.

    The last active administrator keeps the role, so the site is never left without one.
    """

    if user.role == role.value:
        return False
    if is_last_admin(user):
        raise AccountError(LAST_ADMIN)
    previous = user.role
    user.role = role.value
    if role != Role.LIBRARIAN:
        user.sees_whole_system = False  # only librarians can be given a whole system
    db.session.flush()
    record_event(
        actor,
        "user.role_changed",
        user,
        user.organisation,
        username=user.username,
        previous_role=previous,
        role=role.value,
    )
    return True


def set_account_active(actor: User | None, user: User, active: bool) -> bool:
    """Deactivates the account (it cannot sign in, its sessions end) or reactivates it;
    audited; False when nothing changes. Progress and certificates are kept either way."""
    if user.is_active_account == active:
        return False
    if not active and is_last_admin(user):
        raise AccountError(LAST_ADMIN)
    user.is_active_account = active
    if not active:
        db.session.execute(
            update(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
            .values(ended_at=utc_now())
        )
    db.session.flush()
    action = "user.reactivated" if active else "user.deactivated"
    record_event(actor, action, user, user.organisation, username=user.username)
    return True


def merge_guest(guest: Learner, account: Learner) -> None:
    """Moves a guest's progress into an account's learner and deletes the guest. Each package
    moves its own rows when it hears of the merge (events.py); what both have is kept once."""
    if guest.id == account.id:
        return
    db.session.flush()
    announce(ProgressChange(Change.GUEST_MERGED, account.id, merged_from=guest.id))
    db.session.delete(guest)
    db.session.flush()
