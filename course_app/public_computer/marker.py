"""The mark on a browser: a long-lived signed cookie, not the session, so sign-outs keep it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, Request, Response
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE_NAME = "public_computer"
# Browsers keep a cookie at most 400 days; marking the computer again renews it.
COOKIE_LIFETIME = timedelta(days=400)
_SALT = "public-computer-mark"


@dataclass(frozen=True)
class PublicComputer:
    """Who marked this browser, and for which library (None: staff with no library)."""

    organisation_id: int | None
    marked_by: int


def _serializer(app: Flask) -> URLSafeSerializer:
    return URLSafeSerializer(app.config["SECRET_KEY"], salt=_SALT)


def read_marker(app: Flask, request: Request) -> PublicComputer | None:
    """The mark this browser carries, or None when it has none or it was tampered with."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        data = _serializer(app).loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("by"), int):
        return None
    organisation_id = data.get("org")
    return PublicComputer(organisation_id if isinstance(organisation_id, int) else None, data["by"])


def set_marker(app: Flask, response: Response, marker: PublicComputer | None) -> None:
    """Marks the browser (or, with None, takes the mark off) through response's cookies."""
    if marker is None:
        response.delete_cookie(COOKIE_NAME, path="/")
        return
    value = _serializer(app).dumps({"org": marker.organisation_id, "by": marker.marked_by})
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=int(COOKIE_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="Lax",
        secure=bool(app.config.get("SESSION_COOKIE_SECURE")),
    )
