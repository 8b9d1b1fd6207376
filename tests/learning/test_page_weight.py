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


PHONE_BUDGET = 200_000  # issue 12: a lesson on a 360 px phone, with its pictures


def _phone_picture(tag: str) -> str:
    """The file a 360 px phone (1x) loads for an <img>: the narrowest srcset entry of at least
    360 px, else its src."""
    srcset = re.search(r'srcset="([^"]+)"', tag)
    if srcset:
        entries = [e.strip().rsplit(" ", 1) for e in srcset.group(1).split(",")]
        wide_enough = sorted((int(w[:-1]), url) for url, w in entries if int(w[:-1]) >= 360)
        if wide_enough:
            return wide_enough[0][1]
    return re.search(r'src="([^"]+)"', tag).group(1)


def test_every_shipped_lesson_with_its_pictures_is_under_200_kb_on_a_phone(app, client):
    """Every lesson of every course in courses/, in every language, as a phone loads it
    uncompressed: the page, its CSS and JS, and each picture at the width a 360 px screen
    picks (plus pictures drawn by practice activities)."""
    from pathlib import Path

    from course_app.content.importer import import_courses

    with app.app_context():
        report = import_courses(Path(app.config["COURSES_DIR"]))
        assert report.ok, [str(p) for p in report.problems]
        db.session.commit()
        lessons = db.session.execute(
            select(Course.slug, Course.languages, Lesson.key)
            .join(Lesson, Lesson.course_id == Course.id)
            .where(Course.is_active.is_(True), Lesson.is_active.is_(True))
        ).all()
    assert len(lessons) > 30
    heaviest = (0, "")
    for language in ("en", "es"):
        client.post("/account/language", data={"language": language, "next": "/"})
        for slug, languages, key in lessons:
            if language not in languages.split():
                continue
            html = client.get(f"/courses/{slug}/lessons/{key}").get_data()
            # Every lesson can be listened to and printed.
            assert b"data-read-aloud" in html or b"<audio controls" in html, (slug, key)
            assert b"/handout.pdf" in html, (slug, key)
            files = set(re.findall(rb'(?:href|src)="(/static/[^"]+)"', html))
            files |= {
                _phone_picture(tag.decode()).encode()
                for tag in re.findall(rb"<img [^>]+>", html)
            }
            files |= set(re.findall(rb'<image href="(/media/[^"]+)"', html))
            size = len(html) + sum(len(client.get(f.decode()).get_data()) for f in files)
            heaviest = max(heaviest, (size, f"{language} {slug}/{key}"))
            assert size <= PHONE_BUDGET, f"{language} {slug}/{key}: {size} bytes"
    print("heaviest lesson page with its pictures:", heaviest)
