"""Pages use a fixed number of queries however large the course is (no N+1)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from course_app.content.models import Course
from course_app.extensions import db
from tests.conftest import sign_in
from tests.factories import make_course, quiz_form_data


@contextmanager
def count_queries(app):
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def courses(app):
    with app.app_context():
        make_course("small", modules=1, lessons_per_module=2)
        make_course("large", modules=12, lessons_per_module=9)
        db.session.commit()


def queries_for(app, client, url, method="get", data=None):
    with count_queries(app) as statements:
        response = getattr(client, method)(url, data=data)
    assert response.status_code in (200, 303), (url, response.status_code)
    return len(statements)


@pytest.mark.parametrize("signed_in", [False, True])
def test_lesson_page_queries_do_not_grow_with_the_course(app, courses, make_user, signed_in):
    client = app.test_client()
    if signed_in:
        make_user("reader")
        sign_in(client, "reader")
    # Progress first, so the signed-in counts include the learner's rows.
    client.post("/courses/small/lessons/m1-l1/complete")
    client.post("/courses/large/lessons/m1-l1/complete")
    small = queries_for(app, client, "/courses/small/lessons/m1-l2")
    large = queries_for(app, client, "/courses/large/lessons/m7-l2")
    assert small == large
    assert large <= 17


def test_quiz_page_queries_do_not_grow_with_the_course(app, courses, client):
    client.post("/courses/large/lessons/m1-l1/complete")
    small = queries_for(app, client, "/courses/small/quizzes/m1-quiz")
    large = queries_for(app, client, "/courses/large/quizzes/m9-quiz")
    assert small == large


def test_quiz_submit_and_result_queries_do_not_grow(app, courses, client):
    with app.app_context():
        small_c = db.session.scalar(select(Course).where(Course.slug == "small"))
        large_c = db.session.scalar(select(Course).where(Course.slug == "large"))
        small_data = quiz_form_data(small_c, 1)
        large_data = quiz_form_data(large_c, 5)
    client.post("/courses/large/lessons/m1-l1/complete")
    client.post("/courses/small/lessons/m1-l1/complete")
    small = queries_for(app, client, "/courses/small/quizzes/m1-quiz", "post", small_data)
    large = queries_for(app, client, "/courses/large/quizzes/m5-quiz", "post", large_data)
    assert small == large


def test_course_overview_and_my_learning_queries_do_not_grow(app, courses, client):
    client.post("/courses/small/lessons/m1-l1/complete")
    overview_small = queries_for(app, client, "/courses/small")
    overview_large = queries_for(app, client, "/courses/large")
    assert overview_small == overview_large
    one = queries_for(app, client, "/my-learning")
    client.post("/courses/large/lessons/m1-l1/complete")
    two = queries_for(app, client, "/my-learning")
    assert one == two


def test_catalogue_queries_do_not_grow_with_the_number_of_courses(app, client):
    with app.app_context():
        make_course("c1", modules=1)
        db.session.commit()
    one = queries_for(app, client, "/")
    with app.app_context():
        for n in range(2, 12):
            make_course(f"c{n}", modules=1)
        db.session.commit()
    assert queries_for(app, client, "/") == one
