"""Desk services on the database: creating patrons, reset codes, finding them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course_app.accounts.models import User
from course_app.accounts.passwords import verify_password
from course_app.accounts.services import authenticate
from course_app.audit.models import AuditEvent
from course_app.desk.cards import normalise_card_number
from course_app.desk.models import LibraryCard, ResetCode
from course_app.desk.reset_codes import issue_reset_code, redeem_reset_code
from course_app.desk.services import (
    DeskError,
    NewPatron,
    create_patron,
    digest_card,
    find_patron,
    patrons_page,
    suggest_username,
)
from course_app.extensions import db
from course_app.libraries.models import Organisation
from tests.factories import make_user


def new(desk, name="María López", username=None, card=None, email=None):
    return create_patron(
        desk["librarian"],
        NewPatron(
            name=name,
            username=username or suggest_username(name),
            organisation=desk["branch"],
            card_number=normalise_card_number(card) if card else None,
            email=email,
        ),
    )


def test_created_patron_must_change_password_and_keeps_only_the_card_hash(desk):
    created = new(desk, card="21234567890123", email="maria@example.org")
    user = created.user
    assert user.username == "maria.lopez"
    assert user.must_change_password and user.role == "learner"
    assert user.organisation_id == desk["branch"].id
    assert authenticate("maria.lopez", created.passphrase) is not None
    card = db.session.scalar(select(LibraryCard).where(LibraryCard.user_id == user.id))
    assert card.last4 == "0123" and card.card_hash == digest_card("21234567890123")
    assert created.card_last4 == "0123"
    # Nowhere in the database is the full number or the passphrase kept.
    for column in (card.card_hash, user.password_hash):
        assert "21234567890123" not in column and created.passphrase not in column
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "patron.created"))
    assert event.target_id == user.id and event.actor_id == desk["librarian"].id
    assert event.organisation_id == desk["branch"].id


def test_second_patron_of_the_same_name_gets_the_next_username(desk):
    new(desk)
    assert suggest_username("Maria  Lopez") == "maria.lopez2"


def test_used_card_and_username_are_refused(desk):
    new(desk, card="21234567")
    with pytest.raises(DeskError) as error:
        new(desk, name="Other", card="2123-4567")
    assert (error.value.reason, error.value.field) == ("card-taken", "card_number")
    with pytest.raises(DeskError) as error:
        new(desk, name="Other", username="MARIA.LOPEZ")
    assert error.value.reason == "username-taken"


def test_reset_code_works_once_and_a_new_code_voids_the_old(desk):
    patron = new(desk).user
    first = issue_reset_code(desk["librarian"], patron)
    second = issue_reset_code(desk["librarian"], patron)
    assert len(first) == 9 and first[4] == "-"
    assert redeem_reset_code("maria.lopez", first, "a brand new password") is None
    assert (
        redeem_reset_code("maria.lopez", second.lower().replace("-", " "), "new words here")
        is patron
    )
    assert verify_password(patron.password_hash, "new words here")
    assert not patron.must_change_password
    assert redeem_reset_code("maria.lopez", second, "another new one") is None
    stored = db.session.scalars(select(ResetCode.code_hash)).all()
    assert all(second.replace("-", "") not in h for h in stored)
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "reset_code.issued")
        )
        == 2
    )


def test_reset_code_expires_after_a_day_and_belongs_to_one_patron(desk):
    patron = new(desk).user
    other = new(desk, name="Luis").user
    code = issue_reset_code(desk["librarian"], patron)
    assert redeem_reset_code(other.username, code, "new words here") is None
    assert redeem_reset_code("nobody", code, "new words here") is None
    row = db.session.scalar(select(ResetCode))
    row.expires_at = row.created_at + timedelta(hours=24) - timedelta(days=2)
    assert redeem_reset_code(patron.username, code, "new words here") is None


def test_librarian_finds_only_their_systems_patrons(desk):
    mine = new(desk, name="Ana", card="21234567890123").user
    south = db.session.get(Organisation, desk["ids"]["south-a"])
    theirs = create_patron(
        desk["librarian"],
        NewPatron(name="Zed", username="zed", organisation=south),
    ).user
    librarian = desk["librarian"]
    assert find_patron(librarian, mine.id) is mine
    assert find_patron(librarian, theirs.id) is None
    names = lambda q: [u.display_name for u in patrons_page(librarian, q, 1).items]  # noqa: E731
    assert names("") == ["Ana"]
    assert names("an") == ["Ana"]
    assert names("0123") == ["Ana"]
    assert names("2 1234 5678 9012 3") == ["Ana"]
    assert names("zed") == []
    staff = make_user("boss", "staff")
    assert [u.username for u in patrons_page(staff, "", 1).items] == ["ana", "zed"]
    assert db.session.scalar(select(func.count()).select_from(User)) == 4
