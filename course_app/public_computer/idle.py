"""On a public computer: end an idle visit, and keep every page out of the browser's cache.

The server decides: each request on a marked browser notes the time in the session, and a
request after PUBLIC_COMPUTER_IDLE_SECONDS without one ends the visit (sign-in and guest
learner alike). The page script only warns and offers to extend; without it, this still holds.
"""

from __future__ import annotations

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask_login import current_user, logout_user

from course_app.accounts.services import end_session
from course_app.db import utc_now
from course_app.extensions import db
from course_app.public_computer.marker import read_marker
from course_app.site_header import idle_time_words

SEEN_KEY = "public_seen_at"
# Requests that neither count as activity nor end a visit.
_PASSIVE_ENDPOINTS = {"static", "health.healthz"}


def end_visit() -> None:
    """Signs out whoever is signed in and forgets the guest learner: the browser carries no one."""
    if current_user.is_authenticated:
        end_session(current_user.session_token)
        logout_user()
    session.clear()
    g.pop("current_learner", None)


def _idle_for(now: float) -> float | None:
    seen = session.get(SEEN_KEY)
    return now - seen if isinstance(seen, int | float) else None


def init_public_computer(app: Flask) -> None:
    @app.before_request
    def watch_public_computer():
        g.public_computer = read_marker(current_app, request)
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
        session[SEEN_KEY] = utc_now().timestamp()
        # The next patron must not find the last one's pages with the Back button.
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def public_computer_context():
        return {"public_computer": g.get("public_computer"), "idle_time_words": idle_time_words}
