"""A guest's first writes sent at once (a double click before the first answer came back)
belong to one learner: both requests carry the same visit cookie and find the same row."""

from __future__ import annotations

import sqlalchemy as sa

from course_app.accounts.models import Learner
from course_app.extensions import db
from course_app.learning.models import LessonProgress
from tests.conftest import csrf_token_from

LESSON = "/courses/sample-health-basics/lessons/where-to-start"


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def same_visit_twice(app, client):
    """A second client holding the very cookie the first has now, as a browser sending two
    requests before either answer came back."""
    twin = app.test_client()
    twin.set_cookie("session", client.get_cookie("session").value)
    return twin


def test_a_double_clicked_first_lesson_makes_one_guest_learner(csrf_app, sample_course):
    client = csrf_app.test_client()
    token = csrf_token_from(client.get(LESSON).get_data(as_text=True))
    twin = same_visit_twice(csrf_app, client)
    for visitor in (client, twin):
        response = visitor.post(LESSON + "/complete", data={"csrf_token": token})
        assert response.status_code == 302
    assert count(csrf_app, Learner) == 1
    assert count(csrf_app, LessonProgress) == 1
    for visitor in (client, twin):  # whichever answer the browser kept, the progress is its
        assert "You finished this lesson." in visitor.get(LESSON).get_data(as_text=True)


def test_a_reading_guest_gets_no_learner_and_no_extra_cookie(app, client, sample_course):
    client.get(LESSON)
    assert client.get(LESSON).headers.getlist("Set-Cookie") == []
    assert count(app, Learner) == 0


def test_two_visits_make_two_learners(csrf_app, sample_course):
    for _ in range(2):
        visitor = csrf_app.test_client()
        token = csrf_token_from(visitor.get(LESSON).get_data(as_text=True))
        visitor.post(LESSON + "/complete", data={"csrf_token": token})
    assert count(csrf_app, Learner) == 2
