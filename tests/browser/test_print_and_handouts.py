"""A lesson page on paper: the print stylesheet keeps the lesson and drops menus, players and
buttons. The handout links are on lesson and course pages in both languages (axe checks)."""

from __future__ import annotations

from tests.browser.conftest import checked, go

LESSON = "/courses/tiny-bilingual/lessons/first-lesson"


def test_a_lesson_prints_without_menus_players_or_buttons(page, bilingual_course):
    go(page, LESSON)
    page.emulate_media(media="print")
    for hidden in (".site-header", ".read-aloud", ".handout-link", ".breadcrumbs", "main > form"):
        assert page.locator(hidden).first.is_hidden(), hidden
    assert page.get_by_role("heading", level=1, name="Your genes").is_visible()
    assert page.locator(".lesson-body").is_visible()
    sources = page.locator(".lesson-body a[href^='https']").first
    after = sources.evaluate("a => getComputedStyle(a, '::after').content")
    assert "medlineplus.gov" in after  # the web address is printed after the link
    page.pdf(path="/tmp/shots/lesson_print.pdf")


def test_handout_links_in_both_languages(page, bilingual_course):
    go(page, "/courses/tiny-bilingual")
    link = page.get_by_role("link", name="Handout to print (PDF)")
    assert link.get_attribute("href") == "/courses/tiny-bilingual/modules/module-one/handout.pdf"
    go(page, LESSON)
    assert page.get_by_role("link", name="Handout to print for this part of the course (PDF)")
    with page.expect_navigation():
        page.get_by_role("button", name="Español").click()
    checked(page)
    assert page.get_by_role("link", name="Hoja para imprimir de esta parte del curso (PDF)")
    go(page, "/courses/tiny-bilingual")
    assert page.get_by_role("link", name="Hoja para imprimir (PDF)").is_visible()
