"""Sign-ins, failed sign-ins, failed re-authentication, password changes and resets are
recorded (who, when, from where, outcome; never the password or code) in the audit log and
the application log, and the audit page filters them (issue 14, point 8)."""

from __future__ import annotations

import logging

from sqlalchemy import select

from course_app.accounts.models import User
from course_app.audit.models import AuditEvent
from course_app.desk.reset_codes import issue_reset_code
from course_app.extensions import db
from tests.conftest import PASSWORD, sign_in, signed_in

WRONG = "wrong horse battery"
NEW = "a brand new passphrase"


def events(app) -> list[tuple[str, str | None, dict]]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        users = {u.id: u.username for u in db.session.scalars(select(User))}
        return [(e.action, users.get(e.target_id), e.details, e.actor_id) for e in rows]


def test_sign_ins_and_failures_are_audited_without_secrets(app, make_user, caplog):
    make_user("audited")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    caplog.set_level(logging.INFO)
    assert sign_in(client, "audited", WRONG).status_code == 400
    assert sign_in(client, "nobody-by-this-name", WRONG).status_code == 400
    assert sign_in(client, "audited").status_code == 302
    recorded = events(app)
    assert [(a, who, d["outcome"], d["address"]) for a, who, d, _ in recorded] == [
        ("sign_in.failed", "audited", "wrong-password", "203.0.113.7"),
        ("sign_in.failed", None, "unknown-username", "203.0.113.7"),
        ("sign_in.succeeded", "audited", "signed-in", "203.0.113.7"),
    ]
    assert recorded[2][3] is not None  # the person who signed in is the actor
    everything = str(recorded) + caplog.text
    assert WRONG not in everything and PASSWORD not in everything
    assert "nobody-by-this-name" not in everything
    assert "security sign_in.failed" in caplog.text and "address=203.0.113.7" in caplog.text


def test_password_changes_refusals_and_failed_reauthentication_are_audited(app, make_user):
    make_user("changer", "librarian")
    client = signed_in(app, "changer")
    client.post(
        "/account/",
        data={"password-current_password": WRONG, "password-password": NEW, "password-submit": "1"},
    )
    client.post(
        "/account/",
        data={
            "password-current_password": PASSWORD,
            "password-password": NEW,
            "password-submit": "1",
        },
    )
    client.post("/account/confirm-password", data={"password": WRONG})
    actions = [(a, d["outcome"]) for a, _who, d, _ in events(app)][1:]
    assert actions == [
        ("password.change_refused", "wrong-current-password"),
        ("password.changed", "account-page"),
        ("reauthentication.failed", "wrong-password"),
    ]
    assert NEW not in str(events(app))


def test_resets_with_a_code_are_audited_without_the_code(app, make_user):
    make_user("forgetful")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "forgetful"))
        code = issue_reset_code(None, user)
        db.session.commit()
    client = app.test_client()
    data = {"username": "forgetful", "password": NEW}
    assert client.post("/account/reset", data={**data, "code": "AAAA-BBBB"}).status_code == 400
    assert client.post("/account/reset", data={**data, "code": code}).status_code == 302
    resets = [(who, d["outcome"]) for a, who, d, _ in events(app) if a == "password.reset"]
    assert resets == [
        ("forgetful", "wrong-or-expired-code"),
        ("forgetful", "reset-with-code"),
    ]
    assert code not in str(events(app)) and "AAAA-BBBB" not in str(events(app))


def test_the_audit_page_filters_sign_ins_and_passwords(app, make_user):
    make_user("staffer", "staff")
    make_user("someone")
    sign_in(app.test_client(), "someone", WRONG)
    staff = signed_in(app, "staffer")
    with app.app_context():
        from course_app.libraries.models import OrganisationKind
        from course_app.libraries.services import create_organisation

        create_organisation(None, OrganisationKind.NETWORK, "Tri-County Network", code="tri")
        db.session.commit()
    everything = staff.get("/admin/audit").get_data(as_text=True)
    assert "Added the library" in everything and "A wrong password for" in everything
    security = staff.get("/admin/audit?kind=security").get_data(as_text=True)
    assert "A wrong password for" in security and "signed in from 127.0.0.1" in security
    assert "Added the library" not in security
