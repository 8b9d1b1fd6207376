"""Accounts through HTTP: sign-up, sign-in, sign-out, the account page, language, security."""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from course_app import create_app
from course_app.accounts.models import User
from course_app.config import INSECURE_DEV_KEY, ConfigError, TestConfig, check_production
from course_app.extensions import db, limiter
from course_app.learning.models import LessonProgress
from tests.conftest import PASSWORD, ROOT, csrf_token_from, sign_in
from tests.factories import make_course

NEW_PASSWORD = "a quiet blue river"  # noqa: S105
WRONG_LOGIN = "That username and password do not match. Try again."
GOOD_KEY = "k" * 64


def _path(response) -> str:
    return urlsplit(response.headers["Location"]).path


def _users(app) -> list[User]:
    with app.app_context():
        return db.session.scalars(select(User)).all()


def _session(app, client) -> dict:
    """What the signed session cookie holds (it is signed, not encrypted)."""
    cookie = client.get_cookie("session")
    if cookie is None:
        return {}
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def _is_signed_in(client) -> bool:
    response = client.get("/account/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


@pytest.fixture
def course(app):
    with app.app_context():
        make_course("test-course", modules=1)
        db.session.commit()
    return "test-course"


# Sign-up


def test_sign_up_with_only_username_and_password_creates_account_and_signs_in(client, app):
    response = client.post(
        "/account/sign-up", data={"username": "newbie", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert _path(response) == "/my-learning"
    [user] = _users(app)
    assert (user.username, user.email, user.role) == ("newbie", None, "learner")
    page = client.get("/account/").get_data(as_text=True)
    assert "newbie" in page


def test_sign_up_keeps_a_valid_email(client, app):
    data = {"username": "newbie", "password": NEW_PASSWORD, "email": "newbie@example.org"}
    assert client.post("/account/sign-up", data=data).status_code == 302
    assert _users(app)[0].email == "newbie@example.org"


@pytest.mark.parametrize("email", ["not-an-email", "newbie@", "new bie@example.org", "a@b"])
def test_sign_up_refuses_an_invalid_email(client, app, email):
    data = {"username": "newbie", "password": NEW_PASSWORD, "email": email}
    response = client.post("/account/sign-up", data=data)
    assert response.status_code in (200, 400)
    assert "That does not look like an email address." in response.get_data(as_text=True)
    assert _users(app) == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "u" * 41, "Use 3 to 40 characters."),
        ("password", "p" * 129, "Use at most 128 characters."),
        ("display_name", "n" * 121, "longer than 120 characters"),
        ("email", "e" * 243 + "@example.org", "longer than 254 characters"),
    ],
)
def test_over_long_sign_up_field_gives_a_clear_message_and_creates_nothing(
    client, app, field, value, message
):
    data = {"username": "newbie", "password": NEW_PASSWORD, field: value}
    response = client.post("/account/sign-up", data=data)
    assert response.status_code in (200, 400)
    page = response.get_data(as_text=True)
    assert message in page
    assert "Please fix these problems" in page
    assert _users(app) == []
    assert not _is_signed_in(client)


def test_too_short_username_is_refused(client, app):
    response = client.post("/account/sign-up", data={"username": "ab", "password": NEW_PASSWORD})
    assert "Use 3 to 40 characters." in response.get_data(as_text=True)
    assert _users(app) == []


@pytest.mark.parametrize("username", ["pat", "PAT", "Pat", "ＰＡＴ"])
def test_sign_up_refuses_a_taken_username_whatever_its_case(client, app, make_user, username):
    make_user("pat")
    response = client.post(
        "/account/sign-up", data={"username": username, "password": NEW_PASSWORD}
    )
    assert "That username is taken. Try another." in response.get_data(as_text=True)
    assert len(_users(app)) == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("iloveyou", "That password is too common"),
        ("newbie-reader", "Your password cannot be your username."),
        ("short", "Use at least 8 characters."),
    ],
)
def test_sign_up_applies_the_password_policy(client, app, password, message):
    data = {"username": "newbie-reader", "password": password}
    response = client.post("/account/sign-up", data=data)
    assert message in response.get_data(as_text=True)
    assert _users(app) == []


def test_username_longer_than_40_characters_after_normalisation_is_not_stored(client, app):
    # U+FDFA is one character that NFKC turns into 18; the form sees 3 characters.
    response = client.post(
        "/account/sign-up", data={"username": "\ufdfa" * 3, "password": NEW_PASSWORD}
    )
    assert response.status_code in (200, 302, 400)
    assert all(len(u.username) <= 40 and len(u.username_key) <= 40 for u in _users(app))


# Sign-in


def test_sign_in_with_the_right_password_signs_in(client, make_user):
    make_user("pat")
    response = sign_in(client, "PAT")
    assert response.status_code == 302
    assert _path(response) == "/my-learning"
    assert _is_signed_in(client)


@pytest.mark.parametrize(("username", "password"), [("pat", NEW_PASSWORD), ("nobody", PASSWORD)])
def test_sign_in_with_wrong_details_shows_one_message_and_starts_no_session(
    client, app, make_user, username, password
):
    make_user("pat")
    response = sign_in(client, username, password)
    assert response.status_code == 400
    assert WRONG_LOGIN in response.get_data(as_text=True)
    assert "_user_id" not in _session(app, client)
    assert not _is_signed_in(client)


def test_inactive_account_cannot_sign_in(client, app, make_user):
    user_id = make_user("pat")
    with app.app_context():
        db.session.get(User, user_id).is_active_account = False
        db.session.commit()
    response = sign_in(client, "pat")
    assert response.status_code == 400
    assert WRONG_LOGIN in response.get_data(as_text=True)
    assert not _is_signed_in(client)


def test_sign_in_starts_a_fresh_session_and_merges_the_guest_learner(
    client, app, make_user, course
):
    make_user("pat")
    client.post("/courses/test-course/lessons/m1-l1/complete")
    before = client.get_cookie("session").value
    guest_id = _session(app, client)["guest_learner_id"]

    assert sign_in(client, "pat").status_code == 302
    after = client.get_cookie("session").value
    assert after != before
    session = _session(app, client)
    assert "guest_learner_id" not in session
    assert session.get("_user_id")
    assert "Course test-course" in client.get("/my-learning").get_data(as_text=True)
    with app.app_context():
        # The guest's progress reached the account only through the merge.
        progress = db.session.scalar(select(LessonProgress))
        user = db.session.scalar(select(User).where(User.username == "pat"))
        assert user.learner.id != guest_id
        assert progress.learner_id == user.learner.id


def test_sign_in_sets_no_remember_me_cookie(client, make_user):
    make_user("pat")
    sign_in(client, "pat")
    assert client.get_cookie("remember_token") is None


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_sign_in_ignores_a_next_that_leaves_the_site(client, make_user, target):
    make_user("pat")
    data = {"username": "pat", "password": PASSWORD, "next": target}
    response = client.post("/account/sign-in", data=data)
    assert response.headers["Location"] == "/my-learning"


def test_sign_in_follows_a_next_on_this_site(client, make_user, course):
    make_user("pat")
    data = {"username": "pat", "password": PASSWORD, "next": "/courses/test-course?from=x"}
    response = client.post("/account/sign-in", data=data)
    assert response.headers["Location"] == "/courses/test-course?from=x"


def test_sign_in_page_carries_next_from_the_login_redirect(client):
    response = client.get("/account/")
    assert _path(response) == "/account/sign-in"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/account/"' in page


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/x", "/\\evil.example"])
def test_sign_up_ignores_a_next_that_leaves_the_site(client, target):
    data = {"username": "newbie", "password": NEW_PASSWORD}
    response = client.post("/account/sign-up", query_string={"next": target}, data=data)
    assert response.headers["Location"] == "/my-learning"


# Sign-out and session safety


def test_sign_out_ends_the_session_so_a_copied_cookie_stops_working(app, make_user):
    make_user("pat")
    original = app.test_client()
    sign_in(original, "pat")
    copied = original.get_cookie("session").value

    thief_before = app.test_client()
    thief_before.set_cookie("session", copied)
    assert thief_before.get("/account/").status_code == 200  # the copy really was a sign-in

    response = original.post("/account/sign-out")
    assert response.status_code == 302
    assert _path(response) == "/"

    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/account/")
    assert response.status_code == 302
    assert _path(response) == "/account/sign-in"
    assert not _is_signed_in(original)


def test_sign_out_says_it_is_safe_to_leave(client, make_user):
    make_user("pat")
    sign_in(client, "pat")
    page = client.post("/account/sign-out", follow_redirects=True).get_data(as_text=True)
    assert "You are signed out. It is safe to leave this computer." in page


@pytest.mark.parametrize("url", ["/account/", "/my-learning", "/"])
def test_signed_in_pages_are_not_stored_by_the_browser(client, make_user, url):
    make_user("pat")
    sign_in(client, "pat")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_is_http_only_and_same_site_lax(client, make_user):
    make_user("pat")
    response = sign_in(client, "pat")
    header = response.headers["Set-Cookie"]
    assert header.startswith("session=")
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


# Rate limit


@pytest.fixture
def limited_app(app, database_url):
    """An app whose sign-in allows 3 tries a minute; the limiter is one shared object."""

    class LimitedConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = False
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = "memory://"
        SIGN_IN_RATE_LIMIT = "3 per minute"

    was_enabled = limiter.enabled
    limited = create_app(LimitedConfig)
    yield limited
    # init_app switched the shared limiter on; switch it back so other apps are not limited.
    limiter.reset()
    limiter.enabled = was_enabled
    with limited.app_context():
        for engine in db.engines.values():
            engine.dispose()


def test_fourth_wrong_password_in_a_minute_gets_a_429_saying_how_long_to_wait(
    limited_app, make_user
):
    make_user("pat")
    client = limited_app.test_client()
    for _ in range(3):
        assert sign_in(client, "pat", NEW_PASSWORD).status_code == 400
    response = sign_in(client, "pat", PASSWORD)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many wrong passwords. Wait 1 minute, then try again." in page
    assert not _is_signed_in(client)
    assert client.get("/account/sign-in").status_code == 200  # only POSTs are counted


# CSRF


def _csrf_sign_in(client, username: str = "pat") -> None:
    token = csrf_token_from(client.get("/account/sign-in").get_data(as_text=True))
    data = {"username": username, "password": PASSWORD, "csrf_token": token}
    assert client.post("/account/sign-in", data=data).status_code == 302


CSRF_POSTS = {
    "sign-in": ("/account/sign-in", "/account/sign-in", {"username": "pat", "password": PASSWORD}),
    "sign-up": (
        "/account/sign-up",
        "/account/sign-up",
        {"username": "newbie", "password": NEW_PASSWORD},
    ),
    "sign-out": ("/account/sign-out", "/account/", {}),
    "complete": (
        "/courses/test-course/lessons/m1-l1/complete",
        "/courses/test-course/lessons/m1-l1",
        {},
    ),
}


@pytest.mark.parametrize("name", list(CSRF_POSTS))
def test_post_without_csrf_token_is_refused_with_the_friendly_400_page(
    app, csrf_app, make_user, course, name
):
    make_user("pat")
    url, _, data = CSRF_POSTS[name]
    client = csrf_app.test_client()
    if name == "sign-out":
        _csrf_sign_in(client)
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "Something was wrong with that request" in response.get_data(as_text=True)
    assert len(_users(app)) == 1
    assert _is_signed_in(client) is (name == "sign-out")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 0


@pytest.mark.parametrize("name", list(CSRF_POSTS))
def test_post_with_csrf_token_from_the_page_succeeds(app, csrf_app, make_user, course, name):
    make_user("pat")
    url, page_url, data = CSRF_POSTS[name]
    client = csrf_app.test_client()
    if name == "sign-out":
        _csrf_sign_in(client)
    token = csrf_token_from(client.get(page_url).get_data(as_text=True))
    response = client.post(url, data={**data, "csrf_token": token})
    assert response.status_code == 302


def test_csrf_token_from_another_session_is_refused(app, csrf_app, make_user):
    make_user("pat")
    other = csrf_app.test_client()
    token = csrf_token_from(other.get("/account/sign-in").get_data(as_text=True))
    client = csrf_app.test_client()
    client.get("/account/sign-in")
    data = {"username": "pat", "password": PASSWORD, "csrf_token": token}
    assert client.post("/account/sign-in", data=data).status_code == 400


# Account page


def test_account_page_changes_the_display_name(client, app, make_user):
    user_id = make_user("pat", display_name="Pat")
    sign_in(client, "pat")
    data = {"profile-display_name": "  Patricia Doe ", "profile-submit": "Save"}
    response = client.post("/account/", data=data)
    assert response.status_code == 302
    assert "Your name is saved." in client.get("/account/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user_id).display_name == "Patricia Doe"


@pytest.mark.parametrize(
    ("name", "message"), [("", "Enter a name."), ("n" * 121, "120 characters")]
)
def test_account_page_refuses_an_empty_or_over_long_name(client, app, make_user, name, message):
    user_id = make_user("pat", display_name="Pat")
    sign_in(client, "pat")
    response = client.post(
        "/account/", data={"profile-display_name": name, "profile-submit": "Save"}
    )
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user_id).display_name == "Pat"


def _change_password(client, current: str, new: str):
    data = {
        "password-current_password": current,
        "password-password": new,
        "password-submit": "Change password",
    }
    return client.post("/account/", data=data)


def test_change_password_needs_the_right_current_password(app, client, make_user):
    make_user("pat")
    sign_in(client, "pat")
    response = _change_password(client, "not my password", NEW_PASSWORD)
    assert "That is not your current password." in response.get_data(as_text=True)
    assert sign_in(app.test_client(), "pat", PASSWORD).status_code == 302
    assert sign_in(app.test_client(), "pat", NEW_PASSWORD).status_code == 400


def test_change_password_applies_the_password_policy(app, client, make_user):
    make_user("pat")
    sign_in(client, "pat")
    response = _change_password(client, PASSWORD, "iloveyou")
    assert "That password is too common" in response.get_data(as_text=True)
    assert sign_in(app.test_client(), "pat", PASSWORD).status_code == 302


def test_change_password_keeps_this_computer_and_signs_out_the_others(app, client, make_user):
    make_user("pat")
    sign_in(client, "pat")
    library_pc = app.test_client()
    sign_in(library_pc, "pat")

    response = _change_password(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert "Other computers were signed out." in client.get("/account/").get_data(as_text=True)
    assert _is_signed_in(client)
    assert not _is_signed_in(library_pc)
    assert sign_in(app.test_client(), "pat", PASSWORD).status_code == 400
    assert sign_in(app.test_client(), "pat", NEW_PASSWORD).status_code == 302


# Language


def test_language_switch_sets_the_page_language(client):
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    response = client.post("/account/language", data={"language": "es", "next": "/my-learning"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/my-learning"
    assert '<html lang="es">' in client.get("/my-learning").get_data(as_text=True)


@pytest.mark.parametrize("language", ["fr", "", "es-evil", "<script>"])
def test_language_switch_ignores_unknown_languages(client, app, language):
    client.post("/account/language", data={"language": language, "next": "/"})
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    assert "language" not in _session(app, client)


def test_language_switch_ignores_a_next_that_leaves_the_site(client):
    response = client.post("/account/language", data={"language": "es", "next": "//evil.example"})
    assert response.headers["Location"] == "/"


def test_language_choice_is_kept_on_the_account(app, client, make_user):
    make_user("pat")
    sign_in(client, "pat")
    client.post("/account/language", data={"language": "es", "next": "/"})
    client.post("/account/sign-out")
    elsewhere = app.test_client()
    sign_in(elsewhere, "pat")
    assert '<html lang="es">' in elsewhere.get("/").get_data(as_text=True)


def test_language_chosen_before_sign_in_survives_it(client, make_user):
    make_user("pat")
    client.post("/account/language", data={"language": "es", "next": "/"})
    sign_in(client, "pat")
    assert '<html lang="es">' in client.get("/").get_data(as_text=True)


# Production settings


@pytest.mark.parametrize(
    "config",
    [
        {"ENV_NAME": "production", "SECRET_KEY": INSECURE_DEV_KEY},
        {"ENV_NAME": "production", "SECRET_KEY": ""},
        {"ENV_NAME": "production", "SECRET_KEY": None},
        {"ENV_NAME": "production"},
        {"ENV_NAME": "production", "SECRET_KEY": "k" * 31},
    ],
)
def test_production_refuses_a_missing_dev_or_short_secret_key(config):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        check_production(config)


def test_production_accepts_a_long_random_secret_key():
    check_production(
        {"ENV_NAME": "production", "SECRET_KEY": GOOD_KEY, "BASE_URL": "https://learn.example.org"}
    )


@pytest.mark.parametrize("env_name", ["development", "testing"])
def test_dev_key_is_allowed_outside_production(env_name):
    check_production({"ENV_NAME": env_name, "SECRET_KEY": INSECURE_DEV_KEY})


@pytest.mark.parametrize("key", [INSECURE_DEV_KEY, ""])
def test_create_app_refuses_to_start_in_production_with_a_bad_key(key):
    with pytest.raises(ConfigError):
        create_app({"ENV_NAME": "production", "SECRET_KEY": key, "RATELIMIT_ENABLED": False})


def _config_under(env: dict) -> str:
    code = "from course_app.config import Config as C; print(C.ENV_NAME, C.SESSION_COOKIE_SECURE)"
    clean = {k: v for k, v in os.environ.items() if k not in {"APP_ENV", "SESSION_COOKIE_SECURE"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_app_env_production_makes_the_session_cookie_secure():
    assert _config_under({"APP_ENV": "production"}) == "production True"
    assert _config_under({}) == "development False"


def test_production_app_always_has_a_secure_session_cookie(database_url):
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": GOOD_KEY,
            "BASE_URL": "https://learn.example.org",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": False,
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
