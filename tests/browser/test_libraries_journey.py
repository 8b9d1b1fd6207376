"""An administrator builds the library tree, a librarian sees only their branch, staff read
the audit log: all in the browser with CSRF on, axe on every page."""

from __future__ import annotations

import re

from sqlalchemy import select

from course_app.accounts.models import User
from course_app.extensions import db
from course_app.libraries.services import find_organisation, set_user_library
from tests.browser.conftest import checked, sign_in_as


def click_to(page, locator):
    locator.click()
    return checked(page)


def sign_out(page) -> None:
    click_to(page, page.get_by_role("button", name="Sign out"))


def add(page, kind: str, name: str, parent: str | None = None) -> None:
    page.get_by_label("Kind").select_option(label=kind)
    if parent:
        page.get_by_label("Belongs to").select_option(label=parent)
    page.get_by_label("Name", exact=True).fill(name)
    click_to(page, page.get_by_role("button", name="Create"))
    assert page.get_by_text(f"{name} is created.").is_visible()


def test_admin_builds_libraries_librarian_sees_their_branch_staff_read_the_audit(
    app, page, make_user
):
    make_user("boss", "admin")
    make_user("lib", "librarian")
    make_user("staffer", "staff")
    make_user("pat", display_name="Pat Reader")

    sign_in_as(page, "boss")
    click_to(page, page.get_by_role("link", name="Libraries", exact=True))
    click_to(page, page.get_by_role("link", name="Add or rename libraries"))
    add(page, "Network", "Tri-County Network")
    add(page, "Library system", "Riverside Library", parent="Tri-County Network")
    add(page, "Branch", "Main Street", parent="— Riverside Library")
    add(page, "Branch", "Hillside", parent="— Riverside Library")
    # A branch under the network is refused, with the reason next to the field.
    page.get_by_label("Kind").select_option(label="Branch")
    page.get_by_label("Belongs to").select_option(label="Tri-County Network")
    page.get_by_label("Name", exact=True).fill("Wrong Place")
    click_to(page, page.get_by_role("button", name="Create"))
    assert (
        page.get_by_role("alert")
        .get_by_text(re.compile("a branch in a library system"))
        .is_visible()
    )
    click_to(page, page.get_by_role("link", name="Rename Hillside"))
    page.get_by_label("New name").fill("Hillside Branch")
    click_to(page, page.get_by_role("button", name="Save name"))
    assert page.get_by_role("link", name="Hillside Branch", exact=True).is_visible()
    sign_out(page)

    with app.app_context():
        for username in ("lib", "pat"):
            user = db.session.scalar(select(User).where(User.username == username))
            set_user_library(None, user, find_organisation("main-street"))
        db.session.commit()

    sign_in_as(page, "lib")
    click_to(page, page.get_by_role("link", name="Libraries", exact=True))
    assert page.get_by_role("row", name=re.compile("Main Street.*1$")).is_visible()
    assert page.get_by_text("Hillside Branch").count() == 0
    click_to(page, page.get_by_role("link", name="Main Street", exact=True))
    assert page.get_by_role("cell", name="Pat Reader").is_visible()
    sign_out(page)

    sign_in_as(page, "staffer")
    click_to(page, page.get_by_role("link", name="Audit log"))
    page.get_by_label("Library").select_option(label="— — Main Street")
    click_to(page, page.get_by_role("button", name="Show"))
    # The three changes to the library, and the librarian's sign-in there (sign-ins are
    # audited since the security work).
    assert page.get_by_role("heading", name="4 changes, newest first").is_visible()
    rows = page.locator("tbody tr")
    assert rows.count() == 4  # created, lib and pat placed, then lib signed in
    assert "signed in from" in rows.first.inner_text()
    assert "Placed " in rows.nth(1).inner_text() and "in Main Street" in rows.nth(1).inner_text()
