"""Report pages use the same number of queries however many learners, courses and libraries
there are: everything is grouped in SQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course_app.content.models import Course
from course_app.extensions import db
from tests.conftest import sign_in
from tests.factories import make_course, make_user
from tests.reports.dataset import at, build
from tests.test_query_counts import queries_for

Q3 = "start=2026-07-01&end=2026-09-30"
PAGES = [
    f"/reports?{Q3}&by=course",
    f"/reports?{Q3}&by=branch",
    f"/reports?{Q3}&by=month",
    f"/reports/courses/alpha?{Q3}",
    f"/reports/libraries?{Q3}",
    f"/reports/overview.csv?{Q3}&by=system",
]


def grow(b, extra: int) -> None:
    """More learners, courses and progress in the same period."""
    for n in range(extra):
        make_course(f"more-{n}", modules=2, lessons_per_module=3)
    lessons = b.lessons(b.alpha)
    for n in range(extra * 5):
        name = f"extra{n}"
        b.patron(name, ("north-a", "north-b", "south-a", "south-b")[n % 4])
        b.enrol(name, b.alpha, at(7, 1 + n % 28), last=lessons[n % 4])
        for lesson in lessons[: 1 + n % 4]:
            b.done(name, lesson, at(8, 1 + n % 28))


@pytest.mark.parametrize("url", PAGES)
def test_report_queries_do_not_grow_with_the_data(app, url):
    with app.app_context():
        b = build()
        make_user("counter", role="staff")
        db.session.commit()
    client = app.test_client()
    assert sign_in(client, "counter").status_code == 302
    client.get(url)  # what a page keeps between requests (a course's contents) is kept now
    before = queries_for(app, client, url)
    with app.app_context():
        b.alpha = db.session.scalar(select(Course).where(Course.slug == "alpha"))
        grow(b, 4)
        db.session.commit()
    after = queries_for(app, client, url)
    assert after == before, f"{url}: {before} queries, then {after} with more data"
