"""The health check and the error pages: plain words, a way back, the right status code."""

from __future__ import annotations

import time

import pytest

from course_app import create_app
from course_app.config import TestConfig
from course_app.extensions import db
from tests.conftest import ROOT


@pytest.fixture
def unreachable_db_app(tmp_path):
    """An app whose database is a SQLite file in a folder that does not exist."""

    class NoDatabaseConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'missing-folder' / 'nowhere.db'}"
        WTF_CSRF_ENABLED = False
        COURSES_DIR = str(ROOT / "courses")

    app = create_app(NoDatabaseConfig)
    yield app
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


def test_healthz_reports_ok_for_app_and_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_gives_503_quickly_when_the_database_is_unreachable(unreachable_db_app):
    started = time.monotonic()
    response = unreachable_db_app.test_client().get("/healthz")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error"
    assert body["database"] != "ok"
    assert "sqlite" not in response.get_data(as_text=True).lower()  # no internals leaked


def test_unknown_page_gives_the_friendly_404_with_a_link_to_the_courses(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page
    assert '<a class="button" href="/">Go to the course list</a>' in page
    assert "<html lang=" in page  # the full site layout, not a bare error


@pytest.mark.parametrize(("method", "url"), [("get", "/account/sign-out"), ("delete", "/")])
def test_wrong_method_gives_the_friendly_405(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 405
    page = response.get_data(as_text=True)
    assert "That did not work" in page
    assert "Go to the course list" in page


@pytest.mark.parametrize("url", ["/account/sign-in", "/account/sign-up"])
@pytest.mark.parametrize("fields", [1, 6], ids=["one-big-field", "many-small-fields"])
def test_post_over_the_size_limit_gives_413(app, client, url, fields):
    limit = app.config["MAX_CONTENT_LENGTH"]
    data = {f"field{n}": "x" * (limit // fields + 1) for n in range(fields)}
    response = client.post(url, data={"username": "pat", **data})
    assert response.status_code == 413
    assert "That is too large" in response.get_data(as_text=True)


@pytest.fixture
def refusing_app(database_url):
    """An app with one more route, whose service refuses with a DomainError that has no words
    of its own, after writing a row the refusal must undo."""
    from course_app.accounts.services import create_user
    from course_app.domain_errors import DomainError

    class RefusingConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = False
        COURSES_DIR = str(ROOT / "courses")

    app = create_app(RefusingConfig)

    @app.post("/test-refusal")
    def refuse():
        create_user("written-then-refused", "correct horse battery")
        raise DomainError("some-rule")

    yield app
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


def test_a_refusal_no_view_handles_is_a_409_page_that_saves_nothing(refusing_app):
    from sqlalchemy import select

    from course_app.accounts.models import User

    response = refusing_app.test_client().post("/test-refusal")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "That could not be done" in page
    assert "Something changed since the page was shown. Nothing was saved." in page
    assert "Go to the course list" in page and "<html lang=" in page
    with refusing_app.app_context():
        assert (
            db.session.scalar(select(User).where(User.username == "written-then-refused")) is None
        )
