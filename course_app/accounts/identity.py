"""Who is making the request: a signed-in user (by server-side session) or a guest learner."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app, g, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, select, update

from course_app.accounts.models import STAFF_ROLES_AND_LIBRARIANS, Learner, User, UserSession
from course_app.accounts.session_rules import has_expired, limits_for
from course_app.db import utc_now
from course_app.extensions import db, login_manager

GUEST_KEY = "guest_learner_id"


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
# A session's last activity is written at most this often.
_TOUCH_EVERY = timedelta(seconds=60)


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


def current_learner(create: bool = False) -> Learner | None:
    """The learner for this request; with create, a guest gets a learner row kept in the visit."""
    if "current_learner" in g and (g.current_learner is not None or not create):
        return g.current_learner
    learner: Learner | None
    if current_user.is_authenticated:
        learner = current_user.learner
        if learner is None and create:
            learner = Learner(user_id=current_user.id)
            db.session.add(learner)
            db.session.flush()
    else:
        learner = None
        guest_id = session.get(GUEST_KEY)
        if isinstance(guest_id, int):
            learner = db.session.get(Learner, guest_id)
            if learner is not None and learner.user_id is not None:
                learner = None  # belongs to an account now; never reuse it as a guest
        if learner is None and create:
            learner = Learner()
            db.session.add(learner)
            db.session.flush()
            session[GUEST_KEY] = learner.id
    g.current_learner = learner
    return learner


def guest_learner_in_session() -> Learner | None:
    guest_id = session.get(GUEST_KEY)
    if not isinstance(guest_id, int):
        return None
    learner = db.session.get(Learner, guest_id)
    if learner is None or learner.user_id is not None:
        return None
    return learner
