"""Class codes cannot be guessed (issue 14, point 6): long codes, one answer for unknown,
expired and other libraries' codes, an optional expiry, and limits per account and address."""

from __future__ import annotations

from datetime import timedelta

import pytest

from course_app import create_app
from course_app.classes.services import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH
from course_app.config import TestConfig
from course_app.extensions import db
from tests.classes.builders import class_world, get_class
from tests.conftest import signed_in


@pytest.fixture
def world(app):
    with app.app_context():
        world = class_world()
        db.session.commit()
    return world


def answer_for(client, code: str) -> tuple[int, str]:
    response = client.post("/join", data={"code": code})
    return response.status_code, response.get_data(as_text=True).replace(code, "CODE")


def test_codes_are_ten_characters_of_the_readable_alphabet(app, world):
    with app.app_context():
        code = get_class(world).join_code
    assert len(code) == JOIN_CODE_LENGTH == 10
    assert set(code) <= set(JOIN_CODE_ALPHABET)


def test_another_librarys_code_gets_the_same_answer_as_an_unknown_one(app, world):
    with app.app_context():
        real = get_class(world).join_code
    client = signed_in(app, "southpat")
    client.get("/join")  # shows the "signed in" message, so neither answer below has it
    unknown = "".join(reversed(real))
    assert answer_for(client, real) == answer_for(client, unknown)
    assert answer_for(client, real)[0] == 400


def test_a_code_made_with_an_expiry_stops_working_then(app, world):
    lib = signed_in(app, "lib")
    response = lib.post(f"/classes/{world['class_id']}/join-code", data={"valid_days": "7"})
    assert response.status_code == 302
    assert "This code works until" in lib.get(f"/classes/{world['class_id']}").get_data(
        as_text=True
    )
    with app.app_context():
        learning_class = get_class(world)
        code = learning_class.join_code
        learning_class.join_code_expires_at -= timedelta(days=7, seconds=1)
        db.session.commit()
    patron = signed_in(app, "northb")
    patron.get("/join")
    assert answer_for(patron, code) == answer_for(patron, "AAAAAAAAAA".replace("A", "C"))
    with app.app_context():
        get_class(world).join_code_expires_at += timedelta(days=1)
        db.session.commit()
    assert patron.post("/join", data={"code": code}).status_code == 302


def test_a_bad_days_choice_is_refused(app, world):
    lib = signed_in(app, "lib")
    with app.app_context():
        code = get_class(world).join_code
    response = lib.post(f"/classes/{world['class_id']}/join-code", data={"valid_days": "9999"})
    assert response.status_code == 400
    with app.app_context():
        assert get_class(world).join_code == code


def limited_app(app):
    class Limited(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        WTF_CSRF_ENABLED = False
        RATELIMIT_ENABLED = True
        JOIN_ACCOUNT_LIMIT = "3 per hour"
        JOIN_ADDRESS_LIMIT = "5 per hour"

    return create_app(Limited)


def test_wrong_codes_are_limited_per_account(app, world):
    limited = limited_app(app)
    with app.app_context():
        code = get_class(world).join_code
    patron = signed_in(limited, "northb")
    statuses = [patron.post("/join", data={"code": f"WRONG{n}"}).status_code for n in range(4)]
    assert statuses == [400, 400, 400, 429]
    assert patron.post("/join", data={"code": code}).status_code == 429  # even the right one
    # Another patron is not held up by this one's guesses.
    other = signed_in(limited, "p1")
    other.environ_base["REMOTE_ADDR"] = "192.0.2.50"
    assert other.post("/join", data={"code": code}).status_code == 302


def test_wrong_codes_are_limited_per_address_across_accounts(app, world):
    limited = limited_app(app)
    statuses = []
    for name in ("p1", "p2", "p3"):
        patron = signed_in(limited, name)
        patron.environ_base["REMOTE_ADDR"] = "198.51.100.20"
        statuses += [patron.post("/join", data={"code": f"NOPE{n}"}).status_code for n in range(2)]
    assert statuses == [400] * 5 + [429]
