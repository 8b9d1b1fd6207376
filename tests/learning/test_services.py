"""Progress services: one record per lesson, completion decided in one place, merging guests."""

from __future__ import annotations

from sqlalchemy import func, select

from course_app.accounts.models import Learner
from course_app.content.models import Lesson, Quiz
from course_app.extensions import db
from course_app.learning.models import Enrolment, LessonProgress
from course_app.learning.services import (
    course_state,
    learner_summaries,
    merge_progress,
    record_lesson_completed,
    update_completion,
)
from course_app.quizzes.models import QuizAttempt
from tests.factories import make_course


def lessons_of(course):
    return db.session.scalars(
        select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
    ).all()


def passed_attempt(learner, quiz, token):
    return QuizAttempt(
        learner_id=learner.id,
        quiz_id=quiz.id,
        course_id=quiz.course_id,
        submission_token=token,
        correct_count=5,
        question_count=5,
        score=100,
        passed=True,
    )


def test_course_completes_only_with_every_required_lesson_and_every_quiz(app_ctx):
    course = make_course("c", modules=1, lessons_per_module=2)
    learner = Learner()
    db.session.add(learner)
    db.session.flush()
    for lesson in lessons_of(course):
        state = record_lesson_completed(learner, lesson)
    assert not state.is_complete and state.percent == 66
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id))
    db.session.add(passed_attempt(learner, quiz, "t1"))
    state = update_completion(learner, course)
    assert state.is_complete and state.percent == 100
    assert db.session.scalar(select(Enrolment.completed_at)) is not None


def test_optional_and_retired_lessons_do_not_block_completion(app_ctx):
    course = make_course("c", modules=1, lessons_per_module=3, with_quiz=False)
    first, second, third = lessons_of(course)
    second.required = False
    third.is_active = False
    learner = Learner()
    db.session.add(learner)
    db.session.flush()
    assert record_lesson_completed(learner, first).is_complete


def test_merge_keeps_shared_lessons_once_and_moves_attempts(app_ctx):
    course = make_course("c", modules=1, lessons_per_module=2)
    first, second = lessons_of(course)
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id))
    guest, member = Learner(), Learner()
    db.session.add_all([guest, member])
    db.session.flush()
    record_lesson_completed(member, first)
    record_lesson_completed(guest, first)
    record_lesson_completed(guest, second)
    db.session.add(passed_attempt(guest, quiz, "g1"))
    db.session.flush()
    merge_progress(guest, member)
    assert db.session.get(Learner, guest.id) is None
    rows = db.session.scalars(
        select(LessonProgress.lesson_id).where(LessonProgress.learner_id == member.id)
    ).all()
    assert sorted(rows) == sorted([first.id, second.id])
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 1
    assert db.session.scalar(select(QuizAttempt.learner_id)) == member.id
    assert course_state(member, course).is_complete
    assert db.session.scalar(select(Enrolment.completed_at)) is not None


def test_summaries_give_percent_per_course(app_ctx):
    a = make_course("a", modules=1, lessons_per_module=3, with_quiz=False)
    b = make_course("b", modules=1, lessons_per_module=1)
    learner = Learner()
    db.session.add(learner)
    db.session.flush()
    record_lesson_completed(learner, lessons_of(a)[0])
    record_lesson_completed(learner, lessons_of(b)[0])
    percents = {s.course.slug: s.percent for s in learner_summaries(learner)}
    assert percents == {"a": 33, "b": 50}
