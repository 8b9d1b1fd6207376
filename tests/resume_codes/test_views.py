"""Resume codes through HTTP: getting one, entering it on another computer, the limits."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course_app import create_app
from course_app.accounts.models import Learner
from course_app.config import TestConfig
from course_app.db import utc_now
from course_app.extensions import db, limiter
from course_app.resume_codes import services
from tests.conftest import ROOT, sign_in
from tests.factories import make_course

CODE_RE = re.compile(r'class="resume-code code">([A-Z0-9]{4}-[A-Z0-9]{4})<')


@pytest.fixture
def course(app):
    with app.app_context():
        make_course("test-course")
        db.session.commit()
    return "test-course"


def _guest_id(client) -> int | None:
    with client.session_transaction() as session:
        return session.get("guest_learner_id")


def _get_code(client) -> str:
    response = client.post("/my-learning/resume-code")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return CODE_RE.search(response.get_data(as_text=True)).group(1)


def test_guests_with_progress_are_offered_a_code_in_plain_words(client, course):
    client.post("/courses/test-course/lessons/m1-l1/complete")
    for url in ("/my-learning", "/courses/test-course"):
        page = client.get(url).get_data(as_text=True)
        assert "Use this code to come back to your lessons on another computer." in page
        assert "Keep it private." in page
        assert 'href="/my-learning/resume-code"' in page


def test_guests_without_progress_are_shown_where_to_enter_a_code(client, course):
    page = client.get("/my-learning").get_data(as_text=True)
    assert 'href="/resume"' in page
    page = client.get("/my-learning/resume-code").get_data(as_text=True)
    assert "Start a course first" in page


def test_the_code_page_shows_the_code_grouped_with_a_qr_code_to_the_resume_page(client, course):
    client.post("/courses/test-course/lessons/m1-l1/complete")
    response = client.post("/my-learning/resume-code")
    page = response.get_data(as_text=True)
    code = CODE_RE.search(page).group(1)
    assert '<svg role="img" aria-label="QR code' in page
    assert "If nobody uses it for a year, it stops working." in page
    # Asking again does not show the old code: it was never stored.
    again = client.get("/my-learning/resume-code").get_data(as_text=True)
    assert code not in again and "We cannot show it again" in again


def test_a_code_brings_the_progress_to_another_browser_and_merges_what_is_there(
    app, client, course
):
    client.post("/courses/test-course/lessons/m1-l1/complete")
    owner_id = _guest_id(client)
    code = _get_code(client)
    other = app.test_client()
    other.post("/courses/test-course/lessons/m2-l1/complete")
    other_guest_id = _guest_id(other)
    response = other.post("/resume", data={"code": code.lower().replace("-", " ")})
    assert response.status_code == 302 and response.headers["Location"] == "/my-learning"
    assert _guest_id(other) == owner_id
    page = other.get("/courses/test-course").get_data(as_text=True)
    assert page.count('class="status status-done"') == 2
    with app.app_context():
        assert db.session.get(Learner, other_guest_id) is None
        assert db.session.scalar(select(func.count()).select_from(Learner)) == 1


def test_a_wrong_code_gets_a_clear_message_and_changes_nothing(app, client, course):
    client.post("/courses/test-course/lessons/m1-l1/complete")
    guest_id = _guest_id(client)
    response = client.post("/resume", data={"code": "K7QM-4XPA"})
    assert response.status_code == 400
    assert "We could not find that code." in response.get_data(as_text=True)
    assert _guest_id(client) == guest_id


@pytest.mark.parametrize("code", ["", "K7QM", "K7QM-4XP!", "X" * 41])
def test_a_malformed_code_is_named_next_to_the_field(client, course, code):
    response = client.post("/resume", data={"code": code})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="code-error"' in page and 'aria-invalid="true"' in page


def test_an_expired_code_says_so(app, client, course, monkeypatch):
    client.post("/courses/test-course/lessons/m1-l1/complete")
    code = _get_code(client)
    monkeypatch.setattr(services, "utc_now", lambda: utc_now() + timedelta(days=366))
    response = app.test_client().post("/resume", data={"code": code})
    assert response.status_code == 400
    assert "not been used for over a year" in response.get_data(as_text=True)


def test_the_qr_code_carries_the_code_after_a_hash_so_it_never_reaches_the_server(
    client, course, monkeypatch
):
    """Issue 14, point 11: the part after "#" is not sent, so access logs never see it."""
    from course_app.resume_codes import views

    encoded = []
    real_qr = views.qr_svg
    monkeypatch.setattr(
        views, "qr_svg", lambda url, label: encoded.append(url) or real_qr(url, label)
    )
    client.post("/courses/test-course/lessons/m1-l1/complete")
    page = client.post("/my-learning/resume-code").get_data(as_text=True)
    code = CODE_RE.search(page).group(1)
    assert encoded == [f"http://localhost/resume#{code}"]
    assert f"/resume/{code}" not in page
    enter = client.get("/resume").get_data(as_text=True)
    assert "resume_code.js" in enter


def test_an_old_qr_address_fills_in_the_form_once_without_the_code_in_the_address(
    app, client, course
):
    client.post("/courses/test-course/lessons/m1-l1/complete")
    code = _get_code(client)
    other = app.test_client()
    response = other.get(f"/resume/{code}")
    assert response.status_code == 302 and response.headers["Location"] == "/resume"
    assert response.headers["Cache-Control"] == "no-store"
    page = other.get("/resume")
    assert f'value="{code}"' in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert f'value="{code}"' not in other.get("/resume").get_data(as_text=True)
    assert _guest_id(other) is None
    other.get("/resume/not-a-code")
    assert 'value=""' in other.get("/resume").get_data(as_text=True)


def test_after_sign_up_the_account_keeps_the_progress_and_the_code_stops(app, client, course):
    client.post("/courses/test-course/lessons/m1-l1/complete")
    code = _get_code(client)
    other = app.test_client()
    assert other.post("/resume", data={"code": code}).status_code == 302
    response = other.post(
        "/account/sign-up", data={"username": "newmember", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert "status-done" in other.get("/courses/test-course").get_data(as_text=True)
    stranger = app.test_client()
    assert stranger.post("/resume", data={"code": code}).status_code == 400
    assert client.post("/resume", data={"code": code}).status_code == 400


def test_signed_in_people_are_sent_to_my_learning(learner_client):
    for url in ("/resume", "/resume/K7QM-4XPA", "/my-learning/resume-code"):
        response = learner_client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/my-learning"


@pytest.fixture
def limited_app(app, database_url):
    class LimitedConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = False
        COURSES_DIR = str(ROOT / "courses")
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = "memory://"
        SIGN_IN_RATE_LIMIT = "3 per minute"

    was_enabled = limiter.enabled
    limited = create_app(LimitedConfig)
    yield limited
    limiter.reset()
    limiter.enabled = was_enabled
    with limited.app_context():
        for engine in db.engines.values():
            engine.dispose()


def test_entering_codes_is_rate_limited_like_sign_in(limited_app, course):
    client = limited_app.test_client()
    for _ in range(3):
        assert client.post("/resume", data={"code": "K7QM-4XPA"}).status_code == 400
    response = client.post("/resume", data={"code": "K7QM-4XPA"})
    assert response.status_code == 429
    assert "Too many tries" in response.get_data(as_text=True)
    assert client.get("/resume").status_code == 200


def test_sign_in_still_works_for_a_guest_who_has_a_code(app, client, course, make_user):
    make_user("member")
    client.post("/courses/test-course/lessons/m1-l1/complete")
    code = _get_code(client)
    assert sign_in(client, "member").status_code == 302
    assert app.test_client().post("/resume", data={"code": code}).status_code == 400
