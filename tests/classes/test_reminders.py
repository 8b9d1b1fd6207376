"""Due-date reminders: an email in each patron's language about their unfinished dated work,
queued through the mail queue; patrons without an address listed to contact in person; each
reminder recorded on the patron page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from course_app.classes.services import create_assignment
from course_app.db import utc_now
from course_app.extensions import db
from tests.classes.builders import class_world, get_class, get_course, user
from tests.conftest import csrf_token_from, signed_in


@pytest.fixture
def world(app, csrf_app):
    with app.app_context():
        world = class_world(patrons=3)
        due = utc_now().date() + timedelta(days=3)
        create_assignment(
            user("lib"),
            get_class(world),
            get_course(world),
            None,
            None,
            due,
            None,
            utc_now().date(),
        )
        user("p1").email = "p1@example.org"
        user("p2").email = "p2@example.org"
        user("p2").language = "es"
        # p3 has no email address.
        db.session.commit()
    csrf_app.extensions["mail_outbox"] = []
    yield world
    csrf_app.extensions["mail_outbox"] = []


def test_reminders_go_by_email_in_each_language_and_the_rest_are_listed(app, csrf_app, world):
    client = signed_in(csrf_app, "lib")
    url = f"/classes/{world['class_id']}/reminders"
    page = client.get(url).get_data(as_text=True)
    assert "2 people get an email" in page
    assert "Contact in person or by phone" in page and "Patron 03" in page
    assert csrf_app.extensions["mail_outbox"] == []  # nothing sent by looking
    response = client.post(url, data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    outbox = {m["To"]: m for m in csrf_app.extensions["mail_outbox"]}
    assert set(outbox) == {"p1@example.org", "p2@example.org"}
    english = outbox["p1@example.org"].get_content()
    assert "Hello Patron 01" in english and "Course assigned" in english
    assert "Tuesday Digital Skills" in outbox["p1@example.org"]["Subject"]
    spanish = outbox["p2@example.org"]
    assert "recordatorio" in spanish["Subject"].lower()
    assert "Hola Patron 02" in spanish.get_content()
    # Recorded on each patron's page.
    patron_page = signed_in(app, "lib").get(f"/patrons/{world['patron_ids'][0]}")
    assert "due-date reminder about Tuesday Digital Skills" in patron_page.get_data(as_text=True)


def test_one_patron_from_their_page(app, csrf_app, world):
    client = signed_in(csrf_app, "lib")
    p1 = world["patron_ids"][0]
    patron_page = client.get(f"/patrons/{p1}").get_data(as_text=True)
    url = f"/classes/{world['class_id']}/reminders?user_id={p1}"
    assert f'href="{url}"' in patron_page
    page = client.get(url).get_data(as_text=True)
    assert "1 person gets an email" in page and "Patron 02" not in page
    client.post(url, data={"csrf_token": csrf_token_from(page), "user_id": p1})
    assert [m["To"] for m in csrf_app.extensions["mail_outbox"]] == ["p1@example.org"]


def test_without_mail_set_up_everyone_is_listed_and_nothing_is_sent(app, csrf_app, world):
    app.config["MAIL_BACKEND"] = "smtp"
    app.config["MAIL_SERVER"] = ""
    csrf_app.config["MAIL_BACKEND"] = "smtp"
    csrf_app.config["MAIL_SERVER"] = ""
    try:
        client = signed_in(csrf_app, "lib")
        url = f"/classes/{world['class_id']}/reminders"
        page = client.get(url).get_data(as_text=True)
        assert "Email is not set up on this site" in page
        assert "Send the reminders" not in page
        assert client.post(url, data={"csrf_token": csrf_token_from(page)}).status_code == 404
    finally:
        app.config["MAIL_BACKEND"] = "memory"
        csrf_app.config["MAIL_BACKEND"] = "memory"
    assert csrf_app.extensions["mail_outbox"] == []


def test_reminders_need_the_csrf_token_and_a_patron_of_the_class(app, csrf_app, world):
    client = signed_in(csrf_app, "lib")
    url = f"/classes/{world['class_id']}/reminders"
    assert client.post(url).status_code == 400
    assert client.get(url + "?user_id=999999").status_code == 404
    assert csrf_app.extensions["mail_outbox"] == []
