"""Error pages: plain words, a way back, the right status code."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from course_app.domain_errors import DomainError
from course_app.extensions import db, login_manager

RETRY_AFTER_SECONDS = 30


def _without_the_database() -> None:
    """Before an error page after a failure that may be the database's: the session is rolled
    back, and the page is drawn for a visitor not signed in (the cookie is untouched), since
    showing the signed-in header would read the user's row again and fail inside the handler.
    """
    try:
        db.session.rollback()
    except SQLAlchemyError:
        current_app.logger.warning("rollback failed while the database is unreachable")
    g._login_user = login_manager.anonymous_user()  # Flask-Login's per-request user


def _page_before() -> str | None:
    """The page the person came from, when it is on this site and can be opened again (a
    GET). Browsers send it within the site only (Referrer-Policy: same-origin), or not at all.
    """
    parts = urlsplit(request.referrer or "")
    root = request.script_root
    if parts.scheme not in ("http", "https") or parts.netloc != request.host:
        return None
    if not parts.path.startswith(root + "/"):
        return None
    try:
        current_app.create_url_adapter(request).match(parts.path[len(root) :], method="GET")
    except HTTPException:  # not found, a form's POST-only address, or a redirect
        return None
    return request.referrer


def init_errors(app: Flask) -> None:
    def render(status: int):
        return render_template(f"errors/{status}.html"), status

    @app.errorhandler(400)
    def bad_request(error):
        return render(400)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render(400)

    @app.errorhandler(403)
    def forbidden(error):
        return render(403)

    @app.errorhandler(404)
    def not_found(error):
        return render(404)

    @app.errorhandler(405)
    def method_not_allowed(error):
        return render(405)

    @app.errorhandler(DomainError)
    def refused(error: DomainError):
        """A service's refusal that no view turned into words on its own page: nothing of the
        request is saved, and the page says why in plain words (409, not a 500)."""
        db.session.rollback()
        current_app.logger.info("refused: %s %s", type(error).__name__, error.reason)
        page = render_template(
            "errors/409.html",
            message=error.message(),
            details=error.details(),
            back=_page_before(),
        )
        return page, 409

    @app.errorhandler(DataError)
    def value_the_database_refused(error: DataError):
        """A value from the address or a form the database cannot hold (a number past its
        integers, text it cannot store) that no form caught: a 400, nothing saved."""
        db.session.rollback()
        current_app.logger.warning("refused: %s", type(error.orig).__name__)
        return render(400)

    @app.errorhandler(IntegrityError)
    def done_at_the_same_time(error: IntegrityError):
        """Two requests made the same row at once (a double click) and the database kept
        the first: nothing of this one is saved, and the page says so (409, not a 500)."""
        db.session.rollback()
        current_app.logger.info("refused: a concurrent write won (%s)", type(error.orig).__name__)
        page = render_template(
            "errors/409.html",
            message=_(
                "That was already done, perhaps by a second click, so nothing more was "
                "saved. Go back and check."
            ),
            details=[],
            back=_page_before(),
        )
        return page, 409

    @app.errorhandler(413)
    def too_large(error):
        return render(413)

    @app.errorhandler(429)
    def too_many(error):
        return render(429)

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeoutError)
    @app.errorhandler(RedisConnectionError)
    @app.errorhandler(RedisTimeoutError)
    def database_unavailable(error):
        """The database (or Redis, for a page that must queue a job) refused, timed out or is
        gone: try again soon (pool_pre_ping brings the app back by itself when the database
        returns)."""
        current_app.logger.error("a store is unavailable: %s", type(error).__name__)
        _without_the_database()
        page, status = render(503)
        return page, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    @app.errorhandler(500)
    def server_error(error):
        _without_the_database()
        return render(500)
