"""Desk temporary passphrases are hashed like any password, expire (TEMPORARY_PASSWORD_DAYS),
and the card says until when (issue 14, point 9)."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from argon2 import extract_parameters
from sqlalchemy import select

from course_app.accounts.models import User
from course_app.desk.services import PENDING_HASH
from course_app.extensions import db
from course_app.jobs import huey
from course_app.libraries.models import Organisation
from course_app.libraries.services import set_user_library
from tests.conftest import sign_in, signed_in
from tests.factories import make_library_tree

PASSPHRASE = re.compile(r"Temporary password</dt><dd class=\"code big\">([a-z ]+)</dd>")


@pytest.fixture
def desk(app, make_user, monkeypatch):
    """A librarian's browser at north-a; passwords cost more than the suite's minimum, so a
    lighter hash for passphrases would show."""
    monkeypatch.setitem(app.config, "ARGON2_TIME_COST", 2)
    monkeypatch.setitem(app.config, "ARGON2_MEMORY_COST", 2048)
    make_user("card-lib", "librarian")
    with app.app_context():
        ids = make_library_tree()
        user = db.session.scalar(select(User).where(User.username == "card-lib"))
        set_user_library(None, user, db.session.get(Organisation, ids["north-a"]))
        db.session.commit()
    return signed_in(app, "card-lib"), ids


def new_patron(client, ids, name="Ana Ruiz") -> tuple[str, str, str]:
    page = client.post(
        "/desk/patrons/new",
        data={"name": name, "organisation_id": str(ids["north-a"]), "submit": "1"},
    ).get_data(as_text=True)
    [passphrase] = PASSPHRASE.findall(page)
    username = re.search(r'<dd class="code big">([a-z.0-9]+)</dd>', page).group(1)
    return username, passphrase, html.unescape(page)


def stored(app, username):
    with app.app_context():
        return db.session.scalar(select(User).where(User.username == username))


def test_a_passphrase_is_hashed_like_any_password_and_its_card_says_until_when(app, desk):
    client, ids = desk
    username, _passphrase, page = new_patron(client, ids)
    params = extract_parameters(stored(app, username).password_hash)
    assert (params.time_cost, params.memory_cost) == (2, 2048)
    assert "This temporary password works until" in page
    expires = stored(app, username).temporary_password_expires_at
    created = stored(app, username).created_at
    assert timedelta(days=29, hours=23) < expires - created <= timedelta(days=30, minutes=1)


def test_an_expired_passphrase_no_longer_signs_in(app, desk):
    client, ids = desk
    username, passphrase, _page = new_patron(client, ids)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        user.temporary_password_expires_at -= timedelta(days=31)
        db.session.commit()
    patron = app.test_client()
    response = sign_in(patron, username, passphrase)
    assert response.status_code == 400
    assert "This temporary password has expired" in response.get_data(as_text=True)
    assert patron.get("/account/").status_code == 302


def test_a_passphrase_within_its_days_signs_in_and_choosing_a_password_ends_the_expiry(app, desk):
    client, ids = desk
    username, passphrase, _page = new_patron(client, ids)
    patron = app.test_client()
    assert sign_in(patron, username, passphrase).status_code == 302
    patron.post("/account/choose-password", data={"password": "my very own words"})
    assert stored(app, username).temporary_password_expires_at is None


def test_imported_passphrases_are_hashed_by_a_job_after_the_response(app, desk, monkeypatch):
    import io

    client, ids = desk
    upload = client.post(
        "/desk/patrons/import",
        data={
            "organisation_id": str(ids["north-a"]),
            "file": (io.BytesIO(b"name\nBea Lopez\nCarl Diaz\n"), "p.csv"),
        },
        content_type="multipart/form-data",
    )
    fields = dict(
        re.findall(
            r'name="(token|organisation_id)"[^>]*value="([^"]*)"', upload.get_data(as_text=True)
        )
    )
    inline = app.extensions["jobs"]
    monkeypatch.setitem(app.extensions, "jobs", replace(inline, immediate=False))  # queued
    cards = client.post("/desk/patrons/import/create", data=fields).get_data(as_text=True)
    passphrases = PASSPHRASE.findall(cards)
    usernames = re.findall(r'<dd class="code big">([a-z.0-9]+)</dd>', cards)
    assert len(passphrases) == 2 and "This temporary password works until" in html.unescape(cards)
    assert stored(app, usernames[0]).password_hash == PENDING_HASH
    assert sign_in(app.test_client(), usernames[0], passphrases[0]).status_code == 400
    with app.app_context():
        task = huey.dequeue()
        assert huey.dequeue() is None
    monkeypatch.setitem(app.extensions, "jobs", inline)
    with app.app_context():
        huey.execute(task)
    params = extract_parameters(stored(app, usernames[1]).password_hash)
    assert (params.time_cost, params.memory_cost) == (2, 2048)
    assert sign_in(app.test_client(), usernames[0], passphrases[0]).status_code == 302
