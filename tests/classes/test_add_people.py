""" "Add people": a branch of hundreds of patrons is searched and paged, and the page says how
many match, instead of stopping silently at the first 50."""

from __future__ import annotations

import re

import pytest

from course_app.extensions import db
from tests.classes.builders import class_world, place
from tests.conftest import signed_in
from tests.factories import make_user


@pytest.fixture
def crowded(app):
    with app.app_context():
        world = class_world(patrons=0)
        for n in range(1, 121):
            place(make_user(f"crowd{n:03d}", display_name=f"Crowd {n:03d}"), world["north-a"])
        db.session.commit()
    return world


def ticks(html: str) -> list[str]:
    return re.findall(r"Crowd (\d{3}) \(crowd", html)


def test_add_people_pages_through_every_patron_and_says_how_many(app, crowded):
    client = signed_in(app, "lib")
    url = f"/classes/{crowded['class_id']}/members"
    first = client.get(url).get_data(as_text=True)
    # A librarian picks from their own branch: the 120, not North B's patron.
    assert "120 people can be added." in first
    assert "Showing 1 to 50." in first
    assert ticks(first) == [f"{n:03d}" for n in range(1, 51)]
    assert 'rel="next"' in first
    last = client.get(url + "?page=3").get_data(as_text=True)
    assert "Showing 101 to 120." in last
    assert ticks(last) == [f"{n:03d}" for n in range(101, 121)]
    assert 'rel="next"' not in last


def test_add_people_search_counts_the_matches(app, crowded):
    client = signed_in(app, "lib")
    html = client.get(f"/classes/{crowded['class_id']}/members?q=crowd 11").get_data(as_text=True)
    assert "10 people match “crowd 11”." in html
    assert ticks(html) == [f"{n}" for n in range(110, 120)]
    assert "Showing" not in html


def test_a_bad_page_number_shows_the_first_page(app, crowded):
    client = signed_in(app, "lib")
    html = client.get(f"/classes/{crowded['class_id']}/members?page=zero").get_data(as_text=True)
    assert ticks(html)[0] == "001"


def test_a_page_number_past_any_list_shows_the_first_page(app, crowded):
    client = signed_in(app, "lib")
    url = f"/classes/{crowded['class_id']}/members?page=99999999999999999999999"
    html = client.get(url).get_data(as_text=True)
    assert ticks(html)[0] == "001"
