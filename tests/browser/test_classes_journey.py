"""A librarian runs classes; patrons join by code and learn; the librarian follows progress.

In the browser with CSRF on and axe on every page: the librarian creates a class, picks
patrons, assigns a course with a due date; a patron joins another class with its code, sees
the assignment on My learning and completes a module's lessons; the librarian sees the
progress, and a patron with old activity flagged "may need help"."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from course_app.classes.models import Assignment, ClassMember, LearningClass
from course_app.classes.services import add_members, create_assignment, create_class
from course_app.db import utc_now
from course_app.extensions import db
from course_app.libraries.models import Organisation
from tests.browser.conftest import checked, go, sign_in_as
from tests.classes.builders import place, user
from tests.conftest import PASSWORD
from tests.factories import make_course, make_library_tree, make_user


def click_to(page, locator):
    with page.expect_navigation():
        locator.click()
    return checked(page)


def sign_out(page) -> None:
    click_to(page, page.get_by_role("button", name="Sign out"))


def setup_world(app) -> str:
    """North A branch: librarian "lib", patrons Ana, Ben, Sam (stuck); a Wednesday class
    with Sam and an assignment; returns the Wednesday class's join code."""
    with app.app_context():
        branch_id = make_library_tree()["north-a"]
        branch = db.session.get(Organisation, branch_id)
        lib = place(make_user("lib", "librarian"), branch_id)
        for username, name in (("ana", "Ana Patron"), ("ben", "Ben Patron"), ("sam", "Sam Stuck")):
            place(make_user(username, display_name=name), branch_id)
        course = make_course("digital-basics", modules=2, lessons_per_module=2)
        wednesday = create_class(lib, branch, "Wednesday Email Help", None)
        add_members(lib, wednesday, [user("sam").id])
        # Due in three days: work that is due is what makes an idle patron look stuck.
        due = date.today() + timedelta(days=3)
        create_assignment(lib, wednesday, course, None, None, due, None, date.today())
        # Sam was given the work three weeks ago and has done nothing since.
        weeks_ago = utc_now() - timedelta(days=21)
        for row in db.session.scalars(select(Assignment)):
            row.created_at = weeks_ago
        for row in db.session.scalars(select(ClassMember)):
            row.added_at = weeks_ago
        db.session.commit()
        return wednesday.join_code


def test_librarian_runs_classes_and_sees_who_needs_help(app, page):
    code = setup_world(app)
    due = date.today() + timedelta(days=7)

    # The librarian creates a class, picks a patron, assigns the course with a due date.
    sign_in_as(page, "lib")
    click_to(page, page.get_by_role("link", name="Classes", exact=True))
    click_to(page, page.get_by_role("link", name="Create a class"))
    page.get_by_label("Class name").fill("Tuesday Digital Skills")
    page.get_by_label("When it meets (optional)").fill("Tuesdays, 10 am")
    click_to(page, page.get_by_role("button", name="Create class"))
    assert page.get_by_role("heading", name="Tuesday Digital Skills").is_visible()
    click_to(page, page.get_by_role("link", name="Add people"))
    page.get_by_label("Name or username").fill("ana")
    click_to(page, page.get_by_role("button", name="Search"))
    page.get_by_label("Ana Patron (ana)").check()
    click_to(page, page.get_by_role("button", name="Add to class"))
    assert page.get_by_text("1 added to the class.").is_visible()
    click_to(page, page.get_by_role("link", name="Assign work"))
    page.get_by_label("Course or part of a course").select_option(
        label="Course digital-basics (whole course)"
    )
    page.get_by_label("Due date (optional)").fill(due.isoformat())
    page.get_by_label("Note for the patrons (optional)").fill("Start before Tuesday.")
    click_to(page, page.get_by_role("button", name="Assign"))
    assert page.get_by_text("The work is assigned.").is_visible()
    assert page.get_by_role("cell", name="Not started").is_visible()
    click_to(page, page.get_by_role("link", name="Print the roster"))
    assert page.get_by_role("cell", name="Ana Patron").is_visible()
    sign_out(page)

    # Ben joins the Wednesday class with its code, signing in first.
    go(page, "/join")
    assert "/account/sign-in" in page.url
    page.get_by_label("Username").fill("ben")
    page.get_by_label("Password").fill(PASSWORD)
    click_to(page, page.get_by_role("button", name="Sign in"))
    assert page.get_by_role("heading", name="Join a class").is_visible()
    page.get_by_label("Class code").fill(code.lower())
    click_to(page, page.get_by_role("button", name="Join class"))
    assert page.get_by_text("You joined Wednesday Email Help.").is_visible()
    assigned = page.get_by_role("region", name="Assigned to me")
    assert assigned.get_by_role("heading", name="Course digital-basics").is_visible()
    click_to(page, assigned.get_by_role("link", name=re.compile("^Start")))
    click_to(page, page.get_by_role("link", name=re.compile("Lesson m1-l1")).first)
    click_to(page, page.get_by_role("button", name="Done, go to the next step"))
    click_to(page, page.get_by_role("button", name="Done, go to the next step"))
    click_to(page, page.get_by_role("link", name="My learning"))
    assert page.get_by_role("region", name="Assigned to me").get_by_text("33% done").is_visible()
    sign_out(page)

    # The librarian sees Ben's progress and that Sam may need help.
    sign_in_as(page, "lib")
    click_to(page, page.get_by_role("link", name="Classes", exact=True))
    click_to(page, page.get_by_role("link", name="Wednesday Email Help"))
    ben = page.get_by_role("row", name=re.compile("Ben Patron"))
    assert "In progress (33%)" in ben.inner_text()
    assert "May need help" not in ben.inner_text()
    sam = page.get_by_role("row", name=re.compile("Sam Stuck"))
    assert "May need help: no activity for 21 days" in sam.inner_text()
    assert "Not started" in sam.inner_text()
    with app.app_context():
        assert db.session.scalar(
            select(LearningClass.id).where(LearningClass.name == "Tuesday Digital Skills")
        )
