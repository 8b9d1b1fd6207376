"""Who is making the request: a signed-in user (by server-side session) or a guest learner."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app, g, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, select, update

from course_app.accounts.models import STAFF_ROLES_AND_LIBRARIANS, Learner, User, UserSession
from course_app.accounts.session_rules import has_expired, limits_for
from course_app.db import UTCDateTime, conflict_sql, utc_now
from course_app.extensions import db, login_manager

GUEST_KEY = "guest_learner_id"
# A random key kept in a guest's visit from its first cookie on; its hash names the visit's
# learner, so two first writes sent at once (a double click) find the same one.
GUEST_VISIT_KEY = "guest_visit_key"

# ON CONFLICT DO NOTHING waits for a concurrent insert of the same key to commit (PostgreSQL;
# SQLite's BEGIN IMMEDIATE queues the writers), then the SELECT after it finds that row.
_INSERT_GUEST = conflict_sql(
    "INSERT INTO learners (guest_key, created_at, last_active_at) VALUES (:key, :now, :now) "
    "ON CONFLICT (guest_key) DO NOTHING",
    now=UTCDateTime(),
)
_INSERT_USERS_LEARNER = conflict_sql(
    "INSERT INTO learners (user_id, created_at, last_active_at) VALUES (:user_id, :now, :now) "
    "ON CONFLICT (user_id) DO NOTHING",
    now=UTCDateTime(),
)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Built once: it runs on every request of a signed-in person.
_USER_BY_SESSION = (
    select(
        User,
        UserSession.id,
        UserSession.created_at,
        UserSession.last_seen_at,
        UserSession.authenticated_at,
        UserSession.public_computer,
    )
    .join(UserSession, UserSession.user_id == User.id)
    .where(UserSession.token_hash == bindparam("token_hash"), UserSession.ended_at.is_(None))
)
# A session's last activity is written at most this often: the idle limits are 30 minutes
# and more, and a write a minute per person would cost more than the precision is worth.
_TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class SignInSession:
    """The server-side session that signed this request in, as it was when the request came."""

    id: int
    created_at: datetime
    last_seen_at: datetime
    authenticated_at: datetime
    public_computer: bool


def load_user_by_token(token: str) -> User | None:
    row = db.session.execute(_USER_BY_SESSION, {"token_hash": token_digest(token)}).first()
    if row is None or not row[0].is_active_account:
        return None
    user, seen = row[0], SignInSession(*row[1:])
    now = utc_now()
    limits = limits_for(user.has_role(*STAFF_ROLES_AND_LIBRARIANS), current_app.config)
    if has_expired(seen.created_at, seen.last_seen_at, now, limits):
        _write_session(seen.id, ended_at=now)
        return None
    # A public computer's session is noted on every request by public_computer/idle.py.
    if not seen.public_computer and now - seen.last_seen_at >= _TOUCH_EVERY:
        _write_session(seen.id, last_seen_at=now)
    user.session_token = token
    user.sign_in_session = seen
    return user


def note_session_seen(token: str, at: datetime) -> None:
    """Notes the last activity of the session the token opens (the server's idle clock)."""
    with db.engine.begin() as connection:
        connection.execute(
            update(UserSession)
            .where(UserSession.token_hash == token_digest(token))
            .values(last_seen_at=at)
        )


def _write_session(session_id: int, **values) -> None:
    """Notes activity or an expiry in a transaction of its own: most requests write nothing
    else, and a page that only reads must not have to commit."""
    with db.engine.begin() as connection:
        connection.execute(update(UserSession).where(UserSession.id == session_id).values(**values))


def init_identity(app: Flask) -> None:
    login_manager.user_loader(load_user_by_token)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = _l("Please sign in to see that page.")
    login_manager.session_protection = None  # sessions are server-side rows; see UserSession

    @app.after_request
    def no_store_for_people(response):
        # Pages for a signed-in person must not be kept by a shared computer's browser cache.
        # is_anonymous, not is_authenticated: after the view's commit the latter would read
        # the user's row again, and the loader never returns an inactive account anyway.
        if not current_user.is_anonymous:
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.after_request
    def guest_visit_key(response):
        # Given with the visit's first cookie (a form page's), never as an extra cookie to a
        # visitor who has none; `in` and len() do not mark the session as read.
        if (
            (session.modified or session.accessed)
            and len(session)
            and GUEST_VISIT_KEY not in session
            and current_user.is_anonymous
        ):
            session[GUEST_VISIT_KEY] = secrets.token_urlsafe(16)
        return response


def current_learner(create: bool = False) -> Learner | None:
    """The learner for this request; with create, a guest gets a learner row kept in the visit."""
    if "current_learner" in g and (g.current_learner is not None or not create):
        return g.current_learner
    learner: Learner | None
    if current_user.is_authenticated:
        learner = current_user.learner
        if learner is None and create:
            db.session.execute(
                _INSERT_USERS_LEARNER, {"user_id": current_user.id, "now": utc_now()}
            )
            learner = db.session.scalar(select(Learner).where(Learner.user_id == current_user.id))
    else:
        learner = None
        guest_id = session.get(GUEST_KEY)
        if isinstance(guest_id, int):
            learner = db.session.get(Learner, guest_id)
            if learner is not None and learner.user_id is not None:
                learner = None  # belongs to an account now; never reuse it as a guest
        if learner is None and create:
            learner = _visit_learner()
            session[GUEST_KEY] = learner.id
    g.current_learner = learner
    return learner


def _visit_learner() -> Learner:
    """The guest learner of this visit, made by its first write; the same one for every
    write of the visit, also when two arrive at once."""
    for _ in range(2):
        visit_key = session.get(GUEST_VISIT_KEY)
        if not isinstance(visit_key, str):
            visit_key = session[GUEST_VISIT_KEY] = secrets.token_urlsafe(16)
        key = token_digest(visit_key)
        db.session.execute(_INSERT_GUEST, {"key": key, "now": utc_now()})
        learner = db.session.scalar(select(Learner).where(Learner.guest_key == key))
        if learner.user_id is None:
            return learner
        # That learner became an account's (sign-up keeps the visit): a new visit key.
        del session[GUEST_VISIT_KEY]
    raise RuntimeError("no guest learner could be made for this visit")


def guest_learner_in_session() -> Learner | None:
    guest_id = session.get(GUEST_KEY)
    if not isinstance(guest_id, int):
        return None
    learner = db.session.get(Learner, guest_id)
    if learner is None or learner.user_id is not None:
        return None
    return learner
