"""Redis away: /healthz says so (degraded, not an outage), a page that must queue a job answers
the 503 page (try again) instead of a 500, and rate-limited pages still answer."""

from __future__ import annotations

import socket

import pytest

from course_app import create_app
from course_app.config import TestConfig
from course_app.extensions import db
from tests.conftest import IN_CI, ROOT

REDIS_UP = "redis://127.0.0.1:6379/15"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def app_with_redis(database_url: str, url: str, **settings):
    class RedisConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = False
        COURSES_DIR = str(ROOT / "courses")
        JOBS_REDIS_URL = url
        JOBS_IMMEDIATE = False
        RATELIMIT_STORAGE_URI = url

    for name, value in settings.items():
        setattr(RedisConfig, name, value)
    return create_app(RedisConfig)


def test_healthz_reports_redis_down_as_degraded_not_as_an_outage(database_url):
    app = app_with_redis(database_url, f"redis://127.0.0.1:{free_port()}/0")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "degraded", "database": "ok", "redis": "down"}


def test_healthz_reports_redis_up(database_url):
    if not redis_reachable():
        if IN_CI:
            pytest.fail("Redis is required under CI=true (127.0.0.1:6379)")
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    app = app_with_redis(database_url, REDIS_UP)
    assert app.test_client().get("/healthz").get_json() == {
        "status": "ok",
        "database": "ok",
        "redis": "ok",
    }


def test_a_page_that_must_queue_a_job_answers_503_when_redis_is_down(database_url, make_user):
    make_user("ana", "learner", email="ana@example.org")
    app = app_with_redis(database_url, f"redis://127.0.0.1:{free_port()}/0")
    response = app.test_client().post("/account/reset/email", data={"username": "ana"})
    assert response.status_code == 503
    assert "The site is busy or down for a moment" in response.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()


def test_rate_limited_pages_still_answer_when_redis_is_down(database_url):
    app = app_with_redis(database_url, f"redis://127.0.0.1:{free_port()}/0", RATELIMIT_ENABLED=True)
    client = app.test_client()
    for _ in range(3):
        response = client.post("/account/sign-in", data={"username": "x", "password": "y"})
        assert response.status_code in (400, 429)
    with app.app_context():
        db.engine.dispose()


def test_sign_in_limits_still_hold_when_redis_is_down(database_url, app):
    """The wrong passwords are counted in the database meanwhile (shared by every worker);
    `app` empties the tables afterwards."""
    app = app_with_redis(
        database_url,
        f"redis://127.0.0.1:{free_port()}/0",
        RATELIMIT_ENABLED=True,
        SIGN_IN_ACCOUNT_LIMIT="2 per 5 minutes",
    )
    client = app.test_client()
    answers = [
        client.post("/account/sign-in", data={"username": "guessed", "password": "y"}).status_code
        for _ in range(3)
    ]
    assert answers == [400, 400, 429]
    with app.app_context():
        db.engine.dispose()
