"""Pages reflow at 320 px wide with no sideways scrolling, and tap targets are at least 24 px."""

from __future__ import annotations

import pytest

from course_app.extensions import db
from tests.browser.conftest import go
from tests.factories import make_course

PAGES = [
    "/",
    "/courses/narrow",
    "/courses/narrow/lessons/m1-l1",
    "/courses/narrow/quizzes/m1-quiz",
    "/account/sign-up",
    "/account/sign-in",
    "/my-learning",
    "/verify/unknown-code",
]


@pytest.fixture
def course(app):
    with app.app_context():
        make_course("narrow", modules=1)
        db.session.commit()


def test_pages_reflow_at_320_px_without_horizontal_scrolling(page, course):
    page.set_viewport_size({"width": 320, "height": 640})
    for path in PAGES:
        go(page, path)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"


def test_tap_targets_are_at_least_24_px(page, course):
    page.set_viewport_size({"width": 320, "height": 640})
    for path in PAGES[:4]:
        go(page, path)
        small = page.evaluate(
            """() => [...document.querySelectorAll('a, button, input, select')]
                .filter(e => e.offsetParent !== null && !e.closest('p, li, td, .lesson-body'))
                .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect()])
                .filter(([_, r]) => r.width < 24 || r.height < 24)
                .map(([h, r]) => `${h} ${Math.round(r.width)}x${Math.round(r.height)}`)"""
        )
        assert not small, f"{path}: {small}"
