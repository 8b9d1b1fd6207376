"""`flask libraries create|list` and `flask users set-library`: messages and exit codes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course_app.accounts.models import User
from course_app.audit.models import AuditEvent
from course_app.extensions import db
from course_app.libraries.models import Organisation
from tests.factories import make_library_tree


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args: str):
        return runner.invoke(args=list(args))

    return invoke


@pytest.fixture
def tree(app):
    with app.app_context():
        ids = make_library_tree()
        db.session.commit()
        return ids


def codes(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Organisation.code)))


def test_create_network_system_and_branch_from_the_command_line(run, app):
    result = run("libraries", "create", "--kind", "network", "Tri-County Network")
    assert result.exit_code == 0, result.output
    assert "with code tri-county-network" in result.output
    result = run(
        "libraries", "create", "--kind", "system", "--parent", "TRI-COUNTY-NETWORK",
        "--code", "river", "Riverside Public Library",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    result = run("libraries", "create", "--kind", "branch", "--parent", "river", "Main Street")
    assert result.exit_code == 0, result.output
    assert codes(app) == ["main-street", "river", "tri-county-network"]
    with app.app_context():
        events = db.session.scalars(select(AuditEvent.action)).all()
        assert events == ["organisation.created"] * 3
        assert db.session.scalar(select(AuditEvent.actor_id).limit(1)) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--kind", "branch", "--parent", "nowhere", "X"],
            "No organisation has the code 'nowhere'",
        ),
        (["--kind", "branch", "--parent", "network", "X"], "a branch in a library system"),
        (["--kind", "branch", "X"], "Say where it belongs with --parent"),
        (["--kind", "network", "--parent", "network", "X"], "A network sits at the top"),
        (
            ["--kind", "branch", "--parent", "north", "North A"],
            "Another organisation has this code",
        ),
        (["--kind", "branch", "--parent", "north", "--code", "Bad Code", "X"], "single dashes"),
        (["--kind", "branch", "--parent", "north", "n" * 121], "The name is too long"),
        (["--kind", "branch", "--parent", "north", "   "], "Give the organisation a name"),
        (["--kind", "shelf", "--parent", "north", "X"], "'shelf' is not one of"),
    ],
)
def test_create_refuses_bad_input_with_a_message_and_changes_nothing(run, app, tree, args, message):
    before = codes(app)
    result = run("libraries", "create", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert codes(app) == before


def test_list_prints_the_tree_with_patron_counts(run, app, tree, make_user):
    make_user("pat")
    assert run("users", "set-library", "pat", "south-b").exit_code == 0
    result = run("libraries", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("network  Tri-County Network (network")
    assert "    south-b  South B (branch, 1 patrons)" in lines


def test_list_with_no_organisations_says_how_to_start(run, app):
    result = run("libraries", "list")
    assert result.exit_code == 0
    assert "No organisations yet" in result.output


def user_library(app, username: str) -> tuple[int | None, bool]:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        return user.organisation_id, user.sees_whole_system


def test_set_library_places_a_librarian_with_the_whole_system(run, app, tree, make_user):
    make_user("lib", "librarian")
    result = run("users", "set-library", "lib", "north-a", "--whole-system")
    assert result.exit_code == 0, result.output
    assert "sees its whole library system" in result.output
    assert user_library(app, "lib") == (tree["north-a"], True)
    result = run("users", "set-library", "LIB", "south-b")
    assert result.exit_code == 0, result.output
    assert user_library(app, "lib") == (tree["south-b"], False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody", "north-a"], "No user has the username 'nobody'"),
        (["lib", "nowhere"], "No organisation has the code 'nowhere'"),
        (["lib", "network"], "not a whole network"),
        (["pat", "north-a", "--whole-system"], "Only a librarian"),
    ],
)
def test_set_library_refuses_bad_input_and_changes_nothing(
    run, app, tree, make_user, args, message
):
    make_user("lib", "librarian")
    make_user("pat")
    result = run("users", "set-library", *args)
    assert result.exit_code == 1
    assert message in result.output
    assert user_library(app, "lib") == (None, False)
    assert user_library(app, "pat") == (None, False)
