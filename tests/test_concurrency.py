"""Many patrons at once: concurrent quiz submissions and lesson completions all succeed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from course_app.content.models import Course
from course_app.extensions import db
from course_app.quizzes.models import QuizAttempt
from tests.factories import make_course, quiz_form_data


@pytest.fixture
def course(app):
    with app.app_context():
        make_course("busy")
        db.session.commit()


def test_concurrent_writers_wait_for_each_other_instead_of_failing(app, course):
    with app.app_context():
        row = db.session.scalar(select(Course).where(Course.slug == "busy"))
        forms = [quiz_form_data(row, 1) for _ in range(16)]

    def patron(data):
        client = app.test_client()
        client.get("/courses/busy/lessons/m1-l1")  # a read first, then writes
        done = client.post("/courses/busy/lessons/m1-l1/complete").status_code
        submitted = client.post("/courses/busy/quizzes/m1-quiz", data=data).status_code
        return done, submitted

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(patron, forms))
    assert results == [(302, 303)] * 16
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 16
