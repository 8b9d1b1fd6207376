"""Progress services: one record per step, completion decided by one rule and recorded once,
the next unfinished step, merging guests."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from course_app.accounts.models import Learner
from course_app.accounts.services import merge_guest
from course_app.content.models import Course, Lesson, Quiz
from course_app.events import course_content_changed
from course_app.extensions import db
from course_app.learning.models import Enrolment, LessonProgress, Milestone, MilestoneKind
from course_app.learning.services import (
    course_progress,
    my_courses,
    record_lesson_completed,
    record_quiz_result,
)
from course_app.quizzes.models import QuizAttempt
from tests.factories import make_course


def lessons_of(course):
    return db.session.scalars(
        select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
    ).all()


def quizzes_of(course):
    return db.session.scalars(
        select(Quiz).where(Quiz.course_id == course.id).order_by(Quiz.module_id)
    ).all()


def new_learner() -> Learner:
    learner = Learner()
    db.session.add(learner)
    db.session.flush()
    return learner


def done(learner, course, lesson):
    return record_lesson_completed(learner, course, lesson.id, None)


def passed(learner, course, quiz, ok=True):
    return record_quiz_result(learner, course, quiz.id, ok, None)


def finish(learner, course):
    progress = None
    for lesson in lessons_of(course):
        progress = done(learner, course, lesson)
    for quiz in quizzes_of(course):
        progress = passed(learner, course, quiz)
    return progress


def add_lesson(course, module_number: int = 1, key: str = "m1-new") -> Lesson:
    """What a re-import that adds a lesson does: a new row and a new content version."""
    module = course.modules[module_number - 1]
    lesson = Lesson(
        course_id=course.id,
        module_id=module.id,
        key=key,
        position=999,
        title=f"Lesson {key}",
        body_html="<p>New.</p>",
    )
    db.session.add(lesson)
    course.content_hash = uuid.uuid4().hex
    db.session.flush()
    return lesson


def test_course_completes_only_with_every_required_lesson_and_every_quiz(app_ctx):
    course = make_course("c", modules=1, lessons_per_module=2)
    learner = new_learner()
    for lesson in lessons_of(course):
        progress = done(learner, course, lesson)
    assert not progress.is_complete and progress.percent == 66
    progress = passed(learner, course, quizzes_of(course)[0])
    assert progress.is_complete and progress.percent == 100
    assert db.session.scalar(select(Enrolment.completed_at)) is not None


def test_optional_and_retired_lessons_do_not_block_completion(app_ctx):
    course = make_course("c", modules=1, lessons_per_module=3, with_quiz=False)
    first, second, third = lessons_of(course)
    second.required = False
    third.is_active = False
    learner = new_learner()
    assert done(learner, course, first).is_complete


def test_a_module_is_recorded_finished_when_its_last_step_is_done(app_ctx):
    course = make_course("c", modules=2, lessons_per_module=1)
    learner = new_learner()
    first_module = course.modules[0]
    done(learner, course, lessons_of(course)[0])
    assert course_progress(learner, course).module(first_module.id).completed_at is None
    passed(learner, course, quizzes_of(course)[0])
    module = course_progress(learner, course).module(first_module.id)
    assert module.is_complete and (module.done, module.total) == (2, 2)
    kinds = set(
        db.session.scalars(select(Milestone.kind).where(Milestone.learner_id == learner.id))
    )
    assert kinds == {
        MilestoneKind.QUIZ_TRIED,
        MilestoneKind.QUIZ_PASSED,
        MilestoneKind.MODULE_FINISHED,
    }


def test_a_failed_try_after_a_pass_never_unpasses_the_quiz(app_ctx):
    course = make_course("c", modules=1, lessons_per_module=1)
    learner = new_learner()
    quiz = quizzes_of(course)[0]
    passed(learner, course, quiz, ok=False)
    assert not course_progress(learner, course).quiz_passed(quiz.id)
    passed(learner, course, quiz, ok=True)
    passed(learner, course, quiz, ok=False)  # practice after passing
    progress = course_progress(learner, course)
    assert progress.quiz_passed(quiz.id) and progress.quiz_tried(quiz.id)


def test_next_step_is_the_first_unfinished_step_in_course_order(app_ctx):
    course = make_course("c", modules=2, lessons_per_module=2)
    learner = new_learner()
    l1, l2, l3, l4 = lessons_of(course)
    q1, q2 = quizzes_of(course)
    assert course_progress(learner, course).next_step.key == l1.key  # a guest with nothing
    done(learner, course, l1)
    done(learner, course, l3)  # ahead, out of order
    assert course_progress(learner, course).next_step.key == l2.key
    done(learner, course, l2)
    passed(learner, course, q1, ok=False)  # tried, not passed: still the next step
    assert course_progress(learner, course).next_step.key == q1.key
    passed(learner, course, q1)
    assert course_progress(learner, course).next_step.key == l4.key
    done(learner, course, l4)
    passed(learner, course, q2)
    progress = course_progress(learner, course)
    assert progress.next_step is None and progress.is_complete


def test_completion_stands_when_a_reimport_adds_a_lesson(app_ctx):
    course = make_course("c", modules=1, lessons_per_module=2)
    learner = new_learner()
    finished_at = finish(learner, course).completed_at
    new = add_lesson(course)
    progress = course_progress(learner, course)
    assert progress.is_complete and progress.completed_at == finished_at
    assert [s.key for s in progress.new_since_completion] == [new.key]
    assert progress.next_step.key == new.key
    assert progress.percent == 75  # 3 of 4 steps: the percentage tells the truth
    module = progress.module(course.modules[0].id)
    assert module.is_complete  # a finished module stays finished too
    [summary] = my_courses(learner, None)
    assert summary.is_complete and [s.key for s in summary.new_since_completion] == [new.key]
    # Doing the new lesson changes nothing recorded, and leaves nothing new.
    progress = done(learner, course, new)
    assert progress.completed_at == finished_at and progress.new_since_completion == []


def test_a_reimport_that_takes_the_last_step_away_completes_the_course(app_ctx):
    course = make_course("c", modules=1, lessons_per_module=2, with_quiz=False)
    first, second = lessons_of(course)
    learner = new_learner()
    done(learner, course, first)
    assert not course_progress(learner, course).is_complete
    second.is_active = False
    course.content_hash = uuid.uuid4().hex
    db.session.flush()
    course_content_changed.send(None, course_id=course.id)
    db.session.commit()  # the re-import's job runs after its commit (inline in the tests)
    progress = course_progress(learner, course)
    assert progress.is_complete and progress.module(course.modules[0].id).is_complete


def test_merge_keeps_shared_steps_once_and_moves_attempts(app_ctx):
    course = make_course("c", modules=1, lessons_per_module=2)
    first, second = lessons_of(course)
    quiz = quizzes_of(course)[0]
    guest, member = new_learner(), new_learner()
    done(member, course, first)
    done(guest, course, first)
    done(guest, course, second)
    db.session.add(
        QuizAttempt(
            learner_id=guest.id,
            quiz_id=quiz.id,
            course_id=course.id,
            submission_token="g1",
            correct_count=5,
            question_count=5,
            score=100,
            passed=True,
        )
    )
    passed(guest, course, quiz)
    passed(member, course, quiz, ok=False)  # both tried the quiz: one milestone is kept
    merge_guest(guest, member)
    assert db.session.get(Learner, guest.id) is None
    rows = db.session.scalars(
        select(LessonProgress.lesson_id).where(LessonProgress.learner_id == member.id)
    ).all()
    assert sorted(rows) == sorted([first.id, second.id])
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 1
    assert db.session.scalar(select(QuizAttempt.learner_id)) == member.id
    tried = select(func.count()).where(Milestone.kind == MilestoneKind.QUIZ_TRIED)
    assert db.session.scalar(tried) == 1
    assert course_progress(member, course).is_complete
    assert db.session.scalar(select(Enrolment.completed_at)) is not None


def test_my_courses_give_percent_per_course(app_ctx):
    a = make_course("a", modules=1, lessons_per_module=3, with_quiz=False)
    b = make_course("b", modules=1, lessons_per_module=1)
    learner = new_learner()
    done(learner, a, lessons_of(a)[0])
    done(learner, b, lessons_of(b)[0])
    percents = {p.plan.slug: p.percent for p in my_courses(learner, None)}
    assert percents == {"a": 33, "b": 50}


def test_the_course_plan_follows_a_new_content_version(app_ctx):
    """Plans are kept per content version: a re-import is seen at once, never a stale plan."""
    course = make_course("c", modules=1, lessons_per_module=1, with_quiz=False)
    learner = new_learner()
    assert course_progress(learner, course).steps_total == 1
    add_lesson(course)
    assert course_progress(learner, course).steps_total == 2
    assert db.session.get(Course, course.id).content_hash == course.content_hash
