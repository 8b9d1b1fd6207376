"""The desk's tests share one world: libraries, and a librarian at north-a."""

from __future__ import annotations

import pytest

from course_app.extensions import db
from course_app.libraries.models import Organisation
from course_app.libraries.services import set_user_library
from tests.factories import make_library_tree, make_user


@pytest.fixture
def desk(app_ctx):
    """Libraries, and a librarian at north-a who sees the north system (north-a, north-b)."""
    ids = make_library_tree()
    librarian = make_user("lib", "librarian")
    north_a = db.session.get(Organisation, ids["north-a"])
    set_user_library(None, librarian, north_a, sees_whole_system=True)
    db.session.flush()
    return {
        "ids": ids,
        "librarian": librarian,
        "branch": db.session.get(Organisation, ids["north-a"]),
    }
