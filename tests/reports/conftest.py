"""Fixtures shared by the report tests that read the hand-worked data set through HTTP."""

from __future__ import annotations

import pytest

from course_app.extensions import db
from tests.conftest import sign_in
from tests.factories import make_user
from tests.reports.dataset import build


@pytest.fixture
def data(app):
    with app.app_context():
        b = build()
        make_user("network-staff", role="staff")
        librarian = make_user("north-librarian", role="librarian")
        librarian.organisation_id = b.tree["north-a"]
        db.session.commit()
        return b


@pytest.fixture
def staff(app, data):
    client = app.test_client()
    assert sign_in(client, "network-staff").status_code == 302
    return client


@pytest.fixture
def librarian(app, data):
    client = app.test_client()
    assert sign_in(client, "north-librarian").status_code == 302
    return client
