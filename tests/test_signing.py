"""Session cookies and CSRF tokens are exactly what Flask and Flask-WTF make and accept."""

from __future__ import annotations

import pytest
from flask import Flask, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import validate_csrf
from itsdangerous import BadSignature
from wtforms import ValidationError

from course_app.signing import SessionInterface, csrf_token


def make_app(secret_key: str = "k" * 40, fallbacks: list[str] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secret_key, SECRET_KEY_FALLBACKS=fallbacks)
    return app


def test_our_session_cookie_is_flasks_own():
    app = make_app()
    ours, flasks = SessionInterface(), SecureCookieSessionInterface()
    cookie = ours.get_signing_serializer(app).dumps({"csrf_token": "abc", "n": 1})
    assert flasks.get_signing_serializer(app).loads(cookie) == {"csrf_token": "abc", "n": 1}
    cookie = flasks.get_signing_serializer(app).dumps({"language": "es"})
    assert ours.get_signing_serializer(app).loads(cookie) == {"language": "es"}


def test_the_session_serializer_follows_a_change_of_key():
    old = make_app("old-" + "k" * 40)
    cookie = SessionInterface().get_signing_serializer(old).dumps({"n": 1})
    interface = SessionInterface()
    rotated = make_app("new-" + "k" * 40, fallbacks=["old-" + "k" * 40])
    assert interface.get_signing_serializer(rotated).loads(cookie) == {"n": 1}
    replaced = make_app("new-" + "k" * 40)
    with pytest.raises(BadSignature):
        interface.get_signing_serializer(replaced).loads(cookie)


def test_csrf_token_is_one_per_request_and_accepted_by_flask_wtf():
    app = make_app()
    with app.test_request_context("/"):
        token = csrf_token()
        assert csrf_token() == token
        raw = session["csrf_token"]
        validate_csrf(token)  # raises if Flask-WTF does not accept it
    with app.test_request_context("/"):
        session["csrf_token"] = raw  # the same visitor, next request
        validate_csrf(csrf_token())
    with app.test_request_context("/"):
        session["csrf_token"] = "someone else's"
        with pytest.raises(ValidationError):
            validate_csrf(token)
