"""The database going away: a quick 503 page (signed-in people included), /healthz 503, and
recovery by itself when it returns; on PostgreSQL, connect and statement timeouts."""

from __future__ import annotations

import socket
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from course_app import create_app
from course_app.config import TestConfig
from course_app.extensions import db
from tests.conftest import ROOT, _app_for, sign_in


class DatabaseDown:
    """Every statement fails as on a server that went away, until `back()`."""

    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._refuse)

    @staticmethod
    def _refuse(*args, **kwargs):
        raise sa.exc.OperationalError(
            "SELECT", {}, Exception("server closed the connection unexpectedly")
        )

    def back(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._refuse)


def test_a_signed_in_learner_gets_the_friendly_503_page_then_recovery(app, learner_client):
    down = DatabaseDown(app)
    try:
        for url in ("/", "/my-learning"):
            response = learner_client.get(url)
            assert response.status_code == 503
            page = response.get_data(as_text=True)
            assert "The site is busy or down for a moment" in page
            assert "<html lang=" in page  # the full layout, not gunicorn's bare error
            assert response.headers["Retry-After"] == "30"
        assert learner_client.get("/healthz").status_code == 503
    finally:
        down.back()
    response = learner_client.get("/my-learning")
    assert response.status_code == 200  # still signed in: nothing of the visit was lost
    assert learner_client.get("/healthz").status_code == 200


def test_a_guest_gets_the_503_page_too(app, client, sample_course):
    down = DatabaseDown(app)
    try:
        response = client.get("/courses/sample-health-basics")
        assert response.status_code == 503
    finally:
        down.back()


def test_an_error_page_for_a_signed_in_user_renders_without_the_database(database_url, make_user):
    """A 500 while the database is gone: the handler does not read the user again."""
    make_user("learner1", "learner")
    app = _app_for(database_url)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/__ops_boom")
    def boom():
        DatabaseDown(app)  # the database goes away during the request
        raise RuntimeError("boom")

    client = app.test_client()
    assert sign_in(client, "learner1").status_code == 302
    response = client.get("/__ops_boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    with app.app_context():
        event.remove(db.engine, "before_cursor_execute", DatabaseDown._refuse)
        db.engine.dispose()


# --- PostgreSQL --------------------------------------------------------------------------


@pytest.fixture
def hanging_server():
    """A TCP port that accepts connections and never says a word (a hung database)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_a_hung_postgresql_gives_503_after_the_connect_timeout(hanging_server):
    class HungConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"postgresql+psycopg://nobody@127.0.0.1:{hanging_server}/x"
        DATABASE_CONNECT_TIMEOUT = 1
        COURSES_DIR = str(ROOT / "courses")

    app = create_app(HungConfig)
    client = app.test_client()
    assert client.get("/healthz").status_code == 503
    assert client.get("/").status_code == 503
    with app.app_context():
        db.engine.dispose()


def test_postgresql_connections_carry_the_statement_timeout(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("runs in the PostgreSQL pass of the suite (TEST_DATABASE_URL)")
        setting = db.session.execute(sa.text("SHOW statement_timeout")).scalar()
        assert setting == "25s"
        db.session.remove()


def test_postgresql_recovers_when_its_connections_are_cut(app, client, sample_course):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("runs in the PostgreSQL pass of the suite (TEST_DATABASE_URL)")
    assert client.get("/").status_code == 200  # a pooled connection now exists
    with app.app_context():
        name = db.engine.url.database
    admin = sa.create_engine(
        app.config["SQLALCHEMY_DATABASE_URI"].rsplit("/", 1)[0] + "/postgres",
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:  # a database restart, as the app sees it
        conn.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = :n AND pid <> pg_backend_pid()"
            ),
            {"n": name},
        )
    admin.dispose()
    assert client.get("/").status_code == 200  # pre-ping replaced the dead connection
