"""Small pages for slow connections: a lesson page with its CSS and JS stays under 30 KB as
sent to a browser (every browser accepts gzip; the app compresses HTML, CSS and JS)."""

from __future__ import annotations

import re

from sqlalchemy import select

from course_app.content.models import Course, Lesson
from course_app.extensions import db

BUDGET = 30 * 1024
GZIP = {"Accept-Encoding": "gzip, deflate"}


def test_every_sample_lesson_page_with_assets_is_under_30_kb(client, app, sample_course):
    with app.app_context():
        keys = db.session.scalars(
            select(Lesson.key)
            .join(Course)
            .where(Course.slug == sample_course, Lesson.is_active.is_(True))
        ).all()
    assert keys
    for key in keys:
        page = client.get(f"/courses/{sample_course}/lessons/{key}")
        assert page.status_code == 200
        html = page.get_data()
        assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)
        assert assets, "the page links its stylesheet"
        sent = [client.get(f"/courses/{sample_course}/lessons/{key}", headers=GZIP)]
        sent += [client.get(a.decode(), headers=GZIP) for a in set(assets)]
        assert all(r.headers.get("Content-Encoding") in ("gzip", "deflate") for r in sent)
        size = sum(len(r.get_data()) for r in sent)
        assert size < BUDGET, f"lesson {key}: {size} bytes"


def test_pages_load_no_third_party_assets(client, sample_course):
    for url in ("/", f"/courses/{sample_course}", "/account/sign-in"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r'(?:src|href)="(?:https?:)?//', html), url
