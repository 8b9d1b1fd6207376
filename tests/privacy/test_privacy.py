"""Patron privacy (issue 14): the privacy page, taking one's data, erasing one's account, and
the daily retention run."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from course_app.accounts.models import Learner, User
from course_app.extensions import db
from course_app.learning.models import LessonProgress
from course_app.resume_codes.models import ResumeCode
from tests.conftest import PASSWORD, sign_in, signed_in
from tests.factories import make_course, quiz_form_data


def test_the_privacy_page_is_linked_from_every_page_in_english_and_spanish(client):
    assert 'href="/privacy"' in client.get("/").get_data(as_text=True)
    page = client.get("/privacy").get_data(as_text=True)
    assert "What we keep" in page and "We do not use trackers" in page
    assert "after 30 days without use" in page
    client.post("/account/language", data={"language": "es", "next": "/privacy"})
    spanish = client.get("/privacy").get_data(as_text=True)
    assert "Qué guardamos" in spanish and "What we keep" not in spanish


def _patron_with_history(app, make_user):
    make_user("data-owner", display_name="Dana Owner", email="dana@example.org")
    with app.app_context():
        course = make_course("data-course", modules=1)
        answers = quiz_form_data(course)
        db.session.commit()
    client = signed_in(app, "data-owner")
    client.post("/courses/data-course/lessons/m1-l1/complete")
    assert client.post("/courses/data-course/quizzes/m1-quiz", data=answers).status_code == 303
    return client


def test_a_patron_downloads_everything_kept_about_them_as_json_and_csv(app, make_user):
    client = _patron_with_history(app, make_user)
    response = client.get("/account/my-data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["username"] == "data-owner"
    assert data["account"]["email"] == "dana@example.org"
    assert [c["course"] for c in data["courses"]] == ["data-course"]
    assert [item["lesson"] for item in data["lessons_done"]] == ["m1-l1"]
    [attempt] = data["quiz_attempts"]
    assert attempt["quiz"] == "m1-quiz" and len(attempt["answers"]) == 5
    assert data["sign_ins"][0]["address"] == "127.0.0.1"
    csv_text = client.get("/account/my-data.csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeffsection,course,item,field,value")
    assert "account,,,username,data-owner" in csv_text
    assert "lessons_done,data-course,m1-l1,done," in csv_text
    assert csv_text.count("quiz_answers,data-course,m1-quiz try 1,") == 5


def test_another_patrons_data_is_never_in_the_download(app, make_user):
    _patron_with_history(app, make_user)
    make_user("someone-else")
    other = signed_in(app, "someone-else")
    data = json.loads(other.get("/account/my-data.json").get_data(as_text=True))
    assert data["account"]["username"] == "someone-else"
    assert data["courses"] == [] and data["quiz_attempts"] == []


def test_a_patron_erases_their_account_after_typing_their_password(app, make_user):
    client = _patron_with_history(app, make_user)
    wrong = client.post("/account/erase", data={"password": "not my password"})
    assert wrong.status_code == 400 and "That is not your password" in wrong.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "data-owner")) is not None
    done = client.post("/account/erase", data={"password": PASSWORD})
    assert done.status_code == 302
    assert client.get("/account/").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "data-owner")) is None
        assert db.session.scalar(select(LessonProgress.id)) is None
    assert sign_in(app.test_client(), "data-owner").status_code == 400


def test_staff_accounts_are_not_erased_from_the_account_page(app, make_user):
    make_user("a-staffer", "staff")
    client = signed_in(app, "a-staffer")
    response = client.post("/account/erase", data={"password": PASSWORD})
    assert response.status_code == 400
    assert "Staff accounts are not erased here" in response.get_data(as_text=True)


def _guest(app, client, days_ago: int, with_code: bool) -> int:
    client.post("/courses/purge-course/lessons/m1-l1/complete")
    with client.session_transaction() as visit:
        learner_id = visit["guest_learner_id"]
    with app.app_context():
        learner = db.session.get(Learner, learner_id)
        learner.last_active_at -= timedelta(days=days_ago)
        if with_code:
            db.session.add(ResumeCode(learner_id=learner_id, code_hash=f"{learner_id:064d}"))
        db.session.commit()
    return learner_id


def test_purge_erases_old_guest_progress_without_a_code_and_flags_unused_accounts(app, make_user):
    with app.app_context():
        make_course("purge-course", modules=1)
        db.session.commit()
    old = _guest(app, app.test_client(), 31, with_code=False)
    kept_with_code = _guest(app, app.test_client(), 31, with_code=True)
    recent = _guest(app, app.test_client(), 5, with_code=False)
    make_user("long-gone")
    make_user("regular")
    with app.app_context():
        gone = db.session.scalar(select(User).where(User.username == "long-gone"))
        gone.created_at -= timedelta(days=400)
        db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "Guest learners erased: 1" in result.output
    assert "Accounts flagged as inactive: 0" in result.output  # off by default
    with app.app_context():
        assert db.session.get(Learner, old) is None
        assert db.session.get(Learner, kept_with_code) is not None
        assert db.session.get(Learner, recent) is not None
    result = runner.invoke(args=["privacy", "purge", "--inactive-days", "365"])
    assert "Accounts flagged as inactive: 1" in result.output
    with app.app_context():
        flagged = db.session.scalars(
            select(User.username).where(User.flagged_inactive_at.is_not(None))
        )
        assert list(flagged) == ["long-gone"]


def test_purge_refuses_a_bad_number_of_days_and_changes_nothing(app):
    result = app.test_cli_runner().invoke(args=["privacy", "purge", "--guest-days", "0"])
    assert result.exit_code != 0 and "--guest-days" in result.output


def test_purge_deletes_sign_in_records_and_ended_sessions_after_their_days(app, make_user):
    from course_app.accounts.models import UserSession
    from course_app.audit.models import AuditEvent

    make_user("old-signer")
    app.test_client().post("/account/sign-in", data={"username": "old-signer", "password": "x" * 9})
    client = signed_in(app, "old-signer")
    with app.app_context():
        for event in db.session.scalars(select(AuditEvent)):
            event.at -= timedelta(days=91)
        db.session.commit()
        recent = AuditEvent(action="sign_in.succeeded", target_type="none", details={})
        db.session.add(recent)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert "Old sign-in records and sessions deleted: 2" in result.output, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1
    assert client.get("/account/").status_code == 200  # the open session is kept
