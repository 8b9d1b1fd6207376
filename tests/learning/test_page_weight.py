"""Small pages for slow connections: a lesson page with its CSS and JS stays under 30 KB; a
lesson page with pictures, with the pictures a 360-pixel phone loads, under 200 KB."""

from __future__ import annotations

import re

from sqlalchemy import select

from course_app.content.models import Course, Lesson
from course_app.extensions import db

BUDGET = 30 * 1024
BUDGET_WITH_PICTURES = 200 * 1024
PHONE_WIDTH = 360


def picture_for_phone(img: bytes) -> str:
    """The file a 360-pixel-wide screen loads for an <img>: from a srcset, the narrowest
    picture at least that wide (else the widest), as a browser picks; otherwise its src."""
    srcset = re.search(rb'srcset="([^"]+)"', img)
    if srcset is None:
        return re.search(rb'src="([^"]+)"', img).group(1).decode()
    candidates = []
    for candidate in srcset.group(1).decode().split(","):
        url, width = candidate.split()
        candidates.append((int(width.rstrip("w")), url))
    wide_enough = [c for c in candidates if c[0] >= PHONE_WIDTH]
    return min(wide_enough)[1] if wide_enough else max(candidates)[1]


def test_every_sample_lesson_page_with_assets_is_under_30_kb(client, app, sample_course):
    """Pages without pictures: 30 KB with their CSS and JS. Pages with pictures (the sample
    course's lessons have them since the pictures issue): 200 KB with the pictures too."""
    with app.app_context():
        keys = db.session.scalars(
            select(Lesson.key)
            .join(Course)
            .where(Course.slug == sample_course, Lesson.is_active.is_(True))
        ).all()
    assert keys
    with_pictures = 0
    for key in keys:
        page = client.get(f"/courses/{sample_course}/lessons/{key}")
        assert page.status_code == 200
        html = page.get_data()
        assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)
        assert assets, "the page links its stylesheet"
        size = len(html) + sum(len(client.get(a.decode()).get_data()) for a in set(assets))
        pictures = {picture_for_phone(img) for img in re.findall(rb"<img\b[^>]*>", html)}
        if not pictures:
            assert size < BUDGET, f"lesson {key}: {size} bytes"
            continue
        with_pictures += 1
        for url in pictures:
            picture = client.get(url)
            assert picture.status_code == 200, url
            size += len(picture.get_data())
        assert size < BUDGET_WITH_PICTURES, f"lesson {key} with pictures: {size} bytes"
    assert with_pictures, "the sample course's pictures were measured"


def test_pages_load_no_third_party_assets(client, sample_course):
    for url in ("/", f"/courses/{sample_course}", "/account/sign-in"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r'(?:src|href)="(?:https?:)?//', html), url
