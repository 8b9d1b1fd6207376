"""Sessions end on the server (idle and absolute limits, shorter for staff roles); a person sees
their sessions and signs out everywhere else; staff type their password again before
staff-only pages after a while (issue 14, point 4)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from course_app.accounts.models import User, UserSession
from course_app.extensions import db
from tests.conftest import PASSWORD, signed_in


def age_sessions(app, username: str, **ago: timedelta) -> None:
    """Moves the user's open sessions' times back, e.g. last_seen_at=timedelta(hours=3)."""
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == username))
        for row in db.session.scalars(select(UserSession).where(UserSession.user_id == user_id)):
            for column, delta in ago.items():
                setattr(row, column, getattr(row, column) - delta)
        db.session.commit()


def is_signed_in(client) -> bool:
    return client.get("/account/").status_code == 200


def test_an_idle_patron_session_ends_on_the_server(app, make_user):
    make_user("idle-pat")
    client = signed_in(app, "idle-pat")
    age_sessions(app, "idle-pat", last_seen_at=timedelta(minutes=100))
    assert is_signed_in(client)  # within the patron's 120 minutes, and noted as seen now
    age_sessions(app, "idle-pat", last_seen_at=timedelta(minutes=121))
    assert not is_signed_in(client)
    with app.app_context():
        [row] = db.session.scalars(select(UserSession)).all()
        assert row.ended_at is not None


def test_a_session_older_than_the_absolute_limit_ends_even_if_used(app, make_user):
    make_user("old-pat")
    client = signed_in(app, "old-pat")
    age_sessions(app, "old-pat", created_at=timedelta(days=400))
    assert not is_signed_in(client)


def test_staff_roles_have_shorter_limits_than_patrons(app, make_user):
    make_user("short-lib", "librarian")
    make_user("long-pat")
    librarian, patron = signed_in(app, "short-lib"), signed_in(app, "long-pat")
    for name in ("short-lib", "long-pat"):
        age_sessions(app, name, last_seen_at=timedelta(minutes=31))
    assert not is_signed_in(librarian)
    assert is_signed_in(patron)


def test_the_session_list_and_sign_out_everywhere_else(app, make_user):
    make_user("two-places")
    here = signed_in(app, "two-places")
    there = app.test_client()
    there.environ_base.update(REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Phone Browser 1.0")
    assert (
        there.post(
            "/account/sign-in", data={"username": "two-places", "password": PASSWORD}
        ).status_code
        == 302
    )
    page = here.get("/account/sessions").get_data(as_text=True)
    assert "Phone Browser 1.0" in page and "198.51.100.7" in page and "this browser" in page
    response = here.post("/account/sessions/end-others")
    assert response.status_code == 302
    assert not is_signed_in(there)
    assert is_signed_in(here)
    assert "Phone Browser 1.0" not in here.get("/account/sessions").get_data(as_text=True)


def test_staff_type_their_password_again_before_staff_pages_after_a_while(app, make_user):
    make_user("fresh-lib", "librarian")
    client = signed_in(app, "fresh-lib")
    assert client.get("/desk/patrons").status_code == 200
    age_sessions(app, "fresh-lib", authenticated_at=timedelta(minutes=16))
    response = client.get("/desk/patrons?q=ana")
    assert response.status_code == 302
    assert "/account/confirm-password?next=/desk/patrons?q%3Dana" in response.headers["Location"]
    wrong = client.post(
        "/account/confirm-password", data={"password": "not my password", "next": "/desk/patrons"}
    )
    assert wrong.status_code == 400
    assert client.get("/desk/patrons").status_code == 302
    right = client.post(
        "/account/confirm-password", data={"password": PASSWORD, "next": "/desk/patrons"}
    )
    assert right.status_code == 302 and right.headers["Location"] == "/desk/patrons"
    assert client.get("/desk/patrons").status_code == 200


def test_a_form_sent_with_a_stale_password_goes_back_to_its_page_after_confirming(app, make_user):
    make_user("post-lib", "librarian")
    client = signed_in(app, "post-lib")
    age_sessions(app, "post-lib", authenticated_at=timedelta(minutes=16))
    response = client.post(
        "/desk/patrons/new",
        data={"name": "Ana"},
        headers={"Referer": "http://localhost/desk/patrons/new"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("next=/desk/patrons/new")


def test_patron_pages_never_ask_for_the_password_again(app, make_user):
    make_user("calm-pat")
    client = signed_in(app, "calm-pat")
    age_sessions(app, "calm-pat", authenticated_at=timedelta(hours=5))
    assert is_signed_in(client)
