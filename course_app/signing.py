"""The session cookie and CSRF tokens, signed exactly as Flask and Flask-WTF sign them.

Kept, though it repeats what Flask and Flask-WTF do, because the capacity benchmark serves
about 15 % fewer requests without it (bench/README.md, "Framework copies"): the one copy of
framework internals that earns its place.

Both libraries build a new itsdangerous serializer for every use; building one costs as much as
signing with it (Flask's even serializes an empty dict to test its serializer), and a page uses
several. Here each is built once per secret key and reused: serializers keep no state between
calls, so they are safe to share between threads. Cookies and tokens are byte for byte what the
libraries make, so Flask-WTF's own checks accept them unchanged.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from flask import Flask, current_app, g, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

CSRF_FIELD = "csrf_token"  # Flask-WTF's default field, session key and g attribute
# Set in a session that a learning platform shows in a frame on its own site (an LTI launch):
# over HTTPS its cookie is then SameSite=None and Partitioned, or the browser would not send
# it back inside the frame.
FRAMED_SESSION_KEY = "framed_by"
CSRF_SALT = "wtf-csrf-token"  # Flask-WTF's salt


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with its serializer built once per set of keys."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        # As Flask orders them: fallbacks first, the current key last (it signs).
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def get_cookie_samesite(self, app: Flask) -> str | None:
        if _framed_over_https():
            return "None"
        return super().get_cookie_samesite(app)

    def get_cookie_secure(self, app: Flask) -> bool:
        return _framed_over_https() or super().get_cookie_secure(app)

    def get_cookie_partitioned(self, app: Flask) -> bool:
        # Browsers that block third-party cookies still keep a partitioned one (CHIPS): it
        # lives only under the platform's site, which is where the frame is.
        return _framed_over_https() or super().get_cookie_partitioned(app)


def _framed_over_https() -> bool:
    # `in`, not get(): reading the session would mark it accessed, adding Vary: Cookie to
    # every response, static files included.
    return has_request_context() and request.is_secure and FRAMED_SESSION_KEY in session


@lru_cache(maxsize=8)
def _csrf_serializer(secret_key: str | bytes) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=CSRF_SALT)


def csrf_token() -> str:
    """This session's CSRF token, signed as Flask-WTF signs it; made once per request.

    The raw value lives in the session and the signed one in g, where Flask-WTF looks for
    both, so its forms and its checks see the same token.
    """
    token = g.get(CSRF_FIELD)
    if token is None:
        raw = session.get(CSRF_FIELD)
        if not isinstance(raw, str):
            raw = session[CSRF_FIELD] = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324
        secret_key = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
        token = _csrf_serializer(secret_key).dumps(raw)
        setattr(g, CSRF_FIELD, token)
    return token


def init_signing(app: Flask) -> None:
    if app.config.get("WTF_CSRF_FIELD_NAME", CSRF_FIELD) != CSRF_FIELD:
        raise RuntimeError("csrf_token() assumes Flask-WTF's default field name.")
    app.session_interface = SessionInterface()
    # Templates call csrf_token() (Flask-WTF registers its own under the same name).
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
