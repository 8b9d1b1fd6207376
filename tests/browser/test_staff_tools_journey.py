"""Admin -> librarian -> patron -> staff, in Chromium with CSRF on and axe on every page, then
the same librarian and staff pages again in Spanish.

The administrator makes a librarian's account on the web; the librarian signs in with the
one-time password, chooses their own, runs a class (adds a patron found by search, opens the
patron's page, edits the class, prints the sign-in sheet); the patron signs in and sees the
class's work; staff read the audit log in words, the certificates list and the funder report.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from course_app.accounts.models import User
from course_app.extensions import db
from course_app.libraries.services import find_organisation, set_user_library
from tests.browser.conftest import checked, go, sign_in_as
from tests.factories import make_course, make_library_tree, make_user


def click_to(page, locator):
    with page.expect_navigation():
        locator.click()
    return checked(page)


def sign_out(page, name: str = "Sign out") -> None:
    click_to(page, page.get_by_role("button", name=name))


def world(app) -> int:
    """Returns North A's id."""
    with app.app_context():
        make_library_tree()
        make_user("chief", "admin", display_name="Chief Admin")
        make_user("network-staff", "staff", display_name="Network Staff")
        for username, name in (("rosa", "Rosa Díaz"), ("tom", "Tom Baker")):
            patron = make_user(username, display_name=name)
            set_user_library(None, patron, find_organisation("north-a"))
        make_course("digital-basics", modules=1, lessons_per_module=2)
        db.session.commit()
        return find_organisation("north-a").id


def test_admin_librarian_patron_and_staff_in_both_languages(app, page):
    north_a = world(app)
    page.set_viewport_size({"width": 1280, "height": 900})

    # The administrator makes Lena's librarian account at North A.
    sign_in_as(page, "chief")
    click_to(page, page.get_by_role("link", name="Staff accounts"))
    click_to(page, page.get_by_role("link", name="Create a staff account"))
    page.get_by_label("Name", exact=True).fill("Lena Librarian")
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Role").select_option("librarian")
    page.get_by_label("Library", exact=True).select_option(str(north_a))
    click_to(page, page.get_by_role("button", name="Create account"))
    assert page.get_by_role("heading", name="Account created for Lena Librarian").is_visible()
    temporary = page.locator("dt:text-is('Temporary password') + dd").inner_text().strip()
    sign_out(page)

    # Lena signs in with it and chooses her own password.
    go(page, "/account/sign-in")
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password").fill(temporary)
    click_to(page, page.get_by_role("button", name="Sign in"))
    page.get_by_label("Your new password").fill("a quiet reading room by the river")
    click_to(page, page.get_by_role("button", name="Save my password"))

    # She runs a class: creates it, adds Rosa found by search, sets work due in three days.
    go(page, "/classes/new")
    page.get_by_label("Class name").fill("Thursday Email Basics")
    click_to(page, page.get_by_role("button", name="Create class"))
    click_to(page, page.get_by_role("link", name="Add people"))
    assert page.get_by_text("2 people can be added.").is_visible()
    page.get_by_label("Name or username").fill("rosa")
    click_to(page, page.get_by_role("button", name="Search"))
    assert page.get_by_text("1 person matches “rosa”.").is_visible()
    page.get_by_label("Rosa Díaz (rosa)").check()
    click_to(page, page.get_by_role("button", name="Add to class"))
    click_to(page, page.get_by_role("link", name="Assign work"))
    page.get_by_label("Course or part of a course").select_option(
        label="Course digital-basics (whole course)"
    )
    page.get_by_label("Due date (optional)").fill((date.today() + timedelta(days=3)).isoformat())
    click_to(page, page.get_by_role("button", name="Assign"))
    click_to(page, page.get_by_role("link", name="Edit the class"))
    page.get_by_label("When it meets (optional)").fill("Thursdays 2 pm")
    click_to(page, page.get_by_role("button", name="Save"))
    assert page.get_by_text("Thursdays 2 pm").is_visible()
    # Layout: the progress table fits its scroll box at 1280 px, the page does not scroll sideways.
    sizes = page.get_by_role("region", name="Progress").evaluate(
        "b => [b.clientWidth, b.querySelector('table').scrollWidth,"
        " document.documentElement.scrollWidth - window.innerWidth]"
    )
    assert sizes[1] <= sizes[0] and sizes[2] <= 0, sizes
    class_url = page.url
    click_to(page, page.get_by_role("link", name="Print a sign-in sheet"))
    assert page.get_by_role("cell", name="Rosa Díaz").is_visible()
    go(page, class_url)
    click_to(page, page.get_by_role("link", name="Rosa Díaz"))
    assert page.get_by_role("heading", name="Rosa Díaz", level=1).is_visible()
    assert page.get_by_role("definition").filter(has_text="North A (North Library)").is_visible()
    patron_url = page.url
    sign_out(page)

    # Rosa sees the class's work on My learning.
    sign_in_as(page, "rosa")
    assert (
        page.get_by_role("region", name="Assigned to me")
        .get_by_text("Course digital-basics")
        .first.is_visible()
    )
    sign_out(page)

    # Staff read the changes in words, the certificates and the funder report.
    sign_in_as(page, "network-staff")
    click_to(page, page.get_by_role("link", name="Audit log"))
    audit = page.locator("#audit-table").inner_text()
    assert "Created the account of Lena Librarian (lena) as librarian" in audit
    assert "Added Rosa Díaz (rosa) to the class “Thursday Email Basics”" in audit
    go(page, "/reports/certificates")
    go(page, "/reports/funder")
    assert page.get_by_role("heading", name=re.compile("Report for funders:")).is_visible()

    # The same pages in Spanish, axe on each.
    click_to(page, page.get_by_role("button", name="Español"))
    spanish = ["/admin/audit", "/reports/certificates", "/reports/funder", patron_url]
    spanish += [patron_url + "/account", patron_url + "/erase", class_url]
    spanish += [class_url + tail for tail in ("/edit", "/sign-in-sheet", "/certificates")]
    spanish += [class_url + "/reminders", class_url + "/members", class_url + "/join-code"]
    for path in spanish:
        go(page, path)
    assert page.locator("html").get_attribute("lang") == "es"
    sign_out(page, "Cerrar sesión")
    with app.app_context():
        lena = db.session.scalar(select(User).where(User.username == "lena"))
        assert lena.role == "librarian" and not lena.must_change_password


def test_the_administrators_account_pages_in_spanish(app, page):
    world(app)
    with app.app_context():
        helper = db.session.scalar(select(User).where(User.username == "network-staff"))
        helper_id = helper.id
    sign_in_as(page, "chief")
    click_to(page, page.get_by_role("button", name="Español"))
    for path in ("/admin/accounts", "/admin/accounts/new", f"/admin/accounts/{helper_id}"):
        go(page, path)
    # A refused form in Spanish is still axe-clean, with the message by the field.
    go(page, "/admin/accounts/new")
    page.get_by_label("Nombre", exact=True).fill("Sin Biblioteca")
    page.get_by_label("Nombre de usuario").fill("sinbib")
    page.get_by_label("Función").select_option("librarian")
    click_to(page, page.get_by_role("button", name="Crear una cuenta"))
    assert page.get_by_role("alert").is_visible()
