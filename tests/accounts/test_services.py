"""Accounts without HTTP: unique usernames, authentication, sign-in sessions."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from course_app.accounts.identity import load_user_by_token
from course_app.accounts.models import Learner, Role, User, UserSession
from course_app.accounts.services import (
    AccountError,
    authenticate,
    change_password,
    create_user,
    end_session,
    find_user,
    start_session,
    username_key,
)
from course_app.extensions import db
from tests.conftest import PASSWORD

NEW_PASSWORD = "a quiet blue river"  # noqa: S105


@pytest.fixture
def pat(app_ctx) -> User:
    return create_user("Pat", PASSWORD, display_name="Pat Doe")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    "variant",
    ["pat", "PAT", "pAt", " Pat ", "ＰＡＴ", "ｐａｔ"],  # the last two are full-width
)
def test_username_key_ignores_case_width_and_surrounding_spaces(variant):
    assert username_key(variant) == username_key("Pat") == "pat"


def test_username_key_uses_full_case_folding():
    assert username_key("STRASSE") == username_key("straße")


@pytest.mark.parametrize("variant", ["pat", "PAT", "ＰＡＴ"])
def test_usernames_are_unique_regardless_of_case_and_width(pat, variant):
    with pytest.raises(AccountError):
        create_user(variant, NEW_PASSWORD)
    assert _count(User) == 1


def test_username_keeps_what_the_person_typed(pat):
    assert pat.username == "Pat"
    assert pat.display_name == "Pat Doe"
    assert find_user("ＰＡＴ").id == pat.id


def test_new_user_is_a_learner_with_a_learner_row_and_no_email(pat):
    assert pat.role == Role.LEARNER.value
    assert pat.email is None
    assert pat.learner is not None and pat.learner.user_id == pat.id


def test_display_name_defaults_to_the_username(app_ctx):
    assert create_user("sam", PASSWORD).display_name == "sam"


def test_guest_learner_is_adopted_so_its_progress_is_kept(app_ctx):
    guest = Learner()
    db.session.add(guest)
    db.session.flush()
    user = create_user("sam", PASSWORD, learner=guest)
    assert user.learner.id == guest.id
    assert _count(Learner) == 1


def test_learner_of_another_account_is_never_adopted(pat):
    user = create_user("sam", PASSWORD, learner=pat.learner)
    assert user.learner.id != pat.learner.id
    assert pat.learner.user_id == pat.id


def test_authenticate_returns_the_user_for_the_right_password(pat):
    assert authenticate("Pat", PASSWORD) is pat
    assert authenticate("pAT", PASSWORD) is pat


def test_authenticate_returns_none_for_a_wrong_password(pat):
    assert authenticate("Pat", NEW_PASSWORD) is None
    assert authenticate("Pat", PASSWORD.upper()) is None
    assert authenticate("Pat", "") is None


def test_authenticate_returns_none_for_an_unknown_user(pat):
    assert authenticate("nobody", PASSWORD) is None


def test_authenticate_returns_none_for_an_inactive_account(pat):
    pat.is_active_account = False
    db.session.flush()
    assert authenticate("Pat", PASSWORD) is None


def test_start_session_gives_a_token_that_loads_the_user(pat):
    token = start_session(pat)
    loaded = load_user_by_token(token)
    assert loaded is pat
    assert loaded.get_id() == token
    assert pat.last_sign_in_at is not None


def test_session_token_is_stored_only_as_a_digest(pat):
    token = start_session(pat)
    stored = db.session.scalar(select(UserSession.token_hash))
    assert stored != token and token not in stored
    assert len(stored) == 64


def test_each_sign_in_gets_its_own_token(pat):
    assert start_session(pat) != start_session(pat)
    assert _count(UserSession) == 2


def test_end_session_stops_the_token_from_signing_in(pat):
    token = start_session(pat)
    end_session(token)
    assert load_user_by_token(token) is None
    assert db.session.scalar(select(UserSession.ended_at)) is not None


def test_end_session_leaves_other_sessions_alone(pat):
    kept = start_session(pat)
    end_session(start_session(pat))
    assert load_user_by_token(kept) is pat


def test_unknown_token_signs_nobody_in(pat):
    start_session(pat)
    assert load_user_by_token("made-up-token") is None


def test_token_of_an_inactive_account_signs_nobody_in(pat):
    token = start_session(pat)
    pat.is_active_account = False
    db.session.flush()
    assert load_user_by_token(token) is None


def test_change_password_ends_other_sessions_but_not_the_current_one(pat):
    other_computer = start_session(pat)
    current = start_session(pat)
    assert pat.session_token == current
    change_password(pat, NEW_PASSWORD)
    db.session.flush()
    assert load_user_by_token(other_computer) is None
    assert load_user_by_token(current) is pat


def test_change_password_replaces_the_old_password(pat):
    pat.must_change_password = True
    start_session(pat)
    change_password(pat, NEW_PASSWORD)
    assert authenticate("Pat", NEW_PASSWORD) is pat
    assert authenticate("Pat", PASSWORD) is None
    assert pat.must_change_password is False
