"""The password policy (NIST SP 800-63B) and argon2id hashing, without HTTP."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course_app.accounts.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    hash_password,
    password_problem,
    verify_password,
)

PASSPHRASE = "a quiet blue river"


@pytest.fixture
def request_ctx(app):
    """Messages are translated for the request's language, so policy checks run in one."""
    with app.test_request_context():
        yield app


def test_password_of_minimum_length_is_accepted(request_ctx):
    assert MIN_LENGTH == 8
    assert password_problem("blue-owl") is None


def test_password_shorter_than_minimum_is_refused_with_a_clear_message(request_ctx):
    assert password_problem("blue-ow") == "Use at least 8 characters."
    assert password_problem("") == "Use at least 8 characters."


def test_password_of_maximum_length_is_accepted(request_ctx):
    assert MAX_LENGTH == 128
    assert password_problem("river " * 21 + "ab") is None  # 128 characters


def test_password_longer_than_maximum_is_refused_with_a_clear_message(request_ctx):
    assert password_problem("x" * 129) == "Use at most 128 characters."


def test_length_is_counted_in_characters_not_bytes(request_ctx):
    assert password_problem("ñandú" + "ñ" * 3) is None  # 8 characters, 13 bytes
    assert password_problem("é" * 128) is None  # 256 bytes in UTF-8


@pytest.mark.parametrize(
    "password",
    ["password", "12345678", "iloveyou", "PASSWORD", "ILoveYou", "PassWord", " password "],
)
def test_common_passwords_are_refused_whatever_their_case(request_ctx, password):
    problem = password_problem(password)
    assert problem == "That password is too common and easy to guess. Try a short sentence."


@pytest.mark.parametrize(
    ("password", "username"), [("pat12345", "pat12345"), ("Pat12345", "pAT12345")]
)
def test_password_equal_to_the_username_is_refused(request_ctx, password, username):
    assert password_problem(password, username) == "Your password cannot be your username."


def test_password_containing_the_username_is_allowed(request_ctx):
    assert password_problem("pat12345 likes rivers", "pat12345") is None


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",  # lowercase words and spaces only
        "abcdefghxyz",  # no digit, no capital, no symbol
        "contraseña del río",  # non-English letters
        "47 quiet rivers",
    ],
)
def test_no_composition_rules_are_imposed(request_ctx, password):
    assert password_problem(password) is None


def test_hashes_are_argon2id_with_the_configured_cost(app_ctx):
    hashed = hash_password(PASSPHRASE)
    assert hashed.startswith("$argon2id$")
    cfg = app_ctx.config
    assert f"m={cfg['ARGON2_MEMORY_COST']},t={cfg['ARGON2_TIME_COST']}," in hashed


def test_hashes_are_salted_so_the_same_password_hashes_differently(app_ctx):
    first, second = hash_password(PASSPHRASE), hash_password(PASSPHRASE)
    assert first != second
    assert PASSPHRASE not in first
    assert verify_password(first, PASSPHRASE) and verify_password(second, PASSPHRASE)


def test_verify_password_accepts_only_the_right_password(app_ctx):
    hashed = hash_password(PASSPHRASE)
    assert verify_password(hashed, PASSPHRASE) is True
    assert verify_password(hashed, PASSPHRASE.upper()) is False
    assert verify_password(hashed, PASSPHRASE + " ") is False
    assert verify_password(hashed, "") is False


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "not a hash",
        "\x00",
        "$argon2id$",
        "$argon2id$v=19$m=1024,t=1,p=4$garbage",
        "$argon2id$v=19$m=1024,t=1,p=4$c29tZXNhbHRzb21lc2FsdA$!!!!",
        "$argon2d$v=19$m=99999999,t=1,p=1$c29tZXNhbHQ$aGFzaA",
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",  # bcrypt
        "5f4dcc3b5aa765d61d8327deb882cf99",  # unsalted md5 of "password"
    ],
)
def test_verify_password_never_raises_on_a_garbage_hash(app_ctx, garbage):
    assert verify_password(garbage, "password") is False


@pytest.mark.parametrize("garbage", ["é", "$argon2id$v=19$m=1024,t=1,p=4$sél$hash"])
def test_verify_password_never_raises_on_a_non_ascii_hash(app_ctx, garbage):
    assert verify_password(garbage, "password") is False


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(password=st.text(max_size=200), username=st.text(max_size=50))
def test_password_problem_never_raises_and_gives_none_or_a_message(app, password, username):
    with app.test_request_context():
        problem = password_problem(password, username)
    assert problem is None or (isinstance(problem, str) and problem.strip())
    if problem is None:
        assert MIN_LENGTH <= len(password) <= MAX_LENGTH


def test_an_unknown_username_is_checked_against_a_hash_as_costly_as_a_real_one(
    app_ctx, monkeypatch
):
    """Timing must not tell which usernames exist: the dummy hash has the configured cost."""
    from argon2 import PasswordHasher, extract_parameters

    from course_app.accounts.services import authenticate, create_user

    monkeypatch.setitem(app_ctx.config, "ARGON2_TIME_COST", 2)
    monkeypatch.setitem(app_ctx.config, "ARGON2_MEMORY_COST", 2048)
    real = create_user("timing-real", "a long enough phrase")
    checked: list[str] = []
    verify = PasswordHasher.verify

    def spy(self, hash, password):
        checked.append(hash)
        return verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    assert authenticate("timing-real", "wrong words here") is None
    assert authenticate("nobody-like-this", "wrong words here") is None
    real_cost, dummy_cost = (extract_parameters(h) for h in checked)
    assert checked[0] == real.password_hash
    assert (dummy_cost.time_cost, dummy_cost.memory_cost) == (2, 2048)
    assert (dummy_cost.time_cost, dummy_cost.memory_cost, dummy_cost.parallelism) == (
        real_cost.time_cost,
        real_cost.memory_cost,
        real_cost.parallelism,
    )


def test_a_production_app_makes_its_dummy_hash_as_it_starts(database_url):
    from course_app import create_app

    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "k" * 40,
            "BASE_URL": "https://learn.example.org",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
        }
    )
    assert app.extensions["dummy_password_hash"][(1, 1024)].startswith("$argon2id$")
