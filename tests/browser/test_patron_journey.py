"""The whole patron journey in a real browser, with axe-core on every page:
catalogue -> guest lessons -> sign-up (progress kept) -> quizzes failed then passed ->
certificate with a Unicode name -> PDF downloaded -> its code verified on /verify."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from course_app.content.models import Course
from course_app.extensions import db
from course_app.learning.plan import course_plan as plan_of
from tests.browser.conftest import checked, go
from tests.browser.quiz_answers import answer_question, quiz_questions

NAME = "Nguyễn Thị Minh Khai"


def course_plan(app, slug):
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == slug))
        plan = [
            ([le.key for le in m.lessons], m.quiz.key if m.quiz else None)
            for m in plan_of(course).modules
        ]
        return course.title, course.topic, plan


def click_to(page, locator):
    with page.expect_navigation():
        locator.click()
    return checked(page)


def take_quiz(page, app, slug, quiz_key, right):
    questions = quiz_questions(app, slug, quiz_key)
    for q in questions:
        answer_question(page, q, right)
    # Review first, then submit from the review page.
    click_to(page, page.get_by_role("button", name="Review my answers"))
    assert "Review your answers" in page.content()
    click_to(page, page.get_by_role("button", name="Submit my answers"))
    return len(questions)


def test_patron_journey_from_catalogue_to_verified_certificate(page, app, sample_course):
    title, topic, plan = course_plan(app, sample_course)

    # 1. Catalogue, filter by topic, course overview.
    go(page, "/")
    assert page.get_by_role("heading", name=title).is_visible()
    page.get_by_label("Topic").select_option(topic)
    click_to(page, page.get_by_role("button", name="Show courses"))
    click_to(page, page.get_by_role("link", name=title))
    assert page.get_by_role("heading", level=1, name=title).is_visible()

    # 2. Start as a guest: the first lesson, its knowledge check, then done.
    click_to(page, page.get_by_role("link", name="Start the course"))
    first_lessons, _ = plan[0]
    assert page.url.endswith(f"/lessons/{first_lessons[0]}")
    checks = page.locator("section.check")
    if checks.count():
        check = checks.first
        check.locator("input[type=radio], input[type=checkbox]").first.check()
        click_to(page, check.get_by_role("button", name="Check my answer"))
        status = page.locator("section.check [role=status]").first
        assert re.search(r"Correct!|Not quite\.", status.inner_text())
    click_to(page, page.get_by_role("button", name=re.compile("^Done")))

    # 3. Create an account: the guest's progress is kept.
    click_to(page, page.get_by_role("link", name="Create account"))
    page.get_by_label("Username").fill("minh.khai")
    page.get_by_label("Password").fill("my library card is blue")
    click_to(page, page.get_by_role("button", name="Create account"))
    assert "Your account is ready" in page.content()
    assert "My learning" in page.title()
    assert page.get_by_role("link", name=re.compile("^Continue")).is_visible()

    # Continue brings us back to where we were.
    click_to(page, page.get_by_role("link", name=re.compile("^Continue")))
    assert "/lessons/" in page.url

    # 4. Every lesson, and every quiz: the first failed, then passed.
    failed_once = False
    for lessons, quiz_key in plan:
        for key in lessons:
            go(page, f"/courses/{sample_course}/lessons/{key}")
            click_to(page, page.get_by_role("button", name=re.compile("^Done")))
        if quiz_key is None:
            continue
        go(page, f"/courses/{sample_course}/quizzes/{quiz_key}")
        if not failed_once:
            take_quiz(page, app, sample_course, quiz_key, right=False)
            assert "You did not pass this time" in page.content()
            assert page.locator(".feedback.incorrect").count() >= 1
            # "Try again" sits above the feedback and again after it.
            assert page.get_by_role("link", name="Try the quiz again").count() == 2
            click_to(page, page.get_by_role("link", name="Try the quiz again").last)
            failed_once = True
        total = take_quiz(page, app, sample_course, quiz_key, right=True)
        assert f"You got {total} of {total} right (100%)." in page.content()

    # 5. Certificate with a Unicode name.
    click_to(page, page.get_by_role("link", name="Get your certificate"))
    page.get_by_label("Your full name, as it should be printed").fill(NAME)
    click_to(page, page.get_by_role("button", name="Check my name"))
    assert NAME in page.content()  # shown back before anything is printed
    click_to(page, page.get_by_role("button", name="Yes, get my certificate"))
    assert NAME in page.content()
    code = re.search(r"/certificates/([A-Z0-9-]{34})$", page.url).group(1)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    pdf_bytes = Path(download_info.value.path()).read_bytes()
    assert pdf_bytes.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
    assert NAME in text
    assert f"/verify/{code}" in text.replace("\n", "").replace(" ", "")

    # 6. Anyone can verify the code; an unknown one gets a clear 404 page.
    visitor = page.context.browser.new_context(
        base_url=page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2]
    )
    other = visitor.new_page()
    other.goto(f"/verify/{code}")
    page.axe.check(other)
    body = other.content()
    assert NAME in body and title in body and "Valid" in body
    assert "minh.khai" not in body
    response = other.goto("/verify/not-a-real-code")
    assert response.status == 404
    page.axe.check(other)
    visitor.close()

    # My learning lists the course as completed.
    go(page, "/my-learning")
    assert page.get_by_role("link", name=re.compile("See your certificate")).is_visible()
