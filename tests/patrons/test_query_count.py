"""The patron page reads a fixed number of queries: 20 courses and 200 quiz tries cost what
one course and one try cost."""

from __future__ import annotations

from sqlalchemy import select

from course_app.content.models import Lesson
from course_app.extensions import db
from tests.classes.builders import add_attempt, place, user
from tests.conftest import signed_in
from tests.factories import complete_lesson, make_course, make_library_tree, make_user
from tests.test_query_counts import count_queries


def busy_patron(username: str, branch_id: int, courses: int, tries_per_course: int) -> int:
    patron = place(make_user(username, display_name=username.title()), branch_id)
    for n in range(courses):
        course = make_course(f"{username}-c{n}", modules=1, lessons_per_module=2)
        lesson = db.session.scalar(
            select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
        )
        complete_lesson(patron.learner, lesson)
        for t in range(tries_per_course):
            add_attempt(user(username), course, "m1-quiz", 40 if t % 2 else 100)
    return patron.id


def test_patron_page_queries_do_not_grow_with_courses_and_attempts(app):
    with app.app_context():
        branch = make_library_tree()["north-a"]
        place(make_user("lib", "librarian"), branch)
        small = busy_patron("small", branch, courses=1, tries_per_course=1)
        big = busy_patron("big", branch, courses=20, tries_per_course=10)
        db.session.commit()
    client = signed_in(app, "lib")
    counts = {}
    for patron in (small, big):
        client.get(f"/patrons/{patron}")  # course plans are read once, then kept
        with count_queries(app) as statements:
            response = client.get(f"/patrons/{patron}")
        assert response.status_code == 200
        counts[patron] = len(statements)
    assert "200 tries in all." in response.get_data(as_text=True)
    assert counts[small] == counts[big], counts
