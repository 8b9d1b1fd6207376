"""Every write a learner makes runs at most ten SQL statements, whatever the course's size:
lesson done, a lesson read, a knowledge check, a quiz submitted (failed, passed, finishing
the course, practised), a certificate claimed. Report tables are kept in the same
transaction, so their statements count too; marks for other systems (OUTBOX_TABLES) are
allowed one statement each on top."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course_app.content.models import Course
from course_app.extensions import db
from tests.conftest import sign_in
from tests.factories import make_course, quiz_form_data
from tests.test_query_counts import count_queries

MOST = 10
BIG = "/courses/big"
# Marks for other systems, written in the learner's transaction so nothing is lost and sent
# by the queue after it: the LTI tool's gradebook columns made due when a placed course or
# module is finished (one UPDATE at commit, touching no row for learners no platform launched).
# Not the learner's own progress, so the budget leaves them out and each may add one statement.
OUTBOX_TABLES = ("lti_grade_targets",)


@pytest.fixture
def reader(app, make_user):
    make_user("reader")
    with app.app_context():
        make_course("big", modules=6, lessons_per_module=5)
        db.session.commit()
    client = app.test_client()
    assert sign_in(client, "reader").status_code == 302
    for m in range(1, 7):  # every page's content is made once, as on a running site
        client.get(f"{BIG}/quizzes/m{m}-quiz")
        for n in range(1, 6):
            client.get(f"{BIG}/lessons/m{m}-l{n}")
    return client


def quiz(app, module, right=5) -> dict:
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "big"))
        return quiz_form_data(course, module, right=right)


def cost(app, send) -> int:
    with count_queries(app) as found:
        response = send()
    assert response.status_code in (200, 302, 303), response.status_code
    for table in OUTBOX_TABLES:
        marks = [s for s in found if table in s]
        assert len(marks) <= 1, marks
    return sum(1 for s in found if not any(table in s for table in OUTBOX_TABLES))


def test_each_learner_write_takes_at_most_ten_statements(app, reader):
    c = reader
    check = {"m1-l1-check-q1": "a"}
    failing, passing = quiz(app, 1, right=1), quiz(app, 1)
    costs = {
        "first lesson done": cost(app, lambda: c.post(f"{BIG}/lessons/m1-l1/complete")),
        "lesson done": cost(app, lambda: c.post(f"{BIG}/lessons/m1-l2/complete")),
        "lesson read": cost(app, lambda: c.get(f"{BIG}/lessons/m1-l3")),
        "knowledge check": cost(
            app, lambda: c.post(f"{BIG}/lessons/m1-l1/checks/m1-l1-check", data=check)
        ),
    }
    for n in (3, 4, 5):
        costs[f"lesson {n} done"] = cost(app, lambda n=n: c.post(f"{BIG}/lessons/m1-l{n}/complete"))
    costs["quiz failed"] = cost(app, lambda: c.post(f"{BIG}/quizzes/m1-quiz", data=failing))
    costs["quiz passed"] = cost(app, lambda: c.post(f"{BIG}/quizzes/m1-quiz", data=passing))
    for m in range(2, 7):
        for n in range(1, 6):
            c.post(f"{BIG}/lessons/m{m}-l{n}/complete")
        if m < 6:
            c.post(f"{BIG}/quizzes/m{m}-quiz", data=quiz(app, m))
    last, practice = quiz(app, 6), quiz(app, 6, right=0)
    costs["quiz finishing the course"] = cost(
        app, lambda: c.post(f"{BIG}/quizzes/m6-quiz", data=last)
    )
    costs["certificate claimed"] = cost(
        app, lambda: c.post(f"{BIG}/certificate", data={"recipient_name": "Ana", "confirmed": "1"})
    )
    costs["quiz practised"] = cost(app, lambda: c.post(f"{BIG}/quizzes/m6-quiz", data=practice))
    assert max(costs.values()) <= MOST, costs


def test_a_guest_writes_no_more_than_a_signed_in_learner(app, reader):
    guest = app.test_client()
    guest.get(f"{BIG}/lessons/m1-l1")
    first = cost(app, lambda: guest.post(f"{BIG}/lessons/m1-l1/complete"))  # makes the learner
    then = cost(app, lambda: guest.post(f"{BIG}/lessons/m1-l2/complete"))
    assert first <= MOST + 1 and then <= MOST, (first, then)
