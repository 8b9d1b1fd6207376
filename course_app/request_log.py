"""One JSON line per request on stderr (the journal under systemd): request id, route, status,
duration and user id; never the query string, and codes or tokens in the path replaced.

The request id comes from the proxy (nginx's $request_id in X-Request-ID) when it looks like
one, else it is made here; it goes back in the X-Request-ID header and on error pages, so a
patron can read it to the help desk and the line is found at once.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, g, request

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Path parts that are secrets or personal: resume codes, certificate codes, tokens, keys.
_SECRET_ARG = re.compile(r"code|token|key", re.IGNORECASE)
REDACTED = "[redacted]"

logger = logging.getLogger("course_app.requests")


def loggable_path() -> str:
    """The path with every secret-named part of the address replaced; no query string."""
    rule = request.url_rule
    if rule is None:
        return "(no route)"
    path = rule.rule
    for name, value in (request.view_args or {}).items():
        shown = REDACTED if _SECRET_ARG.search(name) else str(value)
        path = re.sub(rf"<(?:[^:<>]+:)?{re.escape(name)}>", lambda _m, s=shown: s, path)
    return path


def _user_id() -> int | None:
    """The signed-in user's id if this request loaded one, read without the database."""
    user = g.get("_login_user")  # Flask-Login's per-request user, when it was loaded
    if user is None or user.is_anonymous:
        return None
    identity = sa.inspect(user).identity
    return identity[0] if identity else None


def request_record(status: int, duration: float) -> dict:
    return {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "request_id": g.get("request_id"),
        "method": request.method,
        "route": request.url_rule.rule if request.url_rule else None,
        "path": loggable_path(),
        "status": status,
        "duration_ms": round(duration * 1000, 1),
        "user_id": _user_id(),
        "client": request.remote_addr,
    }


def init_request_log(app: Flask) -> None:
    """Registered first, so every other hook and every error page has the request id."""
    if app.config.get("REQUEST_LOG") and not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False

    @app.before_request
    def start_request():
        g.request_started = time.perf_counter()
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex

    @app.after_request
    def log_request(response):
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
        duration = time.perf_counter() - g.get("request_started", time.perf_counter())
        if app.config.get("REQUEST_LOG"):
            logger.info(json.dumps(request_record(response.status_code, duration)))
        return response
