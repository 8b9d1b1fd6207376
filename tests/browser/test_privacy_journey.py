"""In a real browser, axe on every page (issue 14): a resume code in the QR link's "#" fills
the form without reaching the server; a patron reads the privacy page, sees where they are
signed in, downloads their data and erases their account."""

from __future__ import annotations

import json

from sqlalchemy import select

from course_app.accounts.models import User
from course_app.extensions import db
from tests.browser.conftest import checked, go, sign_in_as
from tests.conftest import PASSWORD


def test_the_code_after_the_hash_fills_the_form_and_leaves_the_address(page):
    go(page, "/resume#K7QM-4XPA")
    assert page.get_by_label("Resume code").input_value() == "K7QM-4XPA"
    assert "#" not in page.url


def test_a_patron_reads_the_privacy_page_takes_their_data_and_erases_the_account(
    page, app, make_user
):
    make_user("browser-patron")
    go(page, "/")
    with page.expect_navigation():
        page.get_by_role("link", name="Privacy").click()
    checked(page)
    assert page.get_by_role("heading", name="What we keep").is_visible()
    sign_in_as(page, "browser-patron")
    go(page, "/account/")
    with page.expect_navigation():
        page.get_by_role("link", name="See the computers and phones signed in").click()
    checked(page)
    assert page.get_by_text("this browser").is_visible()
    go(page, "/account/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as JSON (for computers)").click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["account"]["username"] == "browser-patron"
    with page.expect_navigation():
        page.get_by_role("link", name="Erase my account").click()
    checked(page)
    page.get_by_label("Your password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Erase my account").click()
    checked(page)
    assert page.get_by_text("Your account and everything kept about you are erased.").is_visible()
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "browser-patron")) is None
