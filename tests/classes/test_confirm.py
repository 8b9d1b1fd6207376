""" "New class code", "Archive" and "Remove from class" ask first, on a page of their own that
works without JavaScript; only the confirming POST (with its CSRF token) changes anything."""

from __future__ import annotations

import pytest

from course_app.classes.models import ClassMember
from course_app.extensions import db
from tests.classes.builders import class_world, get_class
from tests.conftest import csrf_token_from, signed_in


@pytest.fixture
def world(app):
    with app.app_context():
        world = class_world()
        db.session.commit()
    return world


def confirm(client, url: str, button: str) -> object:
    """Opens the confirm page, checks it asks, then submits its form as a browser would."""
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert button in html
    data = {"csrf_token": csrf_token_from(html)}
    if 'name="archived" value="yes"' in html:
        data["archived"] = "yes"
    return client.post(url, data=data)


def test_new_class_code_asks_first_and_changes_only_when_confirmed(app, csrf_app, world):
    client = signed_in(csrf_app, "lib")
    with app.app_context():
        old = get_class(world).join_code
    show = client.get(f"/classes/{world['class_id']}").get_data(as_text=True)
    assert f'href="/classes/{world["class_id"]}/join-code"' in show
    url = f"/classes/{world['class_id']}/join-code"
    assert old in client.get(url).get_data(as_text=True)  # names the code that will stop
    with app.app_context():
        assert get_class(world).join_code == old
    assert client.post(url).status_code == 400  # no token, nothing changes
    with app.app_context():
        assert get_class(world).join_code == old
    assert confirm(client, url, "Yes, make a new code").status_code == 302
    with app.app_context():
        assert get_class(world).join_code != old


def test_archive_asks_first(app, csrf_app, world):
    client = signed_in(csrf_app, "lib")
    url = f"/classes/{world['class_id']}/archive"
    assert "Archive Tuesday Digital Skills?" in client.get(url).get_data(as_text=True)
    with app.app_context():
        assert get_class(world).archived is False
    assert confirm(client, url, "Yes, archive the class").status_code == 302
    with app.app_context():
        assert get_class(world).archived is True
    assert "Make Tuesday Digital Skills active again?" in client.get(url).get_data(as_text=True)


def test_remove_from_class_asks_first(app, csrf_app, world):
    client = signed_in(csrf_app, "lib")
    patron = world["patron_ids"][0]
    members = client.get(f"/classes/{world['class_id']}/members").get_data(as_text=True)
    url = f"/classes/{world['class_id']}/members/{patron}/remove"
    assert f'href="{url}"' in members
    page = client.get(url).get_data(as_text=True)
    assert "Remove Patron 01 from Tuesday Digital Skills?" in page
    with app.app_context():
        assert db.session.scalar(db.select(ClassMember).filter_by(user_id=patron)) is not None
    assert confirm(client, url, "Yes, remove from class").status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(ClassMember).filter_by(user_id=patron)) is None
