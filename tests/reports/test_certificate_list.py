"""The certificates list for staff and librarians: filters by library, class, course and
issue date; the CSV holds the same rows; a librarian sees only their library's patrons."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from course_app.certificates.models import Certificate
from course_app.extensions import db
from tests.certificates.builders import certificate_for
from tests.classes.builders import class_world, get_class, place, user
from tests.conftest import signed_in
from tests.factories import make_course, make_user
from tests.reports.pages import csv_rows, table_rows


@pytest.fixture
def world(app):
    with app.app_context():
        world = class_world(patrons=2)
        from course_app.classes.services import create_assignment

        alpha = make_course("alpha", modules=1, lessons_per_module=1, with_quiz=False)
        beta = make_course("beta", modules=1, lessons_per_module=1, with_quiz=False)
        create_assignment(
            user("lib"), get_class(world), alpha, None, None, None, None, date(2026, 1, 1)
        )
        when = {
            ("p1", "alpha"): datetime(2026, 3, 5, tzinfo=UTC),
            ("p2", "beta"): datetime(2026, 6, 1, tzinfo=UTC),
            ("southpat", "alpha"): datetime(2026, 3, 10, tzinfo=UTC),
        }
        courses = {"alpha": alpha, "beta": beta}
        for (who, slug), at in when.items():
            cert = certificate_for(who, courses[slug], name=f"{who} printed")
            cert.issued_at = at
        place(make_user("nb", display_name="Northgate B"), world["north-b"])
        make_user("boss", "staff")
        db.session.commit()
        world["alpha"], world["beta"] = alpha.id, beta.id
    return world


def names(html: str) -> list[str]:
    return [row[0] for row in table_rows(html, "certificates-table")[1:]]


def test_staff_see_every_library_newest_first_and_the_csv_matches(app, world):
    client = signed_in(app, "boss")
    html = client.get("/reports/certificates").get_data(as_text=True)
    assert names(html) == ["p2 printed", "southpat printed", "p1 printed"]
    assert "North A (North Library)" in html and "South A (South Library)" in html
    download = csv_rows(client.get("/reports/certificates.csv").data)
    assert download[0][:4] == ["Name printed", "Patron", "Username", "Library"]
    assert [row[0] for row in download[1:]] == names(html)
    assert download[1][5] == "2026-06-01" and download[1][6] == "Valid"


def test_filters_by_date_library_class_and_course(app, world):
    client = signed_in(app, "boss")
    march = client.get("/reports/certificates?start=2026-03-01&end=2026-03-31")
    assert names(march.get_data(as_text=True)) == ["southpat printed", "p1 printed"]
    north = client.get(f"/reports/certificates?organisation_id={world['north']}")
    assert names(north.get_data(as_text=True)) == ["p2 printed", "p1 printed"]
    in_class = client.get(f"/reports/certificates?class_id={world['class_id']}")
    assert names(in_class.get_data(as_text=True)) == ["p1 printed"]  # beta is not set there
    beta = client.get(f"/reports/certificates?course_id={world['beta']}")
    assert names(beta.get_data(as_text=True)) == ["p2 printed"]
    csv_march = csv_rows(
        client.get("/reports/certificates.csv?start=2026-03-01&end=2026-03-31").data
    )
    assert [row[0] for row in csv_march[1:]] == ["southpat printed", "p1 printed"]


def test_a_librarian_sees_only_their_librarys_patrons(app, world):
    html = signed_in(app, "lib").get("/reports/certificates").get_data(as_text=True)
    assert names(html) == ["p2 printed", "p1 printed"]
    assert "southpat" not in html
    download = csv_rows(signed_in(app, "lib").get("/reports/certificates.csv").data)
    assert [row[0] for row in download[1:]] == ["p2 printed", "p1 printed"]
    # Another system's library is not a choice for them.
    other = signed_in(app, "lib").get(f"/reports/certificates?organisation_id={world['south']}")
    assert other.status_code == 400


@pytest.mark.parametrize(
    "query",
    ["start=2026-05-01&end=2026-04-01", "start=not-a-date", "course_id=abc", "page=0"],
)
def test_bad_filters_get_a_clear_message(app, world, query):
    client = signed_in(app, "boss")
    assert client.get(f"/reports/certificates?{query}").status_code == 400
    assert client.get(f"/reports/certificates.csv?{query}").status_code == 400


def test_each_row_links_to_the_correction_page(app, world):
    with app.app_context():
        cert_id = db.session.scalar(
            select(Certificate.id).where(Certificate.recipient_name == "p1 printed")
        )
        p1 = user("p1").id
    html = signed_in(app, "lib").get("/reports/certificates").get_data(as_text=True)
    assert f'href="/patrons/{p1}/certificates/{cert_id}/reissue"' in html
