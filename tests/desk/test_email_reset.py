"""A reset code by email, for patrons who have an address: sent after the commit, in their
language, without telling anyone whether an account or an address exists."""

from __future__ import annotations

import re

from sqlalchemy import select

from course_app.audit.models import AuditEvent
from course_app.extensions import db

NOTICE = "If that account has an email address, we sent a code to it."


def outbox(app):
    return app.extensions.setdefault("mail_outbox", [])


def test_a_patron_with_an_email_gets_a_code_that_resets_the_password(app, client, make_user):
    make_user("rosa", email="rosa@example.org")
    outbox(app).clear()
    response = client.post("/account/reset/email", data={"username": "Rosa"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/reset?username=Rosa")
    assert NOTICE in client.get(response.headers["Location"]).get_data(as_text=True)
    [message] = outbox(app)
    assert message["To"] == "rosa@example.org"
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", message.get_content()).group(1)
    done = client.post(
        "/account/reset",
        data={"username": "rosa", "code": code, "password": "a brand new passphrase"},
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/account/sign-in")
    signed_in = client.post(
        "/account/sign-in", data={"username": "rosa", "password": "a brand new passphrase"}
    )
    assert signed_in.status_code == 302
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "reset_code.issued")
        )
        assert event.actor_id is None


def test_unknown_accounts_and_accounts_without_email_get_the_same_answer(app, client, make_user):
    make_user("noemail")
    outbox(app).clear()
    for username in ("noemail", "nobody-here"):
        response = client.post(
            "/account/reset/email", data={"username": username}, follow_redirects=True
        )
        assert NOTICE in response.get_data(as_text=True)
    assert outbox(app) == []


def test_the_email_is_in_the_patrons_language(app, client, make_user):
    make_user("ana", email="ana@example.org", language="es")
    outbox(app).clear()
    client.post("/account/reset/email", data={"username": "ana"})
    [message] = outbox(app)
    assert "código" in message["Subject"].lower() or "código" in message.get_content().lower()


def test_without_email_set_up_the_page_does_not_exist(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    assert client.get("/account/reset/email").status_code == 404
    assert "Get a code by email" not in client.get("/account/reset").get_data(as_text=True)


def test_an_empty_username_is_refused_with_a_message(app, client):
    response = client.post("/account/reset/email", data={"username": ""})
    assert response.status_code == 400
    assert "Type your username." in response.get_data(as_text=True)


def test_the_answer_does_the_same_work_for_any_username_and_mails_after_it(
    app, client, make_user, monkeypatch
):
    """Timing tells nothing (issue 14, point 3): the request only queues a job; the lookup,
    the code and the mail happen after the response."""
    from dataclasses import replace

    from course_app.desk.models import ResetCode
    from course_app.jobs import huey

    make_user("rosa", email="rosa@example.org")
    outbox(app).clear()
    inline = app.extensions["jobs"]  # this app's queue (course_app/jobs.py)
    # Keep jobs queued, as a worker would find them.
    monkeypatch.setitem(app.extensions, "jobs", replace(inline, immediate=False))
    for username in ("rosa", "nobody-here"):
        response = client.post("/account/reset/email", data={"username": username})
        assert response.status_code == 302
    assert outbox(app) == []
    with app.app_context():
        assert db.session.scalar(select(ResetCode.id)) is None
    with app.app_context():  # the app's own queue
        queued = [huey.dequeue(), huey.dequeue()]
        assert huey.dequeue() is None
    assert [task.name for task in queued] == [
        "course_app.desk.password_views.email_reset_code"
    ] * 2
    monkeypatch.setitem(app.extensions, "jobs", inline)
    with app.app_context():
        for task in queued:
            huey.execute(task)
    [message] = outbox(app)
    assert message["To"] == "rosa@example.org"
