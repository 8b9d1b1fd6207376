"""`flask users set-role`: role changes from the command line, audited, never the last admin."""

from __future__ import annotations

from sqlalchemy import select

from course_app.accounts.models import User
from course_app.audit.models import AuditEvent
from course_app.extensions import db


def run(app, *args):
    return app.test_cli_runner().invoke(args=["users", "set-role", *args])


def role_of(app, username):
    with app.app_context():
        return db.session.scalar(select(User.role).where(User.username == username))


def test_a_role_change_is_saved_and_audited(app, make_user):
    make_user("pat", "learner")
    result = run(app, "pat", "librarian")
    assert result.exit_code == 0, result.output
    assert "pat is now librarian." in result.output
    assert role_of(app, "pat") == "librarian"
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "user.role_changed")
        )
        assert event.actor_id is None
        # The command line is recorded as the operating-system user who ran it (issue 15).
        from course_app.audit.services import command_line_user

        assert event.details == {
            "username": "pat",
            "previous_role": "learner",
            "role": "librarian",
            "os_user": command_line_user(),
        }


def test_the_same_role_changes_nothing(app, make_user):
    make_user("pat", "learner")
    result = run(app, "pat", "learner")
    assert result.exit_code == 0 and "nothing changed" in result.output
    with app.app_context():
        assert db.session.scalar(select(AuditEvent)) is None


def test_the_last_administrator_keeps_the_role(app, make_user):
    make_user("root", "admin")
    result = run(app, "root", "learner")
    assert result.exit_code == 1
    assert "last administrator" in result.output
    assert role_of(app, "root") == "admin"
    make_user("second", "admin")
    assert run(app, "root", "staff").exit_code == 0
    assert role_of(app, "root") == "staff"


def test_bad_input_is_refused_with_a_message(app, make_user):
    make_user("pat", "learner")
    unknown_user = run(app, "nobody", "staff")
    assert (
        unknown_user.exit_code == 1 and "No user has the username 'nobody'" in unknown_user.output
    )
    unknown_role = run(app, "pat", "wizard")
    assert unknown_role.exit_code == 2 and "Invalid value" in unknown_role.output
    assert role_of(app, "pat") == "learner"
