"""The audit log for staff: changes in words, filters by date, person, action and library,
a CSV of the same rows, and the command line shown as the system user who ran it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from course_app.audit.models import AuditEvent
from course_app.audit.services import command_line_user
from course_app.extensions import db
from course_app.libraries.models import Organisation
from course_app.libraries.services import set_user_library
from tests.classes.builders import class_world, user
from tests.conftest import signed_in
from tests.factories import make_user
from tests.reports.pages import csv_rows, table_rows
from tests.test_query_counts import count_queries


@pytest.fixture
def world(app):
    with app.app_context():
        world = class_world(patrons=2)
        make_user("boss", "staff")
        north_b = db.session.get(Organisation, world["north-b"])
        set_user_library(user("lib"), user("p1"), north_b)
        db.session.commit()
    return world


def sentences(html: str) -> list[str]:
    if 'id="audit-table"' not in html:
        return []
    return [row[2] for row in table_rows(html, "audit-table")[1:]]


def test_changes_are_told_in_words_never_field_names(app, world):
    html = signed_in(app, "boss").get("/admin/audit").get_data(as_text=True)
    said = sentences(html)
    assert "Moved Patron 01 (p1) from North A to North B" in said
    assert "Added Patron 02 (p2) to the class “Tuesday Digital Skills”" in said
    assert "Created the class “Tuesday Digital Skills”" in said
    assert "previous_organisation_id" not in html and "user_id" not in html


def test_the_command_line_is_shown_as_the_system_user_who_ran_it(app, world):
    result = app.test_cli_runner().invoke(args=["users", "set-role", "boss", "admin"])
    assert result.exit_code == 0, result.output
    html = signed_in(app, "boss").get("/admin/audit?action=user.role_changed")
    rows = table_rows(html.get_data(as_text=True), "audit-table")[1:]
    assert rows[0][1] == f"Command line, run by {command_line_user()}"
    assert rows[0][2] == "Changed the role of boss (boss) from network staff to administrator"


def test_filters_by_person_action_library_and_dates(app, world):
    client = signed_in(app, "boss")
    # p1 is the subject of being added to the class and of the move.
    about_p1 = sentences(client.get("/admin/audit?person=p1").get_data(as_text=True))
    assert about_p1 and all("Patron 01" in s for s in about_p1)
    # lib made the class and the move.
    by_lib = sentences(client.get("/admin/audit?person=LIB").get_data(as_text=True))
    assert "Moved Patron 01 (p1) from North A to North B" in by_lib
    moves = sentences(client.get("/admin/audit?action=user.library_set").get_data(as_text=True))
    assert moves and all(s.startswith(("Moved", "Placed")) for s in moves)
    south = sentences(
        client.get(f"/admin/audit?organisation_id={world['south']}").get_data(as_text=True)
    )
    assert south and all("North" not in s for s in south)
    with app.app_context():
        for event in db.session.scalars(select(AuditEvent)):
            event.at = datetime(2026, 1, 15, tzinfo=UTC)
        db.session.commit()
    assert sentences(client.get("/admin/audit?start=2026-02-01").get_data(as_text=True)) == []
    january = client.get("/admin/audit?start=2026-01-01&end=2026-01-31").get_data(as_text=True)
    everything = client.get("/admin/audit").get_data(as_text=True)
    assert sentences(january) == sentences(everything) != []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("person=nobody-here", "Nobody has this username."),
        ("start=2026-05-01&end=2026-04-01", "The end date must be on or after the start date."),
        ("action=drop.tables", "Not a valid choice"),
        ("start=yesterday", "Not a valid date value"),
    ],
)
def test_bad_filters_get_a_clear_message(app, world, query, message):
    client = signed_in(app, "boss")
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    csv_response = client.get(f"/admin/audit/export.csv?{query}")
    assert csv_response.status_code == 400
    assert message in csv_response.get_data(as_text=True)


def test_the_csv_holds_the_same_rows_in_words(app, world):
    client = signed_in(app, "boss")
    screen = table_rows(client.get("/admin/audit?person=p1").get_data(as_text=True), "audit-table")
    download = csv_rows(client.get("/admin/audit/export.csv?person=p1").data)
    assert download[0] == ["When (UTC)", "Who", "What", "Details", "Library"]
    assert [row[3] for row in download[1:]] == [row[2] for row in screen[1:]]
    assert [row[1] for row in download[1:]] == [row[1] for row in screen[1:]]


def test_the_page_reads_a_fixed_number_of_queries(app, world):
    client = signed_in(app, "boss")
    client.get("/admin/audit")
    with count_queries(app) as few:
        client.get("/admin/audit")
    with app.app_context():
        lib = user("lib")
        for n in range(30):
            patron = make_user(f"extra{n}")
            set_user_library(lib, patron, db.session.get(Organisation, world["south-a"]))
        db.session.commit()
    with count_queries(app) as many:
        client.get("/admin/audit")
    assert len(many) == len(few)
