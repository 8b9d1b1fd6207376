"""Issue 4's "Done means", in the browser with CSRF on and axe on every page.

A librarian creates a class, imports ten patrons into it from a CSV file (one bad row first:
the preview names it; the fixed file imports all ten), opens the batch of sign-in cards and
assigns a course with a due date. A patron signs in with a card, must choose a password, sees
the assignment on My learning and completes a module's lessons. The librarian sees the
progress on the class page, and a patron stuck for weeks flagged "may need help".
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from course_app.classes.models import ClassMember, LearningClass
from course_app.classes.services import add_members
from course_app.content.models import Course, Lesson
from course_app.db import utc_now
from course_app.extensions import db
from course_app.learning.models import Enrolment
from tests.browser.conftest import checked, go
from tests.browser.test_classes_journey import click_to, sign_in_as, sign_out
from tests.browser.test_desk_journey import card_values, csv_file
from tests.classes.builders import place, user
from tests.factories import complete_lesson, make_course, make_library_tree, make_user

STUCK_DAYS = 20


def setup_library(app) -> None:
    """North A branch with librarian "lib", patron Sam (not yet in any class), a course."""
    with app.app_context():
        branch_id = make_library_tree()["north-a"]
        place(make_user("lib", "librarian"), branch_id)
        place(make_user("sam", display_name="Sam Stuck"), branch_id)
        make_course("digital-basics", modules=2, lessons_per_module=2)
        db.session.commit()


def make_sam_stuck(app, class_name: str) -> None:
    """Sam joined the class, did one lesson, and has not been back for 20 days."""
    with app.app_context():
        learning_class = db.session.scalar(
            select(LearningClass).where(LearningClass.name == class_name)
        )
        sam = user("sam")
        add_members(user("lib"), learning_class, [sam.id])
        course = db.session.scalar(select(Course).where(Course.slug == "digital-basics"))
        first = db.session.scalar(
            select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
        )
        complete_lesson(sam.learner, first)
        long_ago = utc_now() - timedelta(days=STUCK_DAYS)
        for enrolment in db.session.scalars(
            select(Enrolment).where(Enrolment.learner_id == sam.learner.id)
        ):
            enrolment.last_activity_at = long_ago
        for member in db.session.scalars(select(ClassMember).where(ClassMember.user_id == sam.id)):
            member.added_at = long_ago
        db.session.commit()


def test_librarian_sets_up_a_class_from_a_file_and_follows_its_progress(app, page):
    setup_library(app)
    # Due within the week: idle patrons with work due soon are the ones flagged (HELP_* settings).
    due = date.today() + timedelta(days=5)

    # The librarian creates the class.
    sign_in_as(page, "lib")
    click_to(page, page.get_by_role("link", name="Classes", exact=True))
    click_to(page, page.get_by_role("link", name="Create a class"))
    page.get_by_label("Class name").fill("Tuesday Digital Skills")
    click_to(page, page.get_by_role("button", name="Create class"))
    assert page.get_by_role("heading", name="Tuesday Digital Skills").is_visible()

    # Ten patrons from a file, one row bad: the preview names it and nothing is saved.
    click_to(page, page.get_by_role("link", name="Import patrons from a file"))
    assert page.get_by_text("also put in the class Tuesday Digital Skills").is_visible()
    rows = [f"Tuesday Learner {n},4000000{n:03d},," for n in range(10)]
    bad = rows.copy()
    bad[4] = "Tuesday Learner 4,40-00!,,"
    page.get_by_label("CSV file").set_input_files(csv_file(bad))
    click_to(page, page.get_by_role("button", name="Check the file"))
    alert = page.get_by_role("alert")
    assert alert.get_by_text("1 problem: nothing was saved").is_visible()
    assert alert.get_by_text(
        "Line 6, column card_number: Use only letters and numbers in a card number."
    ).is_visible()
    assert page.get_by_role("button", name=re.compile("Create")).count() == 0

    # Fixed, the file imports all ten, straight into the class.
    page.get_by_label("CSV file").set_input_files(csv_file(rows))
    click_to(page, page.get_by_role("button", name="Check the file"))
    assert page.get_by_role("row").count() == 11
    click_to(page, page.get_by_role("button", name="Create 10 accounts"))
    assert page.get_by_role("heading", name="10 accounts are ready and in the class").is_visible()
    assert page.locator("article.signin-card").count() == 10
    usernames = card_values(page, "Username")
    passphrases = card_values(page, "Temporary password")
    assert len(usernames) == 10 and len(set(passphrases)) == 10
    assert "4000000003" not in page.content()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    page.emulate_media(media="screen")

    # Back on the class page: everyone is in it; the librarian assigns the course.
    click_to(page, page.get_by_role("link", name="Back to the class"))
    click_to(page, page.get_by_role("link", name="Assign work"))
    page.get_by_label("Course or part of a course").select_option(
        label="Course digital-basics (whole course)"
    )
    page.get_by_label("Due date (optional)").fill(due.isoformat())
    click_to(page, page.get_by_role("button", name="Assign"))
    assert page.get_by_text("The work is assigned.").is_visible()
    assert page.get_by_role("cell", name="Not started").count() == 10
    sign_out(page)
    make_sam_stuck(app, "Tuesday Digital Skills")

    # A patron signs in with their card, must choose a password, and does the work.
    go(page, "/account/sign-in")
    page.get_by_label("Username").fill(usernames[2])
    page.get_by_label("Password").fill(passphrases[2])
    click_to(page, page.get_by_role("button", name="Sign in"))
    assert page.get_by_role("heading", name="Choose your own password").is_visible()
    page.get_by_label("Your new password").fill("my blue garden gate")
    click_to(page, page.get_by_role("button", name="Save my password"))
    assert page.get_by_text("Your password is saved.").is_visible()
    assert page.url.endswith("/my-learning")
    assigned = page.get_by_role("region", name="Assigned to me")
    assert assigned.get_by_role("heading", name="Course digital-basics").is_visible()
    assert assigned.get_by_text(re.compile(r"Due")).first.is_visible()
    click_to(page, assigned.get_by_role("link", name=re.compile("^Start")))
    click_to(page, page.get_by_role("link", name=re.compile("Lesson m1-l1")).first)
    click_to(page, page.get_by_role("button", name="Done, go to the next step"))
    click_to(page, page.get_by_role("button", name="Done, go to the next step"))
    click_to(page, page.get_by_role("link", name="My learning"))
    assert page.get_by_role("region", name="Assigned to me").get_by_text("33% done").is_visible()
    sign_out(page)

    # The librarian sees the progress, and Sam flagged.
    sign_in_as(page, "lib")
    click_to(page, page.get_by_role("link", name="Classes", exact=True))
    click_to(page, page.get_by_role("link", name="Tuesday Digital Skills"))
    learner = page.get_by_role("row", name=re.compile(r"Tuesday Learner 2\b"))
    assert "In progress (33%)" in learner.inner_text()
    assert "May need help" not in learner.inner_text()
    sam = page.get_by_role("row", name=re.compile("Sam Stuck"))
    assert f"May need help: no activity for {STUCK_DAYS} days" in sam.inner_text()
    assert page.get_by_role("cell", name="Not started").count() == 9
    checked(page)
