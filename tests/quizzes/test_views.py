"""Quizzes through HTTP: review before submit, feedback, fail then pass, counted once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from course_app.content.models import Course, Question
from course_app.extensions import db
from course_app.learning.models import Enrolment
from course_app.quizzes.models import AttemptAnswer, QuizAttempt
from tests.factories import make_course, quiz_form_data

URL = "/courses/test-course/quizzes/m1-quiz"


@pytest.fixture
def course(app):
    with app.app_context():
        make_course("test-course")
        db.session.commit()
    return "test-course"


def form_data(app, right=5, token=None):
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "test-course"))
        return quiz_form_data(course, 1, right=right, token=token)


def attempts(app):
    with app.app_context():
        return db.session.scalars(select(QuizAttempt).order_by(QuizAttempt.id)).all()


def test_quiz_page_shows_every_question_type_with_fieldsets(client, course):
    page = client.get(URL).get_data(as_text=True)
    assert page.count("<fieldset") == 5
    assert page.count("<legend>") == 5
    assert 'type="radio"' in page and 'type="checkbox"' in page and 'type="text"' in page
    assert "<select" in page
    assert "True" in page and "False" in page
    assert re.search(r'name="submission_token" type="hidden" value="[\w-]{43}"', page)


def test_ordering_items_are_not_shown_in_the_right_order(client, course):
    page = client.get(URL).get_data(as_text=True)
    positions = [page.index(t) for t in ("Find a site", "Check who runs it", "Ask your doctor")]
    assert positions != sorted(positions)


def test_review_shows_answers_back_and_saves_nothing(client, course, app):
    data = form_data(app) | {"action": "review"}
    page = client.post(URL, data=data).get_data(as_text=True)
    assert "Review your answers" in page
    assert "medline-plus" in page  # typed answer shown back
    assert 'value="submit"' in page and 'value="change"' in page
    assert attempts(app) == []


def test_change_answers_returns_to_the_form_with_answers_kept(client, course, app):
    data = form_data(app) | {"action": "change"}
    page = client.post(URL, data=data).get_data(as_text=True)
    assert page.count("<fieldset") == 5
    assert 'value="  medline-plus "' in page or 'value="medline-plus"' in page
    assert " checked" in page
    assert attempts(app) == []


def test_submitting_from_review_grades_the_same_answers(client, course, app):
    data = form_data(app)
    review = client.post(URL, data=data | {"action": "review"}).get_data(as_text=True)
    hidden = dict(
        re.findall(r'<input type="hidden" name="(q\d+(?:-\w+)?)" value="([^"]*)">', review)
    )
    assert hidden, "answers are carried through the review page"
    response = client.post(URL, data=data | {"action": "submit"})
    assert response.status_code == 303
    assert attempts(app)[0].passed


def test_fail_then_pass_with_feedback_and_history(client, course, app):
    failed = client.post(URL, data=form_data(app, right=3), follow_redirects=True).get_data(
        as_text=True
    )
    assert "You got 3 of 5 right (60%)." in failed
    assert "You did not pass this time" in failed
    assert "Not correct." in failed and "Correct." in failed
    assert "Find, check, then ask." in failed  # explanation on a wrong answer
    assert "Selling something is a warning sign." in failed  # and on a right one
    assert "Try the quiz again" in failed

    passed = client.post(URL, data=form_data(app, right=5), follow_redirects=True).get_data(
        as_text=True
    )
    assert "You got 5 of 5 right (100%)." in passed
    assert "You passed this quiz" in passed

    history = client.get(URL + "/attempts").get_data(as_text=True)
    assert history.count("See answers") == 2
    assert "60%" in history and "100%" in history
    assert [a.passed for a in attempts(app)] == [False, True]


def test_feedback_for_the_choice_picked(client, course, app):
    page = client.post(URL, data=form_data(app, right=0), follow_redirects=True).get_data(
        as_text=True
    )
    assert "No: it sells pills." in page
    assert "Colours tell you little." in page
    assert "You got 0 of 5 right (0%)." in page


def test_four_of_five_meets_the_default_pass_mark(client, course, app):
    client.post(URL, data=form_data(app, right=4))
    assert attempts(app)[0].score == 80 and attempts(app)[0].passed


def test_double_submitted_quiz_is_counted_once(client, course, app):
    data = form_data(app, right=5)
    first = client.post(URL, data=data)
    second = client.post(URL, data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(attempts(app)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == 5


def test_forged_choice_id_is_refused_and_nothing_saved(client, course, app):
    data = form_data(app)
    with app.app_context():
        single = db.session.scalar(select(Question).where(Question.key == "m1-single"))
        other = db.session.scalar(select(Question).where(Question.key == "m2-single"))
    data[f"q{single.id}"] = "zz"
    response = client.post(URL, data=data)
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    # An answer to a question of another quiz is ignored, and the form still needs its own.
    data = form_data(app)
    del data[f"q{single.id}"]
    data[f"q{other.id}"] = "a"
    assert client.post(URL, data=data).status_code == 400
    assert attempts(app) == []


def test_missing_answers_are_named(client, course, app):
    response = client.post(URL, data={"submission_token": "x" * 43, "action": "submit"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Some questions need an answer" in page
    assert "Please answer this question." in page
    assert attempts(app) == []


def test_ordering_with_a_position_used_twice_is_refused(client, course, app):
    data = form_data(app)
    with app.app_context():
        order = db.session.scalar(select(Question).where(Question.key == "m1-order"))
    data[f"q{order.id}-a"] = "1"
    data[f"q{order.id}-b"] = "1"
    page = client.post(URL, data=data).get_data(as_text=True)
    assert "Use each number once" in page
    assert attempts(app) == []


def test_over_long_text_answer_is_refused(client, course, app):
    data = form_data(app)
    with app.app_context():
        short = db.session.scalar(select(Question).where(Question.key == "m1-short"))
    data[f"q{short.id}"] = "x" * 201
    response = client.post(URL, data=data)
    assert response.status_code == 400
    assert "Please keep your answer shorter." in response.get_data(as_text=True)


@pytest.mark.parametrize("token", ["", "short", "x" * 44, "<script>alert(1)</script>" + "x" * 18])
def test_bad_submission_token_is_refused(client, course, app, token):
    data = form_data(app)
    data["submission_token"] = token
    assert client.post(URL, data=data).status_code == 400
    assert attempts(app) == []


def test_results_are_private_to_the_learner(client, course, app):
    response = client.post(URL, data=form_data(app))
    location = response.headers["Location"]
    assert client.get(location).status_code == 200
    stranger = app.test_client()
    assert stranger.get(location).status_code == 404


def test_passing_every_quiz_and_lesson_completes_the_course(client, course, app):
    for key in ("m1-l1", "m1-l2", "m2-l1", "m2-l2"):
        client.post(f"/courses/test-course/lessons/{key}/complete")
    client.post(URL, data=form_data(app))
    with app.app_context():
        course_row = db.session.scalar(select(Course).where(Course.slug == "test-course"))
        data = quiz_form_data(course_row, 2)
        assert db.session.scalar(select(Enrolment.completed_at)) is None
    page = client.post("/courses/test-course/quizzes/m2-quiz", data=data, follow_redirects=True)
    assert "Get your certificate" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Enrolment.completed_at)) is not None
