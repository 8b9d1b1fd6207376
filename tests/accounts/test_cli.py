"""`flask users ...`: creating administrators and other accounts from the command line."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course_app.accounts.models import User
from course_app.extensions import db
from tests.conftest import sign_in

ADMIN_PASSWORD = "staff room kettle"  # noqa: S105


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args: str, **kwargs):
        return runner.invoke(args=["users", *args], **kwargs)

    return invoke


def _users(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(u.username, u.role) for u in db.session.scalars(select(User))]


def test_create_admin_makes_an_admin_who_can_sign_in(run, app):
    result = run("create-admin", "boss", "--password", ADMIN_PASSWORD, "--name", "The Boss")
    assert result.exit_code == 0, result.output
    assert "Created admin 'boss'" in result.output
    assert _users(app) == [("boss", "admin")]
    with app.app_context():
        assert db.session.scalar(select(User.display_name)) == "The Boss"
    client = app.test_client()
    assert sign_in(client, "boss", ADMIN_PASSWORD).status_code == 302
    if "admin.certificates" in app.view_functions:
        assert client.get("/admin/certificates").status_code == 200


def test_create_admin_asks_for_the_password_twice_when_not_given(run, app):
    result = run("create-admin", "boss", input=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert ADMIN_PASSWORD not in result.output
    assert sign_in(app.test_client(), "boss", ADMIN_PASSWORD).status_code == 302


@pytest.mark.parametrize("role", ["learner", "librarian", "staff", "admin"])
def test_create_makes_an_account_with_the_given_role(run, app, role):
    result = run("create", "someone", "--role", role, "--password", ADMIN_PASSWORD)
    assert result.exit_code == 0, result.output
    assert _users(app) == [("someone", role)]


def test_create_refuses_an_unknown_role(run, app):
    result = run("create", "someone", "--role", "superuser", "--password", ADMIN_PASSWORD)
    assert result.exit_code != 0
    assert "superuser" in result.output
    assert _users(app) == []


@pytest.mark.parametrize("username", ["boss", "BOSS", "ＢＯＳＳ"])
def test_create_admin_refuses_a_taken_username_whatever_its_case(run, app, make_user, username):
    make_user("boss")
    result = run("create-admin", username, "--password", ADMIN_PASSWORD)
    assert result.exit_code != 0
    assert "is already taken" in result.output
    assert _users(app) == [("boss", "learner")]


@pytest.mark.parametrize("username", ["ab", "  ab  ", "u" * 41])
def test_create_admin_refuses_a_username_of_the_wrong_length(run, app, username):
    result = run("create-admin", username, "--password", ADMIN_PASSWORD)
    assert result.exit_code != 0
    assert "use 3 to 40 characters" in result.output
    assert _users(app) == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password", "too common"),
        ("short", "at least 8 characters"),
        ("quiet-heron-77", "cannot be your username"),
    ],
)
def test_create_admin_refuses_a_weak_password_with_a_clear_message(run, app, password, message):
    result = run("create-admin", "quiet-heron-77", "--password", password)
    assert result.exit_code != 0
    assert "password refused" in result.output
    assert message in result.output
    assert _users(app) == []
