"""A librarian opens a patron's page from the class page, corrects the name on a certificate,
and the old code then verifies as replaced; axe on every page, at 360 and 1280 px."""

from __future__ import annotations

from course_app.extensions import db
from tests.browser.conftest import checked, go, sign_in_as
from tests.patrons.builders import patron_world


def click_to(page, locator):
    with page.expect_navigation():
        locator.click()
    return checked(page)


def test_librarian_corrects_a_certificate_name_from_the_patron_page(app, page):
    with app.app_context():
        world = patron_world()
        db.session.commit()
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in_as(page, "lib")
    go(page, f"/classes/{world['class_id']}")
    click_to(page, page.get_by_role("link", name="Patron 01"))
    assert page.get_by_role("heading", name="Patron 01", level=1).is_visible()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.screenshot(path="/tmp/patron360.png", full_page=True)
    click_to(page, page.get_by_role("link", name="Correct the name and reissue"))
    page.get_by_label("Corrected name").fill("Ana Smith")
    click_to(page, page.get_by_role("button", name="Reissue with this name"))
    assert page.get_by_text("The certificate is issued again to Ana Smith").is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path="/tmp/patron1280.png", full_page=True)
    go(page, f"/verify/{world['code']}")
    assert page.get_by_text("Replaced: this code belongs").is_visible()
