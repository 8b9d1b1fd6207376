"""Running a class through HTTP with CSRF on: editing it, ticking patrons to set work or
remove them (after a confirm page), the table shown by "may need help", the class's
certificates, and the printable sign-in sheet."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from course_app.audit.models import AuditEvent
from course_app.classes.models import Assignment, ClassMember
from course_app.classes.services import create_assignment
from course_app.db import utc_now
from course_app.extensions import db
from tests.certificates.builders import complete_course
from tests.classes.builders import class_world, get_class, get_course, user
from tests.conftest import csrf_token_from, signed_in


@pytest.fixture
def world(app):
    with app.app_context():
        world = class_world(patrons=4)
        create_assignment(
            user("lib"),
            get_class(world),
            get_course(world),
            None,
            None,
            None,
            None,
            utc_now().date(),
        )
        db.session.commit()
    return world


def post_form(client, page_url, url, data):
    token = csrf_token_from(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def names_in_table(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/patrons/\d+">([^<]+)</a>', html)


def test_edit_renames_and_sets_meeting_times_and_notes_audited(app, csrf_app, world):
    client = signed_in(csrf_app, "lib")
    url = f"/classes/{world['class_id']}/edit"
    assert 'value="Tuesday Digital Skills"' in client.get(url).get_data(as_text=True)
    data = {"name": "Tuesday Email", "schedule_note": "Tuesdays 2 pm", "notes": "Room B"}
    assert post_form(client, url, url, data).status_code == 302
    with app.app_context():
        c = get_class(world)
        assert (c.name, c.schedule_note, c.notes) == ("Tuesday Email", "Tuesdays 2 pm", "Room B")
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "class.updated"))
        assert event.details["name"] == {"from": "Tuesday Digital Skills", "to": "Tuesday Email"}
    show = client.get(f"/classes/{world['class_id']}").get_data(as_text=True)
    assert "Room B" in show and "Tuesdays 2 pm" in show
    empty = post_form(client, url, url, {"name": "  ", "schedule_note": "", "notes": ""})
    assert empty.status_code == 400
    assert "Enter a name for the class." in empty.get_data(as_text=True)
    with app.app_context():
        assert get_class(world).name == "Tuesday Email"


def test_tick_everyone_link_ticks_every_row(app, world):
    client = signed_in(app, "lib")
    plain = client.get(f"/classes/{world['class_id']}").get_data(as_text=True)
    assert 'name="user_ids"' in plain and " checked" not in plain
    ticked = client.get(f"/classes/{world['class_id']}?select=all").get_data(as_text=True)
    assert ticked.count(" checked>") == 4


def test_bulk_remove_confirms_then_removes_only_the_ticked(app, csrf_app, world):
    client = signed_in(csrf_app, "lib")
    p1, p2, p3, _ = world["patron_ids"]
    cid = world["class_id"]
    ask = client.get(f"/classes/{cid}/chosen?action=remove&user_ids={p1}&user_ids={p2}")
    html = ask.get_data(as_text=True)
    assert ask.status_code == 200 and "Remove these people from" in html
    assert "Patron 01" in html and "Patron 02" in html and "Patron 03" not in html
    with app.app_context():
        assert len(db.session.scalars(select(ClassMember)).all()) == 4
    token = csrf_token_from(html)
    done = client.post(
        f"/classes/{cid}/members/remove-chosen",
        data={"user_ids": [p1, p2], "csrf_token": token},
    )
    assert done.status_code == 302
    with app.app_context():
        left = set(db.session.scalars(select(ClassMember.user_id)))
        assert left == {p3, world["patron_ids"][3]}
        assert (
            len(
                db.session.scalars(
                    select(AuditEvent).where(AuditEvent.action == "class.member_removed")
                ).all()
            )
            == 2
        )


def test_bulk_assign_sets_the_work_for_each_ticked_patron_alone(app, csrf_app, world):
    client = signed_in(csrf_app, "lib")
    p1, p2, *_ = world["patron_ids"]
    cid = world["class_id"]
    step = client.get(f"/classes/{cid}/chosen?action=assign&user_ids={p1}&user_ids={p2}")
    assert step.status_code == 302
    page_url = step.headers["Location"]
    page = client.get(page_url).get_data(as_text=True)
    assert "For each of these people, for them alone:" in page
    assert "Patron 01, Patron 02" in page
    due = (utc_now().date() + timedelta(days=7)).isoformat()
    response = post_form(
        client,
        page_url,
        page_url,
        {
            "what": f"course-{world['course_id']}",
            "who": "0",
            "user_ids": [p1, p2],
            "due_on": due,
            "note": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        mine = db.session.scalars(select(Assignment.user_id).where(Assignment.user_id.is_not(None)))
        assert sorted(mine) == sorted([p1, p2])


def test_nobody_ticked_says_so_and_changes_nothing(app, world):
    client = signed_in(app, "lib")
    response = client.get(f"/classes/{world['class_id']}/chosen?action=remove")
    assert response.status_code == 302
    assert "Tick at least one person" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert client.get(f"/classes/{world['class_id']}/chosen?action=explode").status_code == 400


def test_the_table_filters_and_sorts_by_may_need_help(app, world):
    with app.app_context():
        # Patron 03 was given the work three weeks ago and has done nothing since.
        weeks_ago = utc_now() - timedelta(days=21)
        p3 = world["patron_ids"][2]
        db.session.scalar(select(ClassMember).where(ClassMember.user_id == p3)).added_at = weeks_ago
        for a in db.session.scalars(select(Assignment)):
            a.created_at = weeks_ago
            a.due_on = utc_now().date() + timedelta(days=2)
        for member in db.session.scalars(select(ClassMember)):
            if member.user_id != p3:
                member.added_at = utc_now()
        db.session.commit()
    client = signed_in(app, "lib")
    cid = world["class_id"]
    everyone = client.get(f"/classes/{cid}").get_data(as_text=True)
    assert names_in_table(everyone) == ["Patron 01", "Patron 02", "Patron 03", "Patron 04"]
    assert "1 person may need help." in everyone
    only = client.get(f"/classes/{cid}?show=help").get_data(as_text=True)
    assert names_in_table(only) == ["Patron 03"]
    first = client.get(f"/classes/{cid}?sort=help").get_data(as_text=True)
    assert names_in_table(first)[0] == "Patron 03"
    bad = client.get(f"/classes/{cid}?show=nonsense&sort=zzz")
    assert bad.status_code == 200
    assert len(names_in_table(bad.get_data(as_text=True))) == 4


def test_the_class_certificates_list(app, world):
    from course_app.certificates.services import issue_certificate

    with app.app_context():
        p1 = user("p1")
        complete_course(p1.learner, get_course(world))
        from tests.classes.builders import add_attempt

        add_attempt(p1, get_course(world), "m1-quiz", 100)
        add_attempt(p1, get_course(world), "m2-quiz", 100)
        issue_certificate(p1.learner, get_course(world), "Patricia One", "en")
        db.session.commit()
    html = signed_in(app, "lib").get(f"/classes/{world['class_id']}/certificates")
    text = html.get_data(as_text=True)
    assert html.status_code == 200
    assert "1 certificate" in text and "Patricia One" in text and "Patron 01" in text


def test_the_sign_in_sheet_lists_everyone_with_space_to_sign(app, world):
    html = signed_in(app, "lib").get(f"/classes/{world['class_id']}/sign-in-sheet")
    text = html.get_data(as_text=True)
    assert html.status_code == 200
    assert all(f"Patron 0{n}" in text for n in range(1, 5))
    assert "Signature" in text and text.count("Space for a visitor") == 5


def test_the_rule_is_shown_with_the_flag_and_a_librarian_marks_it_handled(app, csrf_app, world):
    with app.app_context():
        weeks_ago = utc_now() - timedelta(days=21)
        for a in db.session.scalars(select(Assignment)):
            a.created_at = weeks_ago
            a.due_on = utc_now().date() + timedelta(days=2)
        for member in db.session.scalars(select(ClassMember)):
            member.added_at = weeks_ago
        db.session.commit()
    client = signed_in(csrf_app, "lib")
    cid = world["class_id"]
    page = client.get(f"/classes/{cid}").get_data(as_text=True)
    assert "May need help: no activity for 21 days while work is due" in page
    assert "(rule: more than 14 days, work due within 7 days)" in page
    assert "4 people may need help." in page
    p1 = world["patron_ids"][0]
    url = f"/classes/{cid}/help/{p1}/handled"
    # The button in the row submits the hidden form that posts to that address (the page
    # routes it once and fills in each patron).
    assert f'<button type="submit" form="handled-{p1}"' in page
    assert f'<form id="handled-{p1}" method="post" action="{url}" hidden>' in page
    assert client.post(url).status_code == 400  # no CSRF token: nothing marked
    token = csrf_token_from(page)
    assert client.post(url, data={"csrf_token": token}).status_code == 302
    page = client.get(f"/classes/{cid}").get_data(as_text=True)
    assert "3 people may need help." in page
    assert "Handled " in page
    with app.app_context():
        assert db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "class.help_handled")
        )
    csv_text = client.get(f"/classes/{cid}/export.csv").get_data(as_text=True)
    assert "Handled " in csv_text


def test_help_thresholds_come_from_the_settings(app, world):
    with app.app_context():
        weeks_ago = utc_now() - timedelta(days=21)
        for a in db.session.scalars(select(Assignment)):
            a.created_at = weeks_ago
            a.due_on = utc_now().date() + timedelta(days=2)
        for member in db.session.scalars(select(ClassMember)):
            member.added_at = weeks_ago
        db.session.commit()
    app.config["HELP_IDLE_DAYS"] = 30
    try:
        page = signed_in(app, "lib").get(f"/classes/{world['class_id']}").get_data(as_text=True)
    finally:
        app.config["HELP_IDLE_DAYS"] = 14
    assert "0 people may need help." in page
    assert "No activity for more than 30 days" in page
