"""The learner path through HTTP: catalogue, overview, lessons, checks, My learning."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from course_app.extensions import db
from course_app.learning.models import Enrolment, LessonProgress
from tests.conftest import sign_in
from tests.factories import make_course


@pytest.fixture
def course(app):
    with app.app_context():
        make_course("test-course")
        make_course("digital-course", topic="digital-literacy", modules=1)
        db.session.commit()
    return "test-course"


def test_catalogue_lists_courses_with_details(client, course):
    page = client.get("/").get_data(as_text=True)
    assert "Course test-course" in page and "Course digital-course" in page
    assert "About 20 minutes" in page
    assert "Reading level: grade 6" in page
    assert "Health literacy" in page


def test_catalogue_filters_by_topic(client, course):
    page = client.get("/?topic=digital-literacy").get_data(as_text=True)
    assert "Course digital-course" in page
    assert "Course test-course" not in page


def test_catalogue_with_unknown_topic_shows_all_and_says_why(client, course):
    response = client.get("/?topic=%3Cscript%3E")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>" not in page
    assert "We could not find that topic" in page
    assert "Course test-course" in page and "Course digital-course" in page


def test_course_overview_lists_modules_lessons_and_quizzes(client, course):
    page = client.get("/courses/test-course").get_data(as_text=True)
    for text in (
        "Module 1",
        "Module 2",
        "Lesson m1-l1",
        "Lesson m2-l2",
        "Quiz: Quiz 1",
        "Start the course",
    ):
        assert text in page


@pytest.mark.parametrize(
    "url",
    [
        "/courses/nope",
        "/courses/test-course/lessons/nope",
        "/courses/nope/lessons/m1-l1",
        "/courses/test-course/quizzes/nope",
    ],
)
def test_unknown_course_or_lesson_gives_404_page(client, course, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_guest_can_read_a_lesson_without_an_account(client, course):
    response = client.get("/courses/test-course/lessons/m1-l1")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Lesson m1-l1 text." in page
    assert "Check your understanding" in page
    # The check sits where the marker was, between the paragraphs.
    assert (
        page.index("Lesson m1-l1 text.")
        < page.index("Is MedlinePlus free?")
        < page.index("After the check.")
    )


def test_knowledge_check_gives_feedback_at_once(client, course, app):
    with app.app_context():
        from course_app.content.models import Question

        qid = db.session.scalar(select(Question.id).where(Question.key == "m1-l1-check"))
    url = "/courses/test-course/lessons/m1-l1/checks/m1-l1-check"
    sent = client.post(url, data={f"m1-l1-check-q{qid}": "a"})
    # POST, redirect, GET: reloading the page with the feedback sends nothing again.
    assert sent.status_code == 303
    assert sent.location.endswith("/courses/test-course/lessons/m1-l1")
    right = client.get(sent.location).get_data(as_text=True)
    assert "Correct!" in right and "Right, it is free." in right
    # Focus goes to the feedback, not to <body>.
    assert 'class="feedback correct" tabindex="-1" autofocus' in right
    assert 'value="a" checked' in right or "checked" in right
    reloaded = client.get(sent.location).get_data(as_text=True)
    assert "Correct!" not in reloaded
    wrong = client.post(url, data={f"m1-l1-check-q{qid}": "b"}, follow_redirects=True)
    text = wrong.get_data(as_text=True)
    assert "Not quite." in text and "It is free." in text


def test_knowledge_check_refuses_forged_choice(client, course, app):
    with app.app_context():
        from course_app.content.models import Question

        qid = db.session.scalar(select(Question.id).where(Question.key == "m1-l1-check"))
    response = client.post(
        "/courses/test-course/lessons/m1-l1/checks/m1-l1-check", data={f"m1-l1-check-q{qid}": "zzz"}
    )
    assert response.status_code == 400
    assert "Correct!" not in response.get_data(as_text=True)


def test_guest_progress_is_kept_for_the_visit(client, course, app):
    assert client.post("/courses/test-course/lessons/m1-l1/complete").status_code == 302
    page = client.get("/my-learning").get_data(as_text=True)
    assert "Course test-course" in page
    assert "16% done" in page  # 1 of 4 lessons + 2 quizzes


def test_completing_a_lesson_twice_counts_once(client, course, app):
    for _ in range(2):
        client.post("/courses/test-course/lessons/m1-l1/complete")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 1


def test_complete_moves_to_the_next_step(client, course):
    response = client.post("/courses/test-course/lessons/m1-l1/complete")
    assert response.headers["Location"].endswith("/courses/test-course/lessons/m1-l2")
    response = client.post("/courses/test-course/lessons/m1-l2/complete")
    assert response.headers["Location"].endswith("/courses/test-course/quizzes/m1-quiz")


def test_continue_goes_to_the_first_unfinished_step_not_the_last_page_read(client, course):
    first = client.get("/courses/test-course/continue")
    assert first.headers["Location"].endswith("/lessons/m1-l1")
    client.get("/courses/test-course/lessons/m1-l1")
    client.post("/courses/test-course/lessons/m1-l1/complete")
    client.get("/courses/test-course/lessons/m2-l1")  # read ahead, not done
    again = client.get("/courses/test-course/continue")
    assert again.headers["Location"].endswith("/lessons/m1-l2")
    page = client.get("/my-learning").get_data(as_text=True)
    assert "Next:" in page and "Lesson m1-l2" in page


def test_guest_progress_is_kept_after_sign_up(client, course, app):
    client.post("/courses/test-course/lessons/m1-l1/complete")
    client.get("/courses/test-course/lessons/m1-l2")
    response = client.post(
        "/account/sign-up", data={"username": "newbie", "password": "a quiet blue river"}
    )
    assert response.status_code == 302
    page = client.get("/my-learning").get_data(as_text=True)
    assert "16% done" in page
    assert (
        client.get("/courses/test-course/continue").headers["Location"].endswith("/lessons/m1-l2")
    )


def test_guest_progress_is_merged_into_existing_account_on_sign_in(app, course, make_user):
    make_user("returning")
    member = app.test_client()
    sign_in(member, "returning")
    member.post("/courses/test-course/lessons/m1-l1/complete")
    member.post("/account/sign-out")

    guest = app.test_client()
    guest.post("/courses/test-course/lessons/m1-l1/complete")  # done in both: kept once
    guest.post("/courses/test-course/lessons/m1-l2/complete")
    assert sign_in(guest, "returning").status_code == 302
    page = guest.get("/my-learning").get_data(as_text=True)
    assert "33% done" in page  # 2 of 6 steps
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 2
        assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 1


def test_my_learning_for_new_visitor_invites_to_find_a_course(client, course):
    page = client.get("/my-learning").get_data(as_text=True)
    assert "You have not started a course yet." in page


def test_inactive_course_is_hidden(client, course, app):
    from course_app.content.models import Course

    with app.app_context():
        db.session.scalar(select(Course).where(Course.slug == "digital-course")).is_active = False
        db.session.commit()
    assert "Course digital-course" not in client.get("/").get_data(as_text=True)
    assert client.get("/courses/digital-course").status_code == 404
