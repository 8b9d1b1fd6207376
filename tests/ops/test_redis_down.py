"""Redis away: /healthz says so (degraded, not an outage), a page that must queue a job answers
the 503 page (try again) instead of a 500, sign-in fails safe, and queued jobs wait for Redis
and run when it is back."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

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


def test_sign_in_keeps_counting_in_the_database_when_redis_is_down(database_url):
    """The wrong-password counts live in Redis; while it is away they are kept in the
    database, which every worker shares: guesses are never let through uncounted, and patrons
    can still sign in (README: Sign-in limits when Redis is down)."""
    app = app_with_redis(
        database_url,
        f"redis://127.0.0.1:{free_port()}/0",
        RATELIMIT_ENABLED=True,
        SIGN_IN_RATE_LIMIT="2 per minute",
    )
    client = app.test_client()
    statuses = [
        client.post("/account/sign-in", data={"username": "x", "password": "wrong one"}).status_code
        for _ in range(3)
    ]
    assert statuses == [400, 400, 429]
    assert client.get("/").status_code == 200
    with app.app_context():
        db.engine.dispose()


class PausableProxy:
    """A TCP relay to Redis that can be cut (connections dropped, the port refusing) and
    restored on the same port: Redis going away and coming back, as the app sees it."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target, self.port = target, free_port()
        self.connections: list[socket.socket] = []
        self.listen()

    def listen(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.connections += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes accept(); the port refuses
        self.listener.close()
        for s in self.connections:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
        self.connections = []


def wait_for(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_queued_jobs_wait_while_redis_is_away_and_run_when_it_returns(database_url, caplog):
    if not redis_reachable():
        if IN_CI:
            pytest.fail("Redis is required under CI=true (127.0.0.1:6379)")
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    from huey.consumer import Worker
    from redis import Redis

    from course_app.jobs import huey
    from course_app.mail import send_mail_later

    Redis(db=13).flushdb()
    proxy = PausableProxy(("127.0.0.1", 6379))
    app = app_with_redis(database_url, f"redis://127.0.0.1:{proxy.port}/13")
    outbox = app.extensions.setdefault("mail_outbox", [])
    with app.app_context():
        send_mail_later("patron@example.org", "Your code", "Code: 123456")
    proxy.cut()  # Redis goes away with the job queued in it

    stop = threading.Event()
    worker = Worker(huey, stop, 0.1, 0.5, 1.15)  # huey's own worker loop, as `jobs worker`

    def work() -> None:
        while not stop.is_set():
            worker.loop()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: "Error reading from queue" in caplog.text)
        assert thread.is_alive() and outbox == []  # it failed to reach Redis and keeps going
        proxy.listen()  # Redis is back
        assert wait_for(lambda: len(outbox) == 1), (
            "the queued mail was not sent after Redis returned"
        )
        assert outbox[0]["To"] == "patron@example.org"
    finally:
        stop.set()
        thread.join(timeout=10)
        proxy.cut()
        Redis(db=13).flushdb()
        with app.app_context():
            db.engine.dispose()
