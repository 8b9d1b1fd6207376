"""`flask certificates show` and `flask certificates revoke`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course_app.certificates.models import Certificate
from course_app.extensions import db
from tests.certificates.builders import build_course, certificate_for


@pytest.fixture
def code(app, make_user):
    make_user("ana")
    with app.app_context():
        cert = certificate_for("ana", build_course(title="Using email safely"), name="Zoë Núñez")
        db.session.commit()
        return cert.code


def _stored(app, code: str) -> Certificate:
    with app.app_context():
        cert = db.session.scalar(select(Certificate).where(Certificate.code == code))
        db.session.expunge(cert)
        return cert


def test_show_prints_the_certificate(app, code):
    result = app.test_cli_runner().invoke(args=["certificates", "show", code])
    assert result.exit_code == 0, result.output
    assert code in result.output
    assert "Zoë Núñez" in result.output
    assert "Using email safely" in result.output
    assert "valid" in result.output


def test_revoke_marks_the_certificate_revoked_with_the_reason(app, code):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["certificates", "revoke", code, "--reason", "Issued by mistake"])
    assert result.exit_code == 0, result.output
    assert "Revoked" in result.output
    cert = _stored(app, code)
    assert cert.revoked_at is not None
    assert cert.revoked_reason == "Issued by mistake"
    shown = runner.invoke(args=["certificates", "show", code])
    assert "revoked" in shown.output and "Issued by mistake" in shown.output


def test_revoke_needs_a_reason(app, code):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["certificates", "revoke", code]).exit_code != 0
    result = runner.invoke(args=["certificates", "revoke", code, "--reason", "  "])
    assert result.exit_code == 1
    assert "reason" in result.output
    assert _stored(app, code).revoked_at is None


def test_revoking_twice_fails_and_keeps_the_first_reason(app, code):
    runner = app.test_cli_runner()
    runner.invoke(args=["certificates", "revoke", code, "--reason", "First"])
    result = runner.invoke(args=["certificates", "revoke", code, "--reason", "Second"])
    assert result.exit_code == 1
    assert "already revoked" in result.output
    assert _stored(app, code).revoked_reason == "First"


@pytest.mark.parametrize("command", [["show"], ["revoke", "--reason", "x"]])
def test_an_unknown_code_is_a_clear_error_with_exit_code_1(app, command):
    result = app.test_cli_runner().invoke(args=["certificates", *command, "NoSuchCode1234567890"])
    assert result.exit_code == 1
    assert "No certificate has the code 'NoSuchCode1234567890'" in result.output


def test_revoke_from_the_command_line_is_audited_without_an_actor(app, code):
    from course_app.audit.models import AuditEvent

    result = app.test_cli_runner().invoke(args=["certificates", "revoke", code, "--reason", "Typo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        event = db.session.scalar(select(AuditEvent))
        assert (event.action, event.actor_id, event.organisation_id) == (
            "certificate.revoked",
            None,
            None,
        )
        # The command line is recorded as the operating-system user who ran it.
        from course_app.audit.services import command_line_user

        assert event.details == {"code": code, "reason": "Typo", "os_user": command_line_user()}
