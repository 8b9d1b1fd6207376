"""Sign-in cards and reset codes print the configured public address and help contact."""

from __future__ import annotations

import pytest

from course_app.accounts.models import User
from course_app.extensions import db
from course_app.libraries.models import Organisation
from course_app.libraries.services import set_user_library
from tests.conftest import signed_in
from tests.factories import make_library_tree, make_user


@pytest.fixture
def librarian(app):
    with app.app_context():
        ids = make_library_tree()
        lib = make_user("lib", "librarian")
        set_user_library(None, lib, db.session.get(Organisation, ids["north-a"]))
        db.session.commit()
        north_a = ids["north-a"]
    return signed_in(app, "lib"), north_a


@pytest.fixture
def settings(app):
    app.config.update(
        BASE_URL="https://learn.example.org", SIGNIN_CARD_HELP="Call 555-0100"
    )
    yield
    app.config.update(BASE_URL="", SIGNIN_CARD_HELP="")


def new_patron(client, branch_id: int):
    return client.post(
        "/desk/patrons/new",
        data={
            "name": "Rosa Díaz",
            "username": "",
            "card_number": "",
            "email": "",
            "organisation_id": str(branch_id),
            "submit": "Create account",
        },
    )


def test_the_card_prints_the_public_address_library_and_help(app, librarian, settings):
    client, branch = librarian
    html = new_patron(client, branch).get_data(as_text=True)
    assert "https://learn.example.org/account/sign-in" in html
    assert "http://localhost" not in html
    assert "Help: Call 555-0100" in html
    assert "· North A" in html


def test_without_settings_the_card_uses_this_address_and_the_front_desk(app, librarian):
    client, branch = librarian
    html = new_patron(client, branch).get_data(as_text=True)
    assert "http://localhost/account/sign-in" in html
    assert "Help: ask at your library" in html and "front desk." in html


def test_the_reset_code_prints_the_public_address(app, librarian, settings):
    client, branch = librarian
    new_patron(client, branch)
    with app.app_context():
        patron_id = db.session.scalar(db.select(User.id).where(User.display_name == "Rosa Díaz"))
    html = client.post(
        f"/desk/patrons/{patron_id}/reset-code", data={"submit": "Make a reset code"}
    ).get_data(as_text=True)
    assert "https://learn.example.org/password-help/reset" in html or (
        "https://learn.example.org/" in html
    )
