"""Administrators make librarian and staff accounts on the web, set their role and library;
the last administrator keeps the role; every change is audited. Through HTTP with CSRF on."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from course_app.accounts.models import User
from course_app.accounts.sign_in import SECURITY_ACTIONS
from course_app.audit.models import AuditEvent
from course_app.extensions import db
from tests.conftest import csrf_token_from, sign_in, signed_in
from tests.factories import make_library_tree, make_user


@pytest.fixture
def tree(app):
    with app.app_context():
        ids = make_library_tree()
        make_user("chief", "admin")
        make_user("helper", "staff")
        db.session.commit()
    return ids


def post_form(client, url, data):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def events() -> int:
    """Changes recorded (sign-ins are recorded too, and are not counted here)."""
    changes = AuditEvent.action.not_in(SECURITY_ACTIONS)
    return len(db.session.scalars(select(AuditEvent.id).where(changes)).all())


def account(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def test_admin_creates_a_librarian_who_signs_in_with_the_one_time_password(app, csrf_app, tree):
    client = signed_in(csrf_app, "chief")
    response = post_form(
        client,
        "/admin/accounts/new",
        {
            "display_name": "Lena Librarian",
            "username": "lena",
            "email": "",
            "role": "librarian",
            "organisation_id": tree["north-a"],
            "sees_whole_system": "y",
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Account created for Lena Librarian" in html
    passphrase = re.search(r'Temporary password</dt><dd class="code big">([^<]+)<', html).group(1)
    with app.app_context():
        lena = account("lena")
        assert lena.role == "librarian" and lena.organisation_id == tree["north-a"]
        assert lena.sees_whole_system and lena.must_change_password
        actions = set(
            db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == lena.id))
        )
        assert {"user.created", "user.library_set"} <= actions
    assert sign_in(app.test_client(), "lena", passphrase).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "librarian", "organisation_id": "0"}, "A librarian works in a library"),
        ({"role": "librarian", "organisation_id": "network"}, "not the whole network"),
        ({"role": "staff", "organisation_id": "0", "sees_whole_system": "y"}, "Only librarians"),
        ({"role": "staff", "organisation_id": "0", "username": "helper"}, "username is taken"),
        ({"role": "wizard", "organisation_id": "0"}, "Not a valid choice"),
        ({"role": "staff", "organisation_id": "0", "username": "a b"}, "Use letters, numbers"),
    ],
)
def test_bad_new_accounts_are_refused_with_a_message_and_nothing_is_made(
    app, csrf_app, tree, data, message
):
    if data.get("organisation_id") == "network":
        data = {**data, "organisation_id": tree["network"]}
    with app.app_context():
        before = events()
    client = signed_in(csrf_app, "chief")
    form = {"display_name": "New Person", "username": "newbie", "email": "", **data}
    response = post_form(client, "/admin/accounts/new", form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert account("newbie") is None
        assert events() == before


def test_admin_changes_role_and_library_audited(app, csrf_app, tree):
    with app.app_context():
        helper_id = account("helper").id
    client = signed_in(csrf_app, "chief")
    url = f"/admin/accounts/{helper_id}"
    page = client.get(url).get_data(as_text=True)
    assert 'selected value="staff"' in page or 'value="staff" selected' in page
    response = post_form(
        client, url, {"role": "librarian", "organisation_id": tree["south-a"], "active": "yes"}
    )
    assert response.status_code == 302
    with app.app_context():
        helper = account("helper")
        assert helper.role == "librarian" and helper.organisation_id == tree["south-a"]
        actions = set(
            db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == helper_id))
        )
        assert {"user.role_changed", "user.library_set"} <= actions
    listing = client.get("/admin/accounts").get_data(as_text=True)
    assert "South A" in listing and "Librarian" in listing


def test_the_last_administrator_cannot_lose_the_role_or_be_deactivated(app, csrf_app, tree):
    with app.app_context():
        chief_id = account("chief").id
        before = events()
    client = signed_in(csrf_app, "chief")
    url = f"/admin/accounts/{chief_id}"
    demoted = post_form(client, url, {"role": "staff", "organisation_id": "0", "active": "yes"})
    assert demoted.status_code == 400
    assert "This is the last administrator" in demoted.get_data(as_text=True)
    stopped = post_form(client, url, {"role": "admin", "organisation_id": "0", "active": "no"})
    assert stopped.status_code == 400
    with app.app_context():
        chief = account("chief")
        assert chief.role == "admin" and chief.is_active_account
        assert events() == before
    # With a second administrator, the first may step down.
    with app.app_context():
        make_user("deputy", "admin")
        db.session.commit()
    stepped = post_form(client, url, {"role": "staff", "organisation_id": "0", "active": "yes"})
    assert stepped.status_code == 302


def test_only_administrators_manage_accounts(app, tree):
    assert signed_in(app, "helper").get("/admin/accounts").status_code == 403
    assert signed_in(app, "chief").get("/admin/accounts/999999").status_code == 404
