"""The guidance states of issue 12 in a browser, in English and Spanish, each checked by axe:
the phone menu closed and open, the guest note, the guest's certificate page, the certificate
name's confirm step, quiz question numbers and the focused error summary."""

from __future__ import annotations

import pytest

from tests.browser.conftest import checked, go, sign_in_as

SLUG = "tiny-bilingual"
LESSON = f"/courses/{SLUG}/lessons/first-lesson"


def focused_class(page) -> str:
    return page.evaluate("() => document.activeElement.className || document.activeElement.tagName")


@pytest.mark.parametrize("language", ["en", "es"])
def test_phone_menu_and_the_guests_certificate_page(page, bilingual_course, language):
    page.set_viewport_size({"width": 360, "height": 740})
    go(page, f"/courses/{SLUG}")
    if language == "es":
        with page.expect_navigation():
            page.get_by_role("button", name="Español").click()
        checked(page)
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 0.15 * 740, header
    menu = "Menú" if language == "es" else "Menu"
    page.get_by_text(menu, exact=True).click()  # the <summary>: no JavaScript involved
    assert page.locator(".site-menu nav").is_visible()
    page.axe.check(page)  # the open menu
    go(page, LESSON)  # the lesson page at phone size, with the read-aloud control
    go(page, f"/courses/{SLUG}/certificate")
    create = "Crear una cuenta gratis" if language == "es" else "Create a free account"
    assert page.get_by_role("link", name=create).is_visible()


@pytest.mark.parametrize(
    ("language", "title", "hide"),
    [
        ("en", "Keep your progress", "Hide this note"),
        ("es", "Guarde su progreso", "Ocultar este aviso"),
    ],
)
def test_guest_note_on_the_next_page_then_hidden(page, app, language, title, hide):
    from course_app.extensions import db
    from tests.factories import make_course

    slug = f"note-course-{language}"
    with app.app_context():
        make_course(slug, modules=1)
        db.session.commit()
    go(page, f"/courses/{slug}/lessons/m1-l1")
    if language == "es":
        with page.expect_navigation():
            page.get_by_role("button", name="Español").click()
        checked(page)
    with page.expect_navigation():
        page.locator("main > form button.primary").click()
    checked(page)
    assert page.get_by_role("heading", name=title).is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name=hide).click()
    checked(page)
    assert page.locator(".guest-note").count() == 0


def test_quiz_numbers_and_the_error_summary_takes_focus(page, app):
    from course_app.extensions import db
    from tests.factories import make_course

    with app.app_context():
        make_course("numbers-course", modules=1)
        db.session.commit()
    go(page, "/courses/numbers-course/quizzes/m1-quiz")
    assert page.get_by_role("heading", name="Question 2 of 5").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Submit now").click()
    checked(page)
    assert "error-summary" in focused_class(page)


def test_the_certificate_name_is_confirmed_before_it_is_printed(page, app, make_user):
    from sqlalchemy import select

    from course_app.accounts.models import Learner, User
    from course_app.content.models import Course
    from course_app.extensions import db
    from tests.certificates.builders import complete_course
    from tests.factories import make_course

    make_user("rosa28670", display_name="rosa28670")
    with app.app_context():
        course = make_course("cert-course", modules=1, with_quiz=False)
        user = db.session.scalar(select(User).where(User.username == "rosa28670"))
        learner = db.session.scalar(select(Learner).where(Learner.user_id == user.id))
        if learner is None:
            learner = Learner(user_id=user.id)
            db.session.add(learner)
            db.session.flush()
        complete_course(learner, db.session.get(Course, course.id))
        db.session.commit()
    sign_in_as(page, "rosa28670")
    go(page, "/courses/cert-course/certificate")
    field = page.get_by_label("Your full name, as it should be printed")
    assert field.input_value() == ""
    field.fill("Rosa López")
    with page.expect_navigation():
        page.get_by_role("button", name="Check my name").click()
    checked(page)
    assert page.locator(".confirm-name").inner_text() == "Rosa López"
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, get my certificate").click()
    checked(page)
    assert "Rosa López" in page.content()
