"""Sign-in limits count wrong passwords only, per address and per account, in storage every
worker shares: the database, or Redis when RATELIMIT_STORAGE_URI names it (issue 14, point 2).

Each test runs two app instances on one database, as two workers would."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from sqlalchemy import select

from course_app import create_app
from course_app.accounts.models import ThrottleHit, User
from course_app.config import TestConfig
from course_app.extensions import db
from course_app.libraries.models import Organisation
from course_app.libraries.services import set_user_library
from tests.conftest import PASSWORD, sign_in
from tests.factories import make_library_tree

REDIS_URL = "redis://127.0.0.1:6379"


def two_workers(app, **settings):
    """Two app instances on the test database, with sign-in limits on."""

    class Worker(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        WTF_CSRF_ENABLED = False
        RATELIMIT_ENABLED = True

    for key, value in settings.items():
        setattr(Worker, key, value)
    return create_app(Worker), create_app(Worker)


def attempt(worker, username, password, address="192.0.2.10"):
    client = worker.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return sign_in(client, username, password)


def test_wrong_passwords_from_one_address_are_counted_across_workers(app, make_user):
    make_user("lab-user")
    one, two = two_workers(app, SIGN_IN_RATE_LIMIT="10 per minute", SIGN_IN_ACCOUNT_LIMIT="99/hour")
    statuses = [
        attempt((one, two)[i % 2], f"guess-{i}", "wrong password words").status_code
        for i in range(12)
    ]
    assert statuses == [400] * 10 + [429, 429]
    # Even the right password waits, and the page says for how long.
    refused = attempt(one, "lab-user", PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Too many wrong passwords. Wait 1 minute" in refused.get_data(as_text=True)
    # Another address is not affected.
    assert attempt(two, "lab-user", PASSWORD, address="192.0.2.99").status_code == 302


def test_fifteen_correct_sign_ins_from_one_address_all_succeed(app, make_user):
    for i in range(15):
        make_user(f"patron{i}")
    one, two = two_workers(app, SIGN_IN_RATE_LIMIT="10 per minute")
    statuses = [attempt((one, two)[i % 2], f"patron{i}", PASSWORD).status_code for i in range(15)]
    assert statuses == [302] * 15


def test_an_account_guessed_from_many_addresses_is_slowed_then_lets_its_owner_in(app, make_user):
    make_user("target")
    one, two = two_workers(app, SIGN_IN_ACCOUNT_LIMIT="5 per 5 minutes")
    statuses = [
        attempt((one, two)[i % 2], "target", "wrong guess words", f"198.51.100.{i}").status_code
        for i in range(7)
    ]
    assert statuses == [400] * 5 + [429, 429]
    assert attempt(one, "target", PASSWORD, "203.0.113.5").status_code == 429
    # The slow-down is short: five minutes later the owner signs in.
    with app.app_context():
        for hit in db.session.scalars(select(ThrottleHit)):
            hit.at -= timedelta(minutes=6)
        db.session.commit()
    assert attempt(two, "target", PASSWORD, "203.0.113.5").status_code == 302


def test_a_librarian_sees_an_account_being_guessed_until_its_owner_signs_in(app, make_user):
    make_user("guessed")
    make_user("desk-librarian", "librarian")
    with app.app_context():
        ids = make_library_tree()
        branch = db.session.get(Organisation, ids["north-a"])
        for name in ("guessed", "desk-librarian"):
            user = db.session.scalar(select(User).where(User.username == name))
            set_user_library(None, user, branch)
        db.session.commit()
    one, two = two_workers(app, SIGN_IN_ACCOUNT_LIMIT="20 per 5 minutes")
    for i in range(6):
        attempt((one, two)[i % 2], "guessed", "wrong guess words", f"198.51.100.{i}")
    librarian = app.test_client()
    sign_in(librarian, "desk-librarian")
    listing = librarian.get("/desk/patrons").get_data(as_text=True)
    assert "6 wrong passwords since the last sign-in" in listing
    assert attempt(one, "guessed", PASSWORD).status_code == 302
    listing = librarian.get("/desk/patrons").get_data(as_text=True)
    assert "wrong passwords since the last sign-in" not in listing


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means there is no Redis to test against
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")
def test_with_redis_wrong_passwords_are_refused_across_workers_and_right_ones_are_not(
    app, make_user
):
    for i in range(15):
        make_user(f"redis{i}")
    one, two = two_workers(
        app,
        RATELIMIT_STORAGE_URI=REDIS_URL,
        SIGN_IN_RATE_LIMIT="10 per minute",
        SIGN_IN_ACCOUNT_LIMIT="99/hour",
    )
    # Fresh keys in a shared Redis: an address from the documentation range, made up per run.
    lab = f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"
    correct = [
        attempt((one, two)[i % 2], f"redis{i}", PASSWORD, lab).status_code for i in range(15)
    ]
    assert correct == [302] * 15
    wrong = [
        attempt((one, two)[i % 2], f"redis{i}", "wrong guess words", lab).status_code
        for i in range(12)
    ]
    assert wrong == [400] * 10 + [429, 429]
    with app.app_context():  # counted in Redis, not in the database
        assert db.session.scalar(select(ThrottleHit.id)) is None


def test_with_redis_down_wrong_passwords_are_counted_in_the_database(app, make_user):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here
    one, two = two_workers(
        app,
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{port}/0",
        SIGN_IN_RATE_LIMIT="3 per minute",
        SIGN_IN_ACCOUNT_LIMIT="99/hour",
    )
    statuses = [
        attempt((one, two)[i % 2], f"x{i}", "wrong guess words").status_code for i in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
