"""A whole quiz taken with the keyboard alone: Tab, Space, arrows, typing and Enter."""

from __future__ import annotations

import pytest

from course_app.extensions import db
from tests.browser.conftest import checked, go
from tests.browser.quiz_answers import quiz_questions
from tests.factories import make_course


@pytest.fixture
def course(app):
    with app.app_context():
        make_course("keys-course", modules=1)
        db.session.commit()
    return "keys-course"


def focused(page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {id: e.id, tag: e.tagName, type: e.type || '',"
        " text: (e.textContent || '').trim()}; }"
    )


def test_a_whole_quiz_with_the_keyboard_alone(page, app, course):
    questions = quiz_questions(app, course, "m1-quiz")
    plan = {}  # element id -> action
    for q in questions:
        if q.type in ("single", "true_false"):
            ids = [c["id"] for c in q.data["choices"]]
            target = next(i for i, c in enumerate(q.data["choices"]) if c.get("correct"))
            plan[f"q{q.id}-{ids[0]}"] = ("radio", target)
        elif q.type == "multiple":
            for c in q.data["choices"]:
                if c.get("correct"):
                    plan[f"q{q.id}-{c['id']}"] = ("space", None)
        elif q.type == "short_text":
            plan[f"q{q.id}"] = ("type", q.data["accepted"][0])
        elif q.type == "ordering":
            for n, item in enumerate(q.data["items"], start=1):
                plan[f"q{q.id}-{item['id']}"] = ("type", str(n))

    go(page, f"/courses/{course}/quizzes/m1-quiz")
    page.locator("body").focus()
    done = set()
    for _ in range(200):
        page.keyboard.press("Tab")
        el = focused(page)
        if el["id"] in plan and el["id"] not in done:
            action, value = plan[el["id"]]
            if action == "radio":
                page.keyboard.press("Space")
                for _ in range(value):
                    page.keyboard.press("ArrowDown")
            elif action == "space":
                page.keyboard.press("Space")
            else:
                page.keyboard.type(value)
            done.add(el["id"])
        if el["tag"] == "BUTTON" and el["text"] == "Submit now":
            assert done == set(plan), f"not reached by Tab: {set(plan) - done}"
            with page.expect_navigation():
                page.keyboard.press("Enter")
            break
    else:
        raise AssertionError("never reached the submit button with Tab")
    checked(page)
    assert "You got 5 of 5 right (100%)." in page.content()
    assert "You passed this quiz" in page.content()


def test_focus_is_visible_on_the_quiz(page, app, course):
    go(page, f"/courses/{course}/quizzes/m1-quiz")
    page.locator("body").focus()
    page.keyboard.press("Tab")  # the skip link comes first
    el = focused(page)
    assert el["text"] == "Skip to main content"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
