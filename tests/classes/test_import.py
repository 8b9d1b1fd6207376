"""Importing patrons from a CSV file straight into a class (classes/import_views.py)."""

from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import func, select

from course_app.accounts.models import User
from course_app.audit.models import AuditEvent
from course_app.classes.models import ClassMember, LearningClass
from course_app.classes.services import create_class
from course_app.extensions import db
from course_app.libraries.models import Organisation
from tests.classes.builders import class_world, user
from tests.conftest import csrf_token_from, signed_in
from tests.desk.test_views import confirm_data

HEADER = "name,card_number,email,branch\n"
TEN = "".join(f"Learner {n:02d},3000000{n:03d},,\n" for n in range(1, 11))


@pytest.fixture
def world(app):
    with app.app_context():
        world = class_world(patrons=0)
        db.session.commit()
    return world


def upload(client, class_id: int, content: bytes, branch_id: int | None = None):
    page = client.get(f"/classes/{class_id}/import").get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(page), "file": (io.BytesIO(content), "p.csv")}
    if branch_id is not None:
        data["organisation_id"] = str(branch_id)
    return client.post(f"/classes/{class_id}/import", data=data, content_type="multipart/form-data")


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def members(app, class_id: int) -> list[str]:
    with app.app_context():
        return sorted(
            db.session.scalars(
                select(User.display_name)
                .join(ClassMember, ClassMember.user_id == User.id)
                .where(ClassMember.class_id == class_id)
            )
        )


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_the_class_page_links_to_the_import_and_the_branch_defaults_to_the_class(
    app, csrf_app, world
):
    lib = signed_in(csrf_app, "lib")
    show = text(lib.get(f"/classes/{world['class_id']}"))
    assert f'href="/classes/{world["class_id"]}/import">Import patrons from a file' in show
    page = text(lib.get(f"/classes/{world['class_id']}/import"))
    assert "Everyone in the file is also put in the class Tuesday Digital Skills." in page
    assert re.search(rf'<option selected value="{world["north-a"]}">', page)


def test_import_into_a_class_previews_then_makes_everyone_a_member_at_once(app, csrf_app, world):
    lib = signed_in(csrf_app, "lib")
    class_id = world["class_id"]
    before = count_users(app)
    bad = HEADER + TEN.replace("Learner 05,3000000005", ",3000000005")
    preview = upload(lib, class_id, bad.encode())
    assert preview.status_code == 422
    assert "Line 6, column name: The name is missing." in text(preview)
    assert count_users(app) == before and members(app, class_id) == []

    preview = upload(lib, class_id, (HEADER + TEN).encode())
    assert preview.status_code == 200
    page = text(preview)
    assert "Create 10 accounts" in page
    assert f'action="/classes/{class_id}/import/create"' in page
    created = lib.post(f"/classes/{class_id}/import/create", data=confirm_data(page))
    assert created.status_code == 200
    cards = text(created)
    assert "10 accounts are ready and in the class" in cards
    assert cards.count("Temporary password") == 10
    assert members(app, class_id) == [f"Learner {n:02d}" for n in range(1, 11)]
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "patrons.imported"))
        assert event.details["class_id"] == class_id and event.details["count"] == 10
        placed = set(
            db.session.scalars(
                select(User.organisation_id).where(User.display_name.like("Learner%"))
            )
        )
        assert placed == {world["north-a"]}

    again = lib.post(f"/classes/{class_id}/import/create", data=confirm_data(page))
    assert again.status_code == 409 and count_users(app) == before + 10
    assert "These accounts were already made." in text(again)


def test_another_systems_librarian_gets_404_by_id_guessing(app, csrf_app, world):
    south = signed_in(csrf_app, "southlib")
    class_id = world["class_id"]
    assert south.get(f"/classes/{class_id}/import").status_code == 404
    token = csrf_token_from(south.get("/desk/patrons/import").get_data(as_text=True))
    posted = south.post(
        f"/classes/{class_id}/import",
        data={"csrf_token": token, "file": (io.BytesIO((HEADER + TEN).encode()), "p.csv")},
        content_type="multipart/form-data",
    )
    assert posted.status_code == 404
    create = south.post(
        f"/classes/{class_id}/import/create",
        data={"csrf_token": token, "token": "x", "organisation_id": str(world["south-a"])},
    )
    assert create.status_code == 404
    assert members(app, class_id) == []


def test_a_preview_is_saved_only_into_the_class_it_was_made_for(app, csrf_app, world):
    lib = signed_in(csrf_app, "lib")
    with app.app_context():
        other = create_class(
            user("lib"), db.session.get(Organisation, world["north-a"]), "Thursday", None
        )
        db.session.commit()
        other_id = other.id
    before = count_users(app)
    page = text(upload(lib, world["class_id"], (HEADER + TEN).encode()))
    fields = confirm_data(page)
    into_other_class = lib.post(f"/classes/{other_id}/import/create", data=fields)
    assert into_other_class.status_code == 409
    assert "This preview is too old or was changed." in text(into_other_class)
    assert lib.post("/desk/patrons/import/create", data=fields).status_code == 409
    desk_page = lib.get("/desk/patrons/import").get_data(as_text=True)
    desk_preview = lib.post(
        "/desk/patrons/import",
        data={
            "csrf_token": csrf_token_from(desk_page),
            "organisation_id": str(world["north-a"]),
            "file": (io.BytesIO((HEADER + TEN).encode()), "p.csv"),
        },
        content_type="multipart/form-data",
    )
    desk_fields = confirm_data(text(desk_preview))
    refused = lib.post(f"/classes/{world['class_id']}/import/create", data=desk_fields)
    assert refused.status_code == 409
    assert count_users(app) == before


def test_rows_in_a_branch_outside_the_class_system_are_named(app, csrf_app, world, make_user):
    make_user("boss", "staff")
    staff = signed_in(csrf_app, "boss")
    content = (HEADER + "Ana,,,north-b\nLuis,,,south-a\n").encode()
    response = upload(staff, world["class_id"], content)
    assert response.status_code == 422
    assert "Line 3, column branch: This branch is not in the class's library system" in text(
        response
    )
    assert "Line 2" not in text(response).split("Rows in the file")[0]
    with app.app_context():
        assert db.session.get(LearningClass, world["class_id"]) is not None
    assert members(app, world["class_id"]) == []


def test_a_bad_file_for_a_class_is_explained_on_the_class_preview_and_saves_nothing(
    app, csrf_app, world
):
    lib = signed_in(csrf_app, "lib")
    before = count_users(app)
    response = upload(lib, world["class_id"], (HEADER + "Ana,,,nowhere\n").encode())
    assert response.status_code == 422
    page = text(response)
    assert "Line 2, column branch: There is no branch with this code among your libraries." in page
    assert f'action="/classes/{world["class_id"]}/import"' in page
    assert count_users(app) == before and members(app, world["class_id"]) == []
