"""On a public computer: end an idle visit, and keep every page out of the browser's cache.

The server decides: each request on a marked browser notes the time, and a request after
PUBLIC_COMPUTER_IDLE_SECONDS without one ends the visit (sign-in and guest learner alike).
The page script only warns and offers to extend; without it, this still holds.

The mark and the clock live with the visit, not only in the mark's cookie, which the next
person could delete: a sign-in on a marked browser is a public-computer session on the server
(UserSession.public_computer, idle since its last_seen_at), and a guest's visit carries the
mark in its own signed session, which cannot be dropped without dropping the visit.
"""

from __future__ import annotations

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask_login import current_user, logout_user

from course_app.accounts.identity import note_session_seen
from course_app.accounts.services import end_session
from course_app.db import utc_now
from course_app.extensions import db
from course_app.public_computer.marker import PublicComputer, read_marker
from course_app.site_header import idle_time_words

SEEN_KEY = "public_seen_at"
PUBLIC_KEY = "public_computer"
# A visit known to be on a public computer from the server side alone (its mark is gone).
_KNOWN_FROM_THE_VISIT = PublicComputer(None, 0)
# Requests that neither count as activity nor end a visit.
_PASSIVE_ENDPOINTS = {"static", "health.healthz"}


def end_visit() -> None:
    """Signs out whoever is signed in and forgets the guest learner: the browser carries no one."""
    was_public = bool(session.get(PUBLIC_KEY)) or g.get("public_computer") is not None
    if current_user.is_authenticated:
        end_session(current_user.session_token)
        logout_user()
    session.clear()
    if was_public:
        session[PUBLIC_KEY] = True  # the next visit on this browser is public too
    g.pop("current_learner", None)


def _server_session():
    """The signed-in person's session as it was when this request came, or None."""
    if current_user.is_anonymous:
        return None
    return getattr(current_user, "sign_in_session", None)


def _public_mark():
    marker = read_marker(current_app, request)
    if marker is not None:
        return marker
    server = _server_session()
    if (server is not None and server.public_computer) or session.get(PUBLIC_KEY):
        return _KNOWN_FROM_THE_VISIT
    return None


def _idle_for(now: float) -> float | None:
    server = _server_session()
    if server is not None and server.public_computer:
        return now - server.last_seen_at.timestamp()
    seen = session.get(SEEN_KEY)
    return now - seen if isinstance(seen, int | float) else None


def init_public_computer(app: Flask) -> None:
    @app.before_request
    def watch_public_computer():
        g.public_computer = _public_mark()
        if g.public_computer is None or request.endpoint in _PASSIVE_ENDPOINTS:
            return None
        now = utc_now().timestamp()
        idle = _idle_for(now)
        if idle is not None and idle >= current_app.config["PUBLIC_COMPUTER_IDLE_SECONDS"]:
            end_visit()
            db.session.commit()
            if request.endpoint != "public_computer.signed_out":
                return redirect(url_for("public_computer.signed_out"))
        return None

    @app.after_request
    def note_activity_and_forbid_storing(response):
        if g.get("public_computer") is None or request.endpoint in _PASSIVE_ENDPOINTS:
            return response
        # Noted after the view, so a sign-in (which starts a fresh session) is noted too.
        now = utc_now()
        session[SEEN_KEY] = now.timestamp()
        session[PUBLIC_KEY] = True
        if not current_user.is_anonymous and current_user.session_token:
            note_session_seen(current_user.session_token, now)  # also a sign-in just made
        # The next patron must not find the last one's pages with the Back button.
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def public_computer_context():
        return {"public_computer": g.get("public_computer"), "idle_time_words": idle_time_words}
