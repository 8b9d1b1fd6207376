"""Issuing and redeeming resume codes: hashing, one learner, merging, expiry, accounts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from course_app.accounts.models import Learner
from course_app.accounts.services import create_user, merge_guest
from course_app.content.models import Lesson
from course_app.db import utc_now
from course_app.extensions import db
from course_app.learning.models import Enrolment, LessonProgress
from course_app.learning.services import record_lesson_completed
from course_app.resume_codes import services
from course_app.resume_codes.codes import code_digest, grouped
from course_app.resume_codes.models import ResumeCode
from course_app.resume_codes.services import (
    ResumeCodeError,
    issue_resume_code,
    redeem_resume_code,
)
from tests.factories import make_course

KEY = "test-secret-key"


@pytest.fixture
def course(app_ctx):
    course = make_course("resume-course")
    db.session.commit()
    return course


def _guest_with_lessons(course, *keys: str) -> Learner:
    guest = Learner()
    db.session.add(guest)
    db.session.flush()
    for key in keys:
        lesson = db.session.scalar(
            select(Lesson).where(Lesson.course_id == course.id, Lesson.key == key)
        )
        record_lesson_completed(guest, course, lesson.id, None)
    return guest


def _done(learner: Learner) -> set[str]:
    return set(
        db.session.scalars(
            select(Lesson.key)
            .join(LessonProgress, LessonProgress.lesson_id == Lesson.id)
            .where(LessonProgress.learner_id == learner.id)
        )
    )


def test_only_a_keyed_hash_of_the_code_is_stored(course):
    guest = _guest_with_lessons(course, "m1-l1")
    code = issue_resume_code(guest, KEY)
    row = db.session.scalar(select(ResumeCode))
    assert row.code_hash == code_digest(code, KEY)
    assert code not in row.code_hash and grouped(code) not in row.code_hash


def test_a_new_code_replaces_the_old_one(course):
    guest = _guest_with_lessons(course, "m1-l1")
    old = issue_resume_code(guest, KEY)
    new = issue_resume_code(guest, KEY)
    assert db.session.scalar(select(func.count()).select_from(ResumeCode)) == 1
    with pytest.raises(ResumeCodeError, match="wrong"):
        redeem_resume_code(old, KEY, None)
    assert redeem_resume_code(new, KEY, None) is guest


def test_redeeming_gives_the_one_learner_and_creates_none(course):
    guest = _guest_with_lessons(course, "m1-l1")
    code = issue_resume_code(guest, KEY)
    learners = db.session.scalar(select(func.count()).select_from(Learner))
    assert redeem_resume_code(grouped(code).lower(), KEY, None).id == guest.id
    assert db.session.scalar(select(func.count()).select_from(Learner)) == learners


def test_this_visits_guest_progress_is_merged_into_the_codes_learner(course):
    owner = _guest_with_lessons(course, "m1-l1")
    code = issue_resume_code(owner, KEY)
    here = _guest_with_lessons(course, "m1-l1", "m2-l1")
    here_id = here.id
    learner = redeem_resume_code(code, KEY, here)
    assert learner.id == owner.id
    assert _done(learner) == {"m1-l1", "m2-l1"}
    assert db.session.get(Learner, here_id) is None
    # The merged-away visit had no code of its own; the owner's code still works.
    assert redeem_resume_code(code, KEY, None).id == owner.id


def test_a_merged_away_guest_takes_its_own_code_with_it(course):
    first = _guest_with_lessons(course, "m1-l1")
    first_code = issue_resume_code(first, KEY)
    second = _guest_with_lessons(course, "m1-l2")
    second_code = issue_resume_code(second, KEY)
    redeem_resume_code(second_code, KEY, first)
    db.session.expire_all()
    with pytest.raises(ResumeCodeError, match="wrong"):
        redeem_resume_code(first_code, KEY, None)


def test_each_use_refreshes_the_code(course, monkeypatch):
    guest = _guest_with_lessons(course, "m1-l1")
    code = issue_resume_code(guest, KEY)
    later = utc_now() + timedelta(days=300)
    monkeypatch.setattr(services, "utc_now", lambda: later)
    redeem_resume_code(code, KEY, None)
    assert db.session.scalar(select(ResumeCode.last_used_at)) == later
    monkeypatch.setattr(services, "utc_now", lambda: later + timedelta(days=300))
    assert redeem_resume_code(code, KEY, None).id == guest.id


def test_a_code_unused_for_a_year_stops_working(course, monkeypatch):
    guest = _guest_with_lessons(course, "m1-l1")
    code = issue_resume_code(guest, KEY)
    monkeypatch.setattr(services, "utc_now", lambda: utc_now() + timedelta(days=366))
    with pytest.raises(ResumeCodeError, match="expired"):
        redeem_resume_code(code, KEY, None)


def test_learning_with_the_code_counts_as_using_it(course, monkeypatch):
    guest = _guest_with_lessons(course, "m1-l1")
    code = issue_resume_code(guest, KEY)
    db.session.execute(
        update(Enrolment)
        .where(Enrolment.learner_id == guest.id)
        .values(last_activity_at=utc_now() + timedelta(days=200))
    )
    monkeypatch.setattr(services, "utc_now", lambda: utc_now() + timedelta(days=366))
    assert redeem_resume_code(code, KEY, None).id == guest.id


def test_the_code_stops_working_once_the_guest_has_an_account(course):
    guest = _guest_with_lessons(course, "m1-l1")
    code = issue_resume_code(guest, KEY)
    create_user("became-a-member", "correct horse battery", learner=guest)
    with pytest.raises(ResumeCodeError, match="wrong"):
        redeem_resume_code(code, KEY, None)


def test_the_code_stops_working_when_sign_in_merges_the_guest_away(course):
    guest = _guest_with_lessons(course, "m1-l1")
    code = issue_resume_code(guest, KEY)
    member = create_user("member", "correct horse battery")
    merge_guest(guest, member.learner)
    db.session.expire_all()
    with pytest.raises(ResumeCodeError, match="wrong"):
        redeem_resume_code(code, KEY, None)


def test_accounts_cannot_get_a_code(course):
    member = create_user("member", "correct horse battery")
    with pytest.raises(ValueError):
        issue_resume_code(member.learner, KEY)


@pytest.mark.parametrize("text", ["", "K7QM", "K7QM-4XP0", "nonsense!"])
def test_malformed_codes_are_refused_without_a_lookup(course, text):
    with pytest.raises(ResumeCodeError, match="wrong"):
        redeem_resume_code(text, KEY, None)
