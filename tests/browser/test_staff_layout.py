"""The librarians' and staff's wide pages are laid out, and their scrolling tables are reachable
by keyboard.

An unclosed `@media print {` once left the class and report pages unstyled (a 16-patron class
page 8,030 px tall, help flags in body text); these assertions would have caught it.
"""

from __future__ import annotations

from course_app.extensions import db
from tests.browser.conftest import checked, go, sign_in_as
from tests.browser.test_classes_journey import setup_world
from tests.factories import make_user
from tests.reports.dataset import build

SCROLL_RULE = {"runOnly": {"type": "rule", "values": ["scrollable-region-focusable"]}}


def scroll_violations(page) -> list:
    results = page.axe.axe.run(page, options=SCROLL_RULE)
    return results.response["violations"]


def test_class_page_fits_at_1280_and_its_help_flag_stands_out(app, page):
    setup_world(app)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_as(page, "lib")
    go(page, "/classes")
    with page.expect_navigation():
        page.get_by_role("link", name="Wednesday Email Help").click()
    checked(page)
    box = page.locator(".table-scroll").first
    sizes = box.evaluate(
        "b => ({box: b.clientWidth, table: b.querySelector('table').scrollWidth,"
        " page: document.documentElement.scrollWidth - window.innerWidth})"
    )
    assert sizes["table"] <= sizes["box"], sizes
    assert sizes["page"] <= 0, sizes
    flag = page.locator("td.help-flag").first
    body = page.locator("body").evaluate("b => getComputedStyle(b).color")
    style = flag.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).fontWeight]")
    assert style[0] != body
    assert int(style[1]) >= 700
    assert box.get_attribute("tabindex") == "0"
    assert box.get_attribute("role") == "region"
    assert box.get_attribute("aria-label") == "Progress"


def test_report_figures_sit_in_a_grid(app, page):
    with app.app_context():
        build()
        make_user("network-staff", role="staff")
        db.session.commit()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_as(page, "network-staff")
    go(page, "/reports")
    figures = page.locator("dl.figures")
    assert figures.evaluate("e => getComputedStyle(e).display") == "grid"
    tops = figures.locator("> div").evaluate_all("ds => ds.map(d => d.getBoundingClientRect().top)")
    assert len(tops) >= 2 and tops[0] == tops[1], tops


def test_the_class_progress_table_scrolls_by_keyboard_at_360_px(app, page):
    setup_world(app)
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in_as(page, "lib")
    go(page, "/classes")
    with page.expect_navigation():
        page.get_by_role("link", name="Wednesday Email Help").click()
    checked(page)
    box = page.get_by_role("region", name="Progress")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    assert scroll_violations(page) == []
    box.focus()
    page.keyboard.press("ArrowRight")
    # Chromium scrolls smoothly: wait until the box has moved.
    page.wait_for_function("() => document.querySelector('.table-scroll').scrollLeft > 0")


def test_spanish_my_patrons_table_is_keyboard_reachable(app, page):
    setup_world(app)
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in_as(page, "lib")
    go(page, "/reports/learners")
    with page.expect_navigation():
        page.get_by_role("button", name="Español").click()
    checked(page)
    assert page.get_by_role("heading", name="Mis usuarios").is_visible()
    box = page.locator(".table-scroll")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    assert box.get_attribute("tabindex") == "0"
    assert scroll_violations(page) == []


def test_audit_log_table_is_keyboard_reachable(app, page):
    setup_world(app)
    with app.app_context():
        make_user("network-staff", role="staff")
        db.session.commit()
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in_as(page, "network-staff")
    go(page, "/admin/audit")
    box = page.get_by_role("region", name="Audit log")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    assert scroll_violations(page) == []
