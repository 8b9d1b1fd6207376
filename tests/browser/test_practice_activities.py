"""The practice activities driven as patrons do: with the mouse, with the keyboard alone, and
with JavaScript off; axe on each state, in English and Spanish."""

from __future__ import annotations

import pytest

from course_app.content.importer import import_courses
from course_app.extensions import db
from tests.browser.conftest import checked, go
from tests.practice_course import LESSON, write_practice_course

HOTSPOT = "section#check-check-find-the-date"
FORM = "section#check-check-try-sign-in"


@pytest.fixture
def practice(app, tmp_path):
    with app.app_context():
        report = import_courses(write_practice_course(tmp_path / "courses"))
        assert report.ok, [str(p) for p in report.problems]
        db.session.commit()


def focused(page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement; return {id: e.id,"
        " cls: e.className || '', tag: e.tagName, text: (e.textContent || '').trim()}; }"
    )


def test_find_it_on_the_screen_with_the_mouse(page, practice):
    go(page, LESSON)
    page.locator(f"{HOTSPOT} .hotspot-area").nth(1).click()
    assert page.locator(f"{HOTSPOT} input[type=radio]").nth(1).is_checked()
    assert "selected" in page.locator(f"{HOTSPOT} .hotspot-area").nth(1).get_attribute("class")
    page.screenshot(path="/tmp/shots/practice_picked_1280.png", full_page=True)
    with page.expect_navigation():
        page.locator(HOTSPOT).get_by_role("button", name="Check my answer").click()
    checked(page)
    feedback = page.locator(f"{HOTSPOT} .feedback")
    assert "Correct!" in feedback.inner_text()
    assert "Yes. That is the date it expires." in feedback.inner_text()
    # The page reloads with the focus on the feedback, not on <body>.
    assert "feedback" in focused(page)["cls"]


def test_both_activities_with_the_keyboard_alone(page, practice):
    go(page, LESSON)
    page.locator("body").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        if focused(page)["id"].startswith("check-find-the-date-q"):
            break
    else:
        raise AssertionError("the marked areas' list is not reachable with Tab")
    page.keyboard.press("ArrowDown")  # the second marked area
    assert page.locator(f"{HOTSPOT} input[type=radio]").nth(1).is_checked()
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Check my answer"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    checked(page)
    assert "Correct!" in page.locator(f"{HOTSPOT} .feedback").inner_text()
    # The form practice, from the feedback onwards, still with the keyboard only.
    for _ in range(30):
        page.keyboard.press("Tab")
        if focused(page)["id"].endswith("-username"):
            break
    page.keyboard.type("rosa.m")
    page.keyboard.press("Tab")
    page.keyboard.type("kite-42")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Check my answer"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    checked(page)
    text = page.locator(f"{FORM} .feedback").inner_text()
    assert "Username: Right." in text
    assert "Password: Not quite. Type the password exactly, with the capital K." in text
    assert "feedback" in focused(page)["cls"]


def test_both_activities_without_javascript(browser, live_server, practice):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(LESSON)
        page.locator(f"{HOTSPOT} label").filter(has_text="The date at the bottom").click()
        with page.expect_navigation():
            page.locator(HOTSPOT).get_by_role("button", name="Check my answer").click()
        assert (
            "Yes. That is the date it expires." in page.locator(f"{HOTSPOT} .feedback").inner_text()
        )
        page.get_by_label("Username").fill("rosa.m")
        page.get_by_label("Password").fill("Kite-42")
        with page.expect_navigation():
            page.locator(FORM).get_by_role("button", name="Check my answer").click()
        text = page.locator(f"{FORM} .feedback").inner_text()
        assert "Correct!" in text and "Password: Right." in text
    finally:
        context.close()


def test_the_activities_in_spanish_at_phone_size(page, practice):
    page.set_viewport_size({"width": 360, "height": 740})
    go(page, LESSON)
    with page.expect_navigation():
        page.get_by_role("button", name="Español").click()
    checked(page)
    page.locator(f"{HOTSPOT} .hotspot-area").nth(0).click()
    with page.expect_navigation():
        page.locator(HOTSPOT).get_by_role("button", name="Revisar mi respuesta").click()
    checked(page)
    assert (
        "Este no. Es el nombre de la medicina." in page.locator(f"{HOTSPOT} .feedback").inner_text()
    )
    page.get_by_label("Nombre de usuario").fill("rosa")
    page.get_by_label("Contraseña").fill("Kite-42")
    with page.expect_navigation():
        page.locator(FORM).get_by_role("button", name="Revisar mi respuesta").click()
    checked(page)
    assert "Nombre de usuario: No del todo." in page.locator(f"{FORM} .feedback").inner_text()
    page.screenshot(path="/tmp/shots/practice_es_360.png", full_page=True)
