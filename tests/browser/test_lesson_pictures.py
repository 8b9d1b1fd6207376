"""Lesson pictures on a 360 px phone: drawn at full size (their 14 px text stays 14 px), loaded,
no sideways scrolling, in English and in Spanish, with axe on every page."""

from __future__ import annotations

import pytest

from course_app.content.importer import import_courses
from course_app.extensions import db
from tests.browser.conftest import AxeChecker, go
from tests.conftest import ROOT

LESSONS = [
    "/courses/health-literacy/lessons/drug-facts-label",
    "/courses/health-literacy/lessons/numbers-and-risk",
    "/courses/digital-health-skills/lessons/touch-click-and-type",
]


@pytest.fixture
def courses(app):
    with app.app_context():
        report = import_courses(ROOT / "courses" / "health-literacy")
        assert report.ok, report.problems
        report = import_courses(ROOT / "courses" / "digital-health-skills")
        assert report.ok, report.problems
        db.session.commit()


def test_lesson_pictures_show_at_full_size_on_a_phone(browser, live_server, courses):
    seen = {language: shown_pictures(browser, live_server, language) for language in ("en", "es")}
    for path in LESSONS:
        # Spanish readers get the Spanish drawings, whose words are translated.
        assert set(seen["en"][path]).isdisjoint(seen["es"][path]), path


def shown_pictures(browser, live_server, language: str) -> dict[str, list[str]]:
    """Each lesson's picture addresses, after checking how they show at 360 px."""
    seen = {}
    context = browser.new_context(
        base_url=live_server,
        locale=language,
        extra_http_headers={"Accept-Language": language},
        viewport={"width": 360, "height": 740},
    )
    page = context.new_page()
    page.axe = AxeChecker()
    try:
        for path in LESSONS:
            go(page, path)
            assert page.evaluate("document.documentElement.lang") == language
            pictures = page.evaluate(
                """async () => {
                    const imgs = [...document.querySelectorAll('figure.picture img')];
                    for (const img of imgs) { img.loading = 'eager'; await img.decode(); }
                    return imgs.map(i => ({src: i.src, alt: i.alt, natural: i.naturalWidth,
                                           shown: i.getBoundingClientRect().width}));
                }"""
            )
            assert pictures, f"no picture on {path}"
            for picture in pictures:
                assert picture["alt"], picture
                assert picture["natural"] == 320, picture
                # The SVGs are drawn 320 px wide for phones: shown smaller, their text shrinks.
                assert picture["shown"] >= 319, f"{path}: picture shown {picture['shown']} px"
            seen[path] = [p["src"] for p in pictures]
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"
    finally:
        context.close()
    return seen
