"""Guidance that keeps patrons from getting lost (issue 12): the guest note, quiz titles and
question numbers, "Try again" after the feedback, shuffled practice ordering, the phone menu,
and pages sent compressed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from course_app.content.models import Question, Quiz
from course_app.extensions import db
from tests.conftest import SAMPLE_SLUG, csrf_token_from, sign_in
from tests.factories import make_course, quiz_form_data

LESSON_ONE = "/courses/test-course/lessons/m1-l1"
LESSON_TWO = "/courses/test-course/lessons/m1-l2"


@pytest.fixture
def course(app):
    with app.app_context():
        made = make_course()
        db.session.commit()
        return made.slug


def test_a_guest_sees_how_to_keep_progress_after_the_first_finished_lesson(client, course):
    assert "Keep your progress" not in client.get(LESSON_ONE).get_data(as_text=True)
    client.post(f"{LESSON_ONE}/complete")
    page = client.get(LESSON_TWO).get_data(as_text=True)
    assert "Keep your progress" in page
    assert 'href="/my-learning/resume-code">Get a resume code</a>' in page
    assert f'href="/account/sign-up?next={LESSON_TWO}">Create a free account</a>' in page
    # Hidden for good once the guest says so (a plain form: no JavaScript needed).
    hidden = client.post("/guest-note/hide", data={"next": LESSON_TWO})
    assert hidden.status_code == 302 and hidden.location == LESSON_TWO
    assert "Keep your progress" not in client.get(LESSON_TWO).get_data(as_text=True)


def test_the_guest_note_is_on_the_quiz_result_too_but_never_for_members(app, client, course):
    client.post(f"{LESSON_ONE}/complete")
    with app.app_context():
        from course_app.content.models import Course

        data = quiz_form_data(db.session.scalar(select(Course)), right=0)
    result = client.post("/courses/test-course/quizzes/m1-quiz", data=data, follow_redirects=True)
    assert "Keep your progress" in result.get_data(as_text=True)


def test_members_never_see_the_guest_note(app, client, course, make_user):
    make_user("ana")
    sign_in(client, "ana")
    client.post(f"{LESSON_ONE}/complete")
    assert "Keep your progress" not in client.get(LESSON_TWO).get_data(as_text=True)


def test_hiding_the_note_refuses_other_hosts(client, course):
    response = client.post("/guest-note/hide", data={"next": "https://evil.example/"})
    assert response.location == "/my-learning"


def test_quiz_titles_that_start_with_quiz_are_not_doubled(app, client, course):
    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.key == "m1-quiz"))
        quiz.title = "Quiz: Finding information"
        quiz.translations = {"es": {"title": "Prueba: Buscar información"}}
        db.session.commit()
    page = client.get("/courses/test-course").get_data(as_text=True)
    assert "Quiz: Finding information" in page and "Quiz: Quiz:" not in page
    assert "Quiz: Quiz 2" in page  # a title without the word still gets it once


def test_quiz_questions_show_their_numbers(client, course):
    page = client.get("/courses/test-course/quizzes/m1-quiz").get_data(as_text=True)
    assert '<h2 class="question-number">Question 1 of 5</h2>' in page
    assert 'visually-hidden">Question 1 of 5' not in page


def test_a_failed_quiz_offers_try_again_after_the_feedback_too(app, client, course):
    with app.app_context():
        from course_app.content.models import Course

        data = quiz_form_data(db.session.scalar(select(Course)), right=0)
    page = client.post(
        "/courses/test-course/quizzes/m1-quiz", data=data, follow_redirects=True
    ).get_data(as_text=True)
    assert page.count(">Try the quiz again</a>") == 2
    assert page.rindex("Try the quiz again") > page.rindex('class="feedback')


def test_the_quiz_error_summary_takes_the_focus(client, course):
    page = client.post(
        "/courses/test-course/quizzes/m1-quiz",
        data={"submission_token": "x" * 43, "action": "submit"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert 'class="error-summary" role="alert" tabindex="-1" autofocus' in page


def test_practice_ordering_in_a_lesson_is_never_shown_in_order(app, client, sample_course):
    with app.app_context():
        check = db.session.scalar(
            select(Question).where(Question.type == "ordering", Question.lesson_id.is_not(None))
        )
        lesson_key = db.session.get(
            __import__("course_app.content.models", fromlist=["Lesson"]).Lesson, check.lesson_id
        ).key
        answer = [item["id"] for item in check.data["items"]]
        prefix = f"{check.key}-q{check.id}-"
    page = client.get(f"/courses/{SAMPLE_SLUG}/lessons/{lesson_key}").get_data(as_text=True)
    shown = re.findall(rf'<select id="{re.escape(prefix)}([^"]+)"', page)
    assert sorted(shown) == sorted(answer) and shown != answer


def test_the_phone_menu_is_a_disclosure_that_needs_no_javascript(client, course):
    page = client.get("/").get_data(as_text=True)
    menu = page.split('<details class="site-menu">')[1].split("</details>")[0]
    assert "<summary>Menu</summary>" in menu and "/my-learning" in menu
    assert "<script" not in page.split("</header>")[0]


def test_pages_and_styles_are_sent_compressed_when_the_browser_accepts_it(client, course):
    page = client.get(LESSON_ONE, headers={"Accept-Encoding": "br, gzip"})
    assert page.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in page.headers["Vary"]
    # Chromium over plain HTTP offers gzip and deflate only.
    css = client.get("/static/site.css", headers={"Accept-Encoding": "gzip, deflate"})
    assert css.headers["Content-Encoding"] in ("gzip", "deflate")
    html = client.get(LESSON_ONE, headers={"Accept-Encoding": "gzip, deflate"})
    assert html.headers["Content-Encoding"] == "gzip"
    plain = client.get(LESSON_ONE)
    assert "Content-Encoding" not in plain.headers and b"<html" in plain.data


def test_a_check_answer_is_shown_after_its_redirect_with_csrf_on(csrf_app, sample_course):
    client = csrf_app.test_client()
    page = client.get(f"/courses/{SAMPLE_SLUG}/lessons/where-to-start").get_data(as_text=True)
    action = re.search(r'action="([^"]+/checks/[^"#]+)', page).group(1)
    name = re.search(r'name="(check-who-runs-medlineplus-q\d+)"', page).group(1)
    sent = client.post(action, data={"csrf_token": csrf_token_from(page), name: "a"})
    assert sent.status_code == 303
    shown = client.get(sent.location).get_data(as_text=True)
    assert "Correct!" in shown and 'tabindex="-1" autofocus' in shown
