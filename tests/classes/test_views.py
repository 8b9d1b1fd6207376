"""Class pages with CSRF on: creating, picking, assigning, joining; the CSV export; the
query count of the class page; other library systems' classes are 404 by id guessing."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from course_app.audit.models import AuditEvent
from course_app.classes.models import Assignment, ClassMember, LearningClass
from course_app.classes.services import create_assignment
from course_app.extensions import db
from tests.classes.builders import (
    add_attempt,
    class_world,
    complete_lessons,
    get_class,
    get_course,
    place,
    user,
)
from tests.conftest import csrf_token_from, signed_in
from tests.factories import make_user
from tests.test_query_counts import count_queries


@pytest.fixture
def world(app):
    with app.app_context():
        world = class_world()
        db.session.commit()
    return world


def post_form(client, url, data):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_librarian_creates_a_class_picks_patrons_and_assigns_with_csrf_on(app, csrf_app, world):
    with app.app_context():
        place(make_user("newbie", display_name="Nell Newbie"), world["north-a"])
        db.session.commit()
        newbie_id = user("newbie").id
    client = signed_in(csrf_app, "lib")
    assert client.post("/classes/new", data={"name": "No token"}).status_code == 400
    response = post_form(
        client,
        "/classes/new",
        {"organisation_id": world["north-a"], "name": " Thursday  Email ", "schedule_note": ""},
    )
    assert response.status_code == 302
    with app.app_context():
        new_class = db.session.scalar(
            select(LearningClass).where(LearningClass.name == "Thursday Email")
        )
        class_id = new_class.id
    page = client.get(f"/classes/{class_id}/members?q=nell").get_data(as_text=True)
    assert "Nell Newbie (newbie)" in page
    response = post_form(
        client, f"/classes/{class_id}/members?q=nell", {"user_ids": str(newbie_id)}
    )
    assert response.status_code == 302
    due = (date.today() + timedelta(days=7)).isoformat()
    response = post_form(
        client,
        f"/classes/{class_id}/assignments/new",
        {"what": f"course-{world['course_id']}", "who": "0", "due_on": due, "note": "Read it"},
    )
    assert response.status_code == 302
    page = client.get(f"/classes/{class_id}").get_data(as_text=True)
    assert "Nell Newbie" in page and "Not started" in page and "Read it" in page
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"class.created", "class.member_added", "assignment.created"} <= actions


def test_bad_assignment_input_is_refused_with_a_message_and_changes_nothing(app, world):
    client = signed_in(app, "lib")
    url = f"/classes/{world['class_id']}/assignments/new"
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = client.post(
        url, data={"what": f"course-{world['course_id']}", "who": "0", "due_on": yesterday}
    )
    assert response.status_code == 400
    assert "Choose today or a later date." in response.get_data(as_text=True)
    response = client.post(url, data={"what": "course-999999", "who": "0"})
    assert response.status_code == 400
    response = client.post(
        url, data={"what": f"course-{world['course_id']}", "who": "0", "due_on": "31/02/2027"}
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Assignment.id)) is None


def test_picking_another_systems_patron_by_id_adds_nobody(app, world):
    client = signed_in(app, "lib")
    with app.app_context():
        south = user("southpat").id
    response = client.post(f"/classes/{world['class_id']}/members", data={"user_ids": south})
    assert response.status_code == 400
    assert "Nobody was added" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ClassMember).where(ClassMember.user_id == south)) is None


def test_another_systems_librarian_gets_404_on_every_class_url(app, world):
    client = signed_in(app, "southlib")
    cid = world["class_id"]
    with app.app_context():
        member = world["patron_ids"][0]
        assignment = create_assignment(
            user("lib"), get_class(world), get_course(world), None, None, None, None, date.today()
        ).id
        db.session.commit()
    for url in (
        f"/classes/{cid}",
        f"/classes/{cid}/export.csv",
        f"/classes/{cid}/roster",
        f"/classes/{cid}/members",
        f"/classes/{cid}/assignments/new",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/classes/{cid}/members/{member}/remove",
        f"/classes/{cid}/join-code",
        f"/classes/{cid}/archive",
        f"/classes/{cid}/assignments/{assignment}/remove",
    ):
        assert client.post(url, data={"archived": "yes"}).status_code == 404, url
    with app.app_context():
        assert get_class(world).archived is False
        assert db.session.get(Assignment, assignment) is not None


def test_a_patron_joins_with_a_code_after_signing_in_and_sees_the_work(app, csrf_app, world):
    with app.app_context():
        code = get_class(world).join_code
        create_assignment(
            user("lib"),
            get_class(world),
            get_course(world),
            None,
            None,
            date.today() + timedelta(days=3),
            "Bring your phone",
            date.today(),
        )
        db.session.commit()
    guest = csrf_app.test_client()
    response = guest.get(f"/join?code={code}")
    assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"]
    assert "next=" in response.headers["Location"]
    client = signed_in(csrf_app, "northb")
    response = post_form(client, "/join", {"code": "nope"})
    assert response.status_code == 400
    assert "No class has this code" in response.get_data(as_text=True)
    response = post_form(client, "/join", {"code": code.lower()})
    assert response.status_code == 302
    page = client.get("/my-learning").get_data(as_text=True)
    assert "Assigned to me" in page and "Course assigned" in page
    assert "Bring your phone" in page and ">Start<" in page.replace("\n", "")


def test_a_patron_of_another_system_cannot_join(app, world):
    with app.app_context():
        code = get_class(world).join_code
    client = signed_in(app, "southpat")
    response = client.post("/join", data={"code": code})
    assert response.status_code == 400
    assert "No class has this code, or it no longer works" in response.get_data(as_text=True)


def test_overdue_work_is_marked_in_words_on_my_learning(app, world):
    with app.app_context():
        a = create_assignment(
            user("lib"), get_class(world), get_course(world), None, None, None, None, date.today()
        )
        a.due_on = date.today() - timedelta(days=2)
        db.session.commit()
    page = signed_in(app, "p1").get("/my-learning").get_data(as_text=True)
    assert "Overdue: it was due" in page


class _TableReader(HTMLParser):
    """The header and body cells of the progress table, as text (not the tick boxes, which
    are for choosing patrons, not data)."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self.inside = False
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "class-progress" in (dict(attrs).get("class") or ""):
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif (
            self.inside and tag in ("td", "th") and "choose" not in (dict(attrs).get("class") or "")
        ):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def test_csv_has_the_screens_columns_a_bom_and_escaped_formulas(app, world):
    with app.app_context():
        course = get_course(world)
        p1 = user("p1")
        p1.display_name = '=HYPERLINK("http://evil")'
        create_assignment(
            user("lib"), get_class(world), course, None, None, None, None, date.today()
        )
        complete_lessons(p1, course, "m1")
        add_attempt(p1, course, "m1-quiz", 40)
        db.session.commit()
    client = signed_in(app, "lib")
    html = client.get(f"/classes/{world['class_id']}").get_data(as_text=True)
    reader = _TableReader()
    reader.feed(html)
    response = client.get(f"/classes/{world['class_id']}/export.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == reader.rows[0]
    assert len(rows) == len(reader.rows) == 4
    evil = next(r for r in rows if "HYPERLINK" in r[0])
    assert evil[0] == '\'=HYPERLINK("http://evil")'
    screen = next(r for r in reader.rows if "HYPERLINK" in r[0])
    assert screen[0] == '=HYPERLINK("http://evil")'
    assert evil[1:] == screen[1:]
    assert evil[4] == "In progress (33%)"
    assert "Quiz 1: best 40%, 1 try, not passed yet" in evil[5]


def test_the_roster_lists_the_class_for_printing(app, world):
    page = signed_in(app, "lib").get(f"/classes/{world['class_id']}/roster")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Patron 01" in text and "Here today" in text


def test_archiving_and_a_new_code(app, world):
    client = signed_in(app, "lib")
    with app.app_context():
        old = get_class(world).join_code
    assert client.post(f"/classes/{world['class_id']}/join-code").status_code == 302
    assert (
        client.post(f"/classes/{world['class_id']}/archive", data={"archived": "yes"}).status_code
        == 302
    )
    with app.app_context():
        learning_class = get_class(world)
        assert learning_class.join_code != old and learning_class.archived


def _measure(app, client, class_id: int) -> tuple[int, int]:
    # The first view of a course version reads its plan once (caching.py); count what every
    # view after it costs.
    client.get(f"/classes/{class_id}")
    with count_queries(app) as statements:
        assert client.get(f"/classes/{class_id}").status_code == 200
    with count_queries(app) as csv_statements:
        assert client.get(f"/classes/{class_id}/export.csv").status_code == 200
    return len(statements), len(csv_statements)


def _class_of(size: int, world: dict, courses) -> int:
    """A class at north-a with `size` patrons who each did a module and failed a quiz."""
    from course_app.classes.services import add_members, create_class
    from course_app.libraries.models import Organisation

    lib = user("lib")
    org = db.session.get(Organisation, world["north-a"])
    learning_class = create_class(lib, org, f"Class of {size}", None)
    patrons = [
        place(make_user(f"s{size}-{n}", display_name=f"Size {size} #{n}"), world["north-a"])
        for n in range(size)
    ]
    add_members(lib, learning_class, [p.id for p in patrons])
    for c in courses:
        create_assignment(lib, learning_class, c, None, None, None, None, date.today())
    for patron in patrons:
        complete_lessons(patron, courses[0], "m1")
        add_attempt(patron, courses[0], "m1-quiz", 20)
    return learning_class.id


def test_class_page_and_csv_queries_do_not_grow_with_the_class(app, world):
    from tests.factories import make_course

    with app.app_context():
        courses = [get_course(world), make_course("second", modules=1)]
        small = _class_of(3, world, courses)
        large = _class_of(30, world, courses)
        db.session.commit()
    client = signed_in(app, "lib")
    assert _measure(app, client, small) == _measure(app, client, large)
    assert _measure(app, client, large)[0] <= 14
