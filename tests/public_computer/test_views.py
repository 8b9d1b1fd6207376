"""Public-computer mode: the mark, idle sign-out, Sign out for guests, no-store everywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from course_app.accounts.sign_in import SECURITY_ACTIONS
from course_app.audit.models import AuditEvent
from course_app.db import utc_now
from course_app.extensions import db
from course_app.public_computer import idle
from course_app.public_computer.marker import COOKIE_NAME
from tests.conftest import sign_in
from tests.factories import make_course

IDLE = timedelta(minutes=15)
CHANGES = AuditEvent.action.not_in(SECURITY_ACTIONS)  # sign-ins are audited too


@pytest.fixture
def course(app):
    with app.app_context():
        make_course("test-course")
        db.session.commit()
    return "test-course"


def _mark_by_librarian(client, make_user) -> None:
    make_user("desk-librarian", "librarian")
    assert sign_in(client, "desk-librarian").status_code == 302
    response = client.post("/account/public-computer", data={"public": "yes"})
    assert response.status_code == 302
    client.post("/account/sign-out")


def _marker(client):
    return client.get_cookie(COOKIE_NAME)


def _guest_id(client):
    with client.session_transaction() as session:
        return session.get("guest_learner_id")


class FakeClock:
    def __init__(self, monkeypatch):
        self.now = utc_now()
        monkeypatch.setattr(idle, "utc_now", lambda: self.now)

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock(monkeypatch):
    return FakeClock(monkeypatch)


def test_a_librarian_marks_the_browser_and_it_is_audited(app, client, make_user):
    _mark_by_librarian(client, make_user)
    cookie = _marker(client)
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert "public-bar" in client.get("/").get_data(as_text=True)  # kept after sign-out
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(CHANGES))
        assert event.action == "public_computer.marked"


def test_the_librarian_can_take_the_mark_off(app, client, make_user):
    _mark_by_librarian(client, make_user)
    sign_in(client, "desk-librarian")
    page = client.get("/account/public-computer").get_data(as_text=True)
    assert 'value="yes" checked' in page
    client.post("/account/public-computer", data={"public": "no"})
    assert _marker(client) is None
    assert "public-bar" not in client.get("/").get_data(as_text=True)
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(CHANGES).order_by(AuditEvent.id)
        ).all()
    assert actions == ["public_computer.marked", "public_computer.unmarked"]


@pytest.mark.parametrize("public", ["", "maybe"])
def test_a_missing_or_odd_choice_is_refused_and_changes_nothing(app, client, make_user, public):
    make_user("desk-librarian", "librarian")
    sign_in(client, "desk-librarian")
    response = client.post("/account/public-computer", data={"public": public})
    assert response.status_code == 400
    assert 'id="public-error"' in response.get_data(as_text=True)
    assert _marker(client) is None
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(CHANGES)) is None


def test_patrons_cannot_mark_a_computer(learner_client):
    assert learner_client.get("/account/public-computer").status_code == 403
    assert (
        learner_client.post("/account/public-computer", data={"public": "yes"}).status_code == 403
    )


@pytest.mark.parametrize(
    "value",
    [
        "not-signed",
        URLSafeSerializer("another-secret", salt="public-computer-mark").dumps({"by": 1}),
        URLSafeSerializer("test-secret-key", salt="another-salt").dumps({"by": 1}),
        URLSafeSerializer("test-secret-key", salt="public-computer-mark").dumps(["by", 1]),
    ],
)
def test_a_forged_or_tampered_mark_is_ignored(client, value):
    client.set_cookie(COOKIE_NAME, value)
    response = client.get("/")
    assert "public-bar" not in response.get_data(as_text=True)
    assert response.headers.get("Cache-Control") != "no-store"


def test_an_edited_mark_is_ignored(app, client, make_user):
    _mark_by_librarian(client, make_user)
    value = _marker(client).value
    other_browser = app.test_client()  # this browser's own visit already knows it is public
    other_browser.set_cookie(COOKIE_NAME, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert "public-bar" not in other_browser.get("/").get_data(as_text=True)


def test_every_page_on_a_public_computer_is_not_stored(client, make_user, course):
    _mark_by_librarian(client, make_user)
    for url in ("/", "/courses/test-course", "/my-learning", "/account/sign-in", "/resume"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    assert client.get("/static/site.css").headers.get("Cache-Control") != "no-store"


def test_guest_pages_elsewhere_may_still_be_cached(client, course):
    assert client.get("/courses/test-course").headers.get("Cache-Control") != "no-store"


def test_a_signed_in_patron_is_signed_out_after_15_idle_minutes(client, make_user, clock):
    _mark_by_librarian(client, make_user)
    make_user("patron")
    sign_in(client, "patron")
    clock.advance(IDLE - timedelta(seconds=1))
    assert client.get("/account/").status_code == 200  # activity: the clock starts again
    clock.advance(IDLE - timedelta(seconds=1))
    assert client.get("/account/").status_code == 200
    clock.advance(IDLE)
    response = client.get("/account/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/signed-out")
    assert client.get("/account/").status_code == 302  # signed out: sign-in asked for
    page = client.get("/account/public-computer/signed-out").get_data(as_text=True)
    assert "You were signed out" in page and "15 minutes" in page


def test_the_idle_sign_out_ends_the_server_session_too(app, client, make_user, clock):
    _mark_by_librarian(client, make_user)
    make_user("patron")
    sign_in(client, "patron")
    copied = client.get_cookie("session").value
    clock.advance(IDLE)
    client.get("/")
    thief = app.test_client()
    thief.set_cookie("session", copied)
    clock.advance(-IDLE)  # even a fresh-looking copy of the old cookie signs no one in
    assert thief.get("/account/").status_code == 302


def test_still_here_keeps_the_visit(client, make_user, clock):
    _mark_by_librarian(client, make_user)
    make_user("patron")
    sign_in(client, "patron")
    clock.advance(timedelta(minutes=13))
    assert client.post("/account/public-computer/still-here").status_code == 204
    clock.advance(timedelta(minutes=13))
    assert client.get("/account/").status_code == 200


def test_an_idle_guest_visit_ends_too(client, make_user, clock, course):
    _mark_by_librarian(client, make_user)
    client.post("/courses/test-course/lessons/m1-l1/complete")
    assert _guest_id(client) is not None
    clock.advance(IDLE)
    assert client.get("/my-learning").status_code == 302
    assert _guest_id(client) is None
    assert "status-done" not in client.get("/courses/test-course").get_data(as_text=True)


def test_without_the_mark_nobody_is_signed_out_for_idling(client, make_user, clock):
    make_user("patron")
    sign_in(client, "patron")
    clock.advance(timedelta(hours=3))
    assert client.get("/account/").status_code == 200


def test_sign_out_is_on_every_page_for_guests_and_ends_the_guest_visit(client, make_user, course):
    _mark_by_librarian(client, make_user)
    client.post("/courses/test-course/lessons/m1-l1/complete")
    for url in ("/", "/courses/test-course", "/my-learning", "/resume"):
        page = client.get(url).get_data(as_text=True)
        assert 'action="/account/sign-out"' in page, url
    client.post("/account/sign-out")
    assert _guest_id(client) is None
    assert "status-done" not in client.get("/courses/test-course").get_data(as_text=True)
    assert _marker(client) is not None  # the computer stays public


def test_the_page_script_ending_the_time_signs_out(client, make_user):
    _mark_by_librarian(client, make_user)
    make_user("patron")
    sign_in(client, "patron")
    response = client.post("/account/public-computer/timed-out")
    assert response.headers["Location"].endswith("/account/public-computer/signed-out")
    assert client.get("/account/").status_code == 302


def test_sign_in_offers_no_remember_me_and_sets_no_remember_cookie(client, make_user):
    _mark_by_librarian(client, make_user)
    page = client.get("/account/sign-in").get_data(as_text=True)
    assert "remember" not in page.lower()
    make_user("patron")
    sign_in(client, "patron")
    assert client.get_cookie("remember_token") is None
    session_cookie = client.get_cookie("session")
    assert session_cookie.expires is None  # gone when the browser closes


def test_the_warning_and_its_script_are_on_public_pages(client, make_user):
    _mark_by_librarian(client, make_user)
    page = client.get("/").get_data(as_text=True)
    assert 'id="idle-warning"' in page and 'data-idle-seconds="900"' in page
    assert 'data-warning-seconds="120"' in page
    assert "/static/public_computer.js" in page and "<script>" not in page


# The mark and the idle clock live with the visit (issue 14, point 5)


def test_deleting_the_mark_does_not_stop_a_signed_in_patrons_idle_sign_out(
    client, make_user, clock
):
    _mark_by_librarian(client, make_user)
    make_user("patron")
    sign_in(client, "patron")
    client.delete_cookie(COOKIE_NAME)
    assert "public-bar" in client.get("/").get_data(as_text=True)
    clock.advance(IDLE)
    response = client.get("/account/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/signed-out")
    assert client.get("/account/").status_code == 302


def test_the_idle_clock_is_on_the_server_not_in_the_cookie(app, client, make_user, clock):
    """A copy of the session cookie from before the idle time carries a fresh-looking clock;
    the server's clock still ends the session."""
    _mark_by_librarian(client, make_user)
    make_user("patron")
    sign_in(client, "patron")
    fresh_copy = client.get_cookie("session").value
    clock.advance(IDLE)
    other = app.test_client()
    other.set_cookie("session", fresh_copy)  # no mark, and the clock the cookie carries is old
    with other.session_transaction() as visit:
        visit["public_seen_at"] = clock.now.timestamp()  # a forged, fresh clock in the cookie
    assert other.get("/account/").status_code == 302


def test_deleting_the_mark_does_not_stop_a_guests_idle_end(client, make_user, clock, course):
    _mark_by_librarian(client, make_user)
    client.post("/courses/test-course/lessons/m1-l1/complete")
    client.delete_cookie(COOKIE_NAME)
    clock.advance(IDLE)
    assert client.get("/my-learning").status_code == 302
    assert _guest_id(client) is None


def test_taking_the_mark_off_ends_public_mode_for_the_visit(client, make_user):
    _mark_by_librarian(client, make_user)
    sign_in(client, "desk-librarian")
    assert client.post("/account/public-computer", data={"public": "no"}).status_code == 302
    client.post("/account/sign-out")
    assert "public-bar" not in client.get("/").get_data(as_text=True)
