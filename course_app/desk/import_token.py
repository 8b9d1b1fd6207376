"""The checked rows of an import, carried from the preview to "Create" in a signed form field.

Nothing is stored on the server between the two pages. The token is signed with SECRET_KEY
(tamper-proof), bound to the librarian and the branch it was checked for, expires after an
hour, and holds no card numbers: only their keyed hashes and last four characters.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from course_app.desk.services import ImportRow

TOKEN_MAX_AGE = 3600
TOKEN_MAX_LENGTH = 200_000  # 500 rows compress to far less; anything longer was not ours
_SALT = "desk-patron-import:v1"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def make_import_token(
    actor_id: int, organisation_id: int, rows: list[ImportRow], class_id: int | None = None
) -> str:
    """A signed token of the rows, with a random batch name so it is imported only once.

    class_id binds an import into a class to that class, so a desk preview cannot be saved
    into a class (or one class's preview into another).
    """
    payload = {
        "a": actor_id,
        "o": organisation_id,
        "c": class_id,
        "b": secrets.token_urlsafe(12),
        "r": [asdict(row) for row in rows],
    }
    return _serializer().dumps(payload)


def read_import_token(
    token: str, actor_id: int, organisation_id: int, class_id: int | None = None
) -> tuple[str, list[ImportRow]] | None:
    """The batch name and rows, or None when the token is forged, expired, too long or
    someone else's."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    try:
        payload = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
        if payload["a"] != actor_id or payload["o"] != organisation_id:
            return None
        if payload.get("c") != class_id:
            return None
        return str(payload["b"]), [ImportRow(**row) for row in payload["r"]]
    except (BadData, KeyError, TypeError, ValueError):
        return None
