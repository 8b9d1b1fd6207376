"""Where learners go next, and what a finished course says, as patrons meet it over HTTP:
Continue from another computer, Done buttons that skip passed quizzes, a passed quiz's page,
practice tries, and a course finished before a re-import added a lesson."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from course_app.certificates.models import Certificate
from course_app.content.models import Course, Lesson
from course_app.extensions import db
from course_app.reports.verify import compare_with_rebuild
from tests.conftest import signed_in
from tests.factories import make_course, quiz_form_data

SLUG = "onward"


@pytest.fixture
def course_id(app, make_user):
    make_user("reader")
    with app.app_context():
        course = make_course(SLUG, modules=2, lessons_per_module=2)
        db.session.commit()
        return course.id


def quiz_data(app, course_id, module, right=5):
    with app.app_context():
        return quiz_form_data(db.session.get(Course, course_id), module, right=right)


def location(response) -> str:
    return response.headers["Location"]


def finish_course(app, client, course_id):
    for key in ("m1-l1", "m1-l2"):
        client.post(f"/courses/{SLUG}/lessons/{key}/complete")
    client.post(f"/courses/{SLUG}/quizzes/m1-quiz", data=quiz_data(app, course_id, 1))
    for key in ("m2-l1", "m2-l2"):
        client.post(f"/courses/{SLUG}/lessons/{key}/complete")
    return client.post(f"/courses/{SLUG}/quizzes/m2-quiz", data=quiz_data(app, course_id, 2))


def test_continue_on_another_computer_goes_to_the_first_unfinished_step(app, course_id):
    home = signed_in(app, "reader")
    home.post(f"/courses/{SLUG}/lessons/m1-l1/complete")
    home.post(f"/courses/{SLUG}/lessons/m1-l2/complete")
    home.post(f"/courses/{SLUG}/quizzes/m1-quiz", data=quiz_data(app, course_id, 1))
    home.get(f"/courses/{SLUG}/lessons/m1-l1")  # re-read an early lesson last
    home.post("/account/sign-out")
    library = signed_in(app, "reader")
    assert location(library.get(f"/courses/{SLUG}/continue")).endswith(f"/{SLUG}/lessons/m2-l1")
    page = library.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert "Continue" in page and "Passed" in page


def test_continue_after_a_failed_quiz_goes_back_to_that_quiz(app, course_id):
    client = signed_in(app, "reader")
    client.post(f"/courses/{SLUG}/lessons/m1-l1/complete")
    client.post(f"/courses/{SLUG}/lessons/m1-l2/complete")
    client.post(f"/courses/{SLUG}/quizzes/m1-quiz", data=quiz_data(app, course_id, 1, right=1))
    assert location(client.get(f"/courses/{SLUG}/continue")).endswith("/quizzes/m1-quiz")


def test_done_on_a_reread_lesson_skips_a_quiz_already_passed(app, course_id):
    client = signed_in(app, "reader")
    client.post(f"/courses/{SLUG}/lessons/m1-l1/complete")
    client.post(f"/courses/{SLUG}/lessons/m1-l2/complete")
    client.post(f"/courses/{SLUG}/quizzes/m1-quiz", data=quiz_data(app, course_id, 1))
    response = client.post(f"/courses/{SLUG}/lessons/m1-l2/complete")  # read again
    assert location(response).endswith("/lessons/m2-l1")


def test_a_passed_quiz_says_so_with_the_best_score_and_the_way_on(app, course_id):
    client = signed_in(app, "reader")
    client.post(f"/courses/{SLUG}/quizzes/m1-quiz", data=quiz_data(app, course_id, 1, right=4))
    page = client.get(f"/courses/{SLUG}/quizzes/m1-quiz").get_data(as_text=True)
    assert "You passed this quiz." in page and "Your best score is 80%." in page
    assert f'href="/courses/{SLUG}/lessons/m2-l1"' in page  # onward: the step after the quiz
    assert "Practice this quiz again" in page
    assert "Review my answers" not in page  # no form until practice is asked for
    practice = client.get(f"/courses/{SLUG}/quizzes/m1-quiz?practice=1").get_data(as_text=True)
    assert "Review my answers" in practice and "This is practice" in practice


def test_a_failed_practice_try_never_changes_a_pass_or_a_completion(app, course_id):
    client = signed_in(app, "reader")
    finish_course(app, client, course_id)
    response = client.post(
        f"/courses/{SLUG}/quizzes/m1-quiz", data=quiz_data(app, course_id, 1, right=0)
    )
    result = client.get(location(response)).get_data(as_text=True)
    assert "you passed this quiz before, and your pass stays" in result
    page = client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert "You finished this course on" in page and "Get your certificate" in page
    assert location(client.get(f"/courses/{SLUG}/continue")).endswith(f"/{SLUG}/certificate")


def test_the_last_step_leads_to_the_certificate(app, course_id):
    client = signed_in(app, "reader")
    response = finish_course(app, client, course_id)
    result = client.get(location(response)).get_data(as_text=True)
    assert "Get your certificate" in result and f"/courses/{SLUG}/certificate" in result


def add_lesson(app, course_id) -> None:
    """What a re-import that adds a lesson to module 1 does."""
    with app.app_context():
        course = db.session.get(Course, course_id)
        module = course.modules[0]
        db.session.add(
            Lesson(
                course_id=course_id,
                module_id=module.id,
                key="m1-new",
                position=199,
                title="Lesson m1-new",
                body_html="<p>New.</p>",
            )
        )
        course.content_hash = uuid.uuid4().hex
        db.session.commit()


def test_a_finished_course_stays_finished_when_a_lesson_is_added(app, course_id):
    client = signed_in(app, "reader")
    finish_course(app, client, course_id)
    assert (
        client.post(
            f"/courses/{SLUG}/certificate", data={"recipient_name": "Ana", "confirmed": "1"}
        ).status_code
        == 302
    )
    add_lesson(app, course_id)
    page = client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert "You finished this course on" in page
    assert "New since you finished:" in page and "Lesson m1-new" in page
    mine = client.get("/my-learning").get_data(as_text=True)
    assert "Completed on" in mine and "Lesson m1-new" in mine and "See your certificate" in mine
    assert location(client.get(f"/courses/{SLUG}/continue")).endswith("/lessons/m1-new")
    # The certificate still verifies, and the reports still count the completion.
    with app.app_context():
        code = db.session.scalar(select(Certificate.code))
        assert compare_with_rebuild().ok
    assert "valid" in client.get(f"/verify/{code}").get_data(as_text=True).lower()


def test_a_certificate_can_still_be_claimed_after_a_lesson_is_added(app, course_id):
    client = signed_in(app, "reader")
    finish_course(app, client, course_id)
    add_lesson(app, course_id)
    response = client.post(
        f"/courses/{SLUG}/certificate", data={"recipient_name": "Ana Ruiz", "confirmed": "1"}
    )
    assert response.status_code == 302 and "/certificates/" in location(response)
