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
    if method == "get":
        # The first view of a course version reads its plan once (caching.py); count what
        # every view after it costs.
        client.get(url)
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


def test_my_learning_queries_do_not_grow_with_assigned_work(app, client, make_user):
    """ "Assigned to me" reads every assignment and its progress in a fixed number of queries."""
    from datetime import date

    from course_app.accounts.models import User
    from course_app.classes.services import add_members, create_assignment, create_class
    from course_app.libraries.models import Organisation
    from course_app.libraries.services import set_user_library
    from tests.factories import make_library_tree

    make_user("patron")
    make_user("teacher", "librarian")
    with app.app_context():
        branch = db.session.get(Organisation, make_library_tree()["north-a"])
        patron = db.session.scalar(select(User).where(User.username == "patron"))
        teacher = db.session.scalar(select(User).where(User.username == "teacher"))
        set_user_library(None, patron, branch)
        set_user_library(None, teacher, branch)
        learning_class = create_class(teacher, branch, "Class", None)
        add_members(teacher, learning_class, [patron.id])
        first = make_course("first", modules=2)
        create_assignment(teacher, learning_class, first, None, None, None, None, date.today())
        db.session.commit()
        class_id = learning_class.id
    sign_in(client, "patron")
    client.post("/courses/first/lessons/m1-l1/complete")
    one = queries_for(app, client, "/my-learning")
    with app.app_context():
        learning_class = db.session.get(type(learning_class), class_id)
        teacher = db.session.scalar(select(User).where(User.username == "teacher"))
        for n in range(6):
            course = make_course(f"more-{n}", modules=3)
            module = course.modules[1] if n % 2 else None
            due = date(2099, 1, n + 1) if n % 3 else None
            create_assignment(
                teacher, learning_class, course, module, None, due, None, date.today()
            )
        db.session.commit()
    client.post("/courses/more-1/lessons/m2-l1/complete")
    many = queries_for(app, client, "/my-learning")
    assert one == many
