"""Fixtures: an app on its own database for this run, clients, users of every role.

The database comes from TEST_DATABASE_URL or DATABASE_URL. For PostgreSQL a fresh database
named for this run is created on that server and dropped at the end, so runs never share rows.
Without either, a SQLite file in a temporary folder is used.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from course_app import create_app
from course_app.config import TestConfig
from course_app.extensions import db

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"


def _base_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")


def create_scratch_postgres(server_url: str) -> tuple[str, callable]:
    """A new empty database on the server of server_url; returns its URL and a dropper."""
    url = sa.engine.make_url(server_url)
    name = f"test_run_{os.getpid()}_{secrets.token_hex(4)}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                ),
                {"n": name},
            )
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    base = _base_url()
    if base and base.startswith("postgresql"):
        url, drop = create_scratch_postgres(base)
        yield url
        drop()
    else:
        path = tmp_path_factory.mktemp("db") / "test.db"
        yield f"sqlite:///{path}"


@pytest.fixture(scope="session")
def app(database_url):
    app = _app_for(database_url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    yield app
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def _app_for(database_url: str):
    class RunConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = False
        COURSES_DIR = str(ROOT / "courses")

    return create_app(RunConfig)


def _table_names() -> list[str]:
    return [t.name for t in reversed(db.metadata.sorted_tables)]


@pytest.fixture(autouse=True)
def _clean_tables(request):
    """Every test starts with empty tables, on both databases."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    app.extensions["caches"].clear()  # each test counts its own cache entries
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(
                    sa.text("TRUNCATE " + ", ".join(_table_names()) + " RESTART IDENTITY CASCADE")
                )
            else:
                for name in _table_names():
                    conn.execute(sa.text(f"DELETE FROM {name}"))


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_app(database_url):
    """An app with CSRF protection on, for tests that check it."""

    class CsrfConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = True
        COURSES_DIR = str(ROOT / "courses")

    app = create_app(CsrfConfig)
    yield app
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


@pytest.fixture
def sample_course(app):
    """The sample course from courses/, imported through the real importer."""
    from course_app.content.importer import import_courses
    from course_app.content.models import Course

    with app.app_context():
        report = import_courses(Path(app.config["COURSES_DIR"]) / SAMPLE_SLUG)
        assert report.ok, report.problems
        db.session.commit()
        course = db.session.scalar(sa.select(Course).where(Course.slug == SAMPLE_SLUG))
        assert course is not None
        return course.slug


@pytest.fixture
def bilingual_course(app, tmp_path):
    """A small course in English and Spanish (tests/content BILINGUAL_FILES), imported."""
    from course_app.content.importer import import_courses
    from tests.content import write_bilingual

    with app.app_context():
        report = import_courses(write_bilingual(tmp_path / "bilingual-courses"))
        assert report.ok, report.problems
        db.session.commit()
    return "tiny-bilingual"


SAMPLE_SLUG = "sample-health-basics"
PASSWORD = "correct horse battery"  # noqa: S105


@pytest.fixture
def make_user(app):
    from tests.factories import make_user as _make_user

    def factory(username="pat", role="learner", password=PASSWORD, **kwargs):
        with app.app_context():
            user = _make_user(username=username, role=role, password=password, **kwargs)
            db.session.commit()
            return user.id

    return factory


def sign_in(client, username: str, password: str = PASSWORD, follow: bool = False):
    """Signs the client in through the sign-in form (with its CSRF token when the app checks
    them): the one sign-in helper of the suite."""
    data = {"username": username, "password": password}
    if client.application.config.get("WTF_CSRF_ENABLED", True):
        data["csrf_token"] = csrf_token_from(client.get("/account/sign-in").get_data(as_text=True))
    return client.post("/account/sign-in", data=data, follow_redirects=follow)


def signed_in(app, username: str, password: str = PASSWORD):
    """A new browser of its own (own cookies), signed in as `username`."""
    client = app.test_client()
    assert sign_in(client, username, password).status_code == 302
    return client


@pytest.fixture
def learner_client(app, make_user):
    make_user("learner1", "learner")
    client = app.test_client()
    assert sign_in(client, "learner1").status_code == 302
    return client


@pytest.fixture
def role_clients(app, make_user):
    """A client signed in for each role, plus an anonymous one."""
    clients = {"anonymous": app.test_client()}
    for role in ("learner", "librarian", "staff", "admin"):
        make_user(f"{role}-user", role)
        c = app.test_client()
        assert sign_in(c, f"{role}-user").status_code == 302
        clients[role] = c
    return clients
