"""Quiz submission as a service: graded once, stored with each answer, counted once per form,
and recorded as progress (tried, passed, the module finished) by learning."""

from __future__ import annotations

from sqlalchemy import func, select

from course_app.accounts.models import Learner
from course_app.content.models import Quiz
from course_app.extensions import db
from course_app.learning.models import Milestone, MilestoneKind
from course_app.learning.services import course_progress
from course_app.quizzes.content import quiz_view
from course_app.quizzes.models import AttemptAnswer, QuizAttempt
from course_app.quizzes.services import submit_attempt
from tests.factories import complete_lesson, make_course

RIGHT = {
    "single": "a",
    "multiple": ["a", "b"],
    "true_false": "false",
    "short_text": "MedlinePlus",
    "ordering": ["a", "b", "c"],
}
WRONG = {
    "single": "b",
    "multiple": ["c"],
    "true_false": "true",
    "short_text": "google",
    "ordering": ["c", "b", "a"],
}


def setting(modules=1):
    course = make_course("q", modules=modules, lessons_per_module=1)
    learner = Learner()
    db.session.add(learner)
    db.session.flush()
    quiz_id = db.session.scalar(
        select(Quiz.id).where(Quiz.course_id == course.id, Quiz.key == "m1-quiz")
    )
    return course, learner, quiz_view(course, quiz_id, "en")


def responses(quiz, right: int) -> dict:
    """The first `right` questions answered right, the rest wrong."""
    return {q.id: (RIGHT if n < right else WRONG)[q.type] for n, q in enumerate(quiz.questions)}


def submit(learner, course, quiz, right=5, token="t" * 43):
    return submit_attempt(
        learner, course, quiz, list(quiz.questions), responses(quiz, right), token, "en"
    )


def milestones(learner) -> set:
    rows = db.session.execute(
        select(Milestone.kind, Milestone.item_id).where(Milestone.learner_id == learner.id)
    )
    return {tuple(row) for row in rows}


def test_an_attempt_is_graded_and_stored_with_each_answer(app_ctx):
    course, learner, quiz = setting()
    attempt_id = submit(learner, course, quiz, right=4)
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert (attempt.correct_count, attempt.question_count, attempt.score) == (4, 5, 80)
    assert attempt.passed  # 4 of 5 is exactly the 80% pass mark
    answers = db.session.scalars(
        select(AttemptAnswer)
        .where(AttemptAnswer.attempt_id == attempt_id)
        .order_by(AttemptAnswer.position)
    ).all()
    assert [a.is_correct for a in answers] == [True, True, True, True, False]
    assert answers[1].response == ["a", "b"]


def test_the_same_form_sent_twice_is_one_attempt(app_ctx):
    course, learner, quiz = setting()
    first = submit(learner, course, quiz, token="x" * 43)
    again = submit(learner, course, quiz, token="x" * 43)
    assert first == again
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1
    assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == 5


def test_two_learners_may_send_the_same_token(app_ctx):
    course, learner, quiz = setting()
    other = Learner()
    db.session.add(other)
    db.session.flush()
    assert submit(learner, course, quiz, token="y" * 43) != submit(
        other, course, quiz, token="y" * 43
    )


def test_a_failed_try_records_only_that_the_quiz_was_tried(app_ctx):
    course, learner, quiz = setting()
    submit(learner, course, quiz, right=3)
    assert milestones(learner) == {(MilestoneKind.QUIZ_TRIED, quiz.id)}
    assert not course_progress(learner, course).quiz_passed(quiz.id)


def test_a_pass_that_ends_the_module_records_it_and_the_course(app_ctx):
    course, learner, quiz = setting()
    complete_lesson(learner, course.modules[0].lessons[0])
    submit(learner, course, quiz)
    module_id = course.modules[0].id
    assert milestones(learner) == {
        (MilestoneKind.QUIZ_TRIED, quiz.id),
        (MilestoneKind.QUIZ_PASSED, quiz.id),
        (MilestoneKind.MODULE_FINISHED, module_id),
    }
    assert course_progress(learner, course).is_complete


def test_a_lower_score_later_leaves_the_pass_and_the_completion(app_ctx):
    course, learner, quiz = setting()
    complete_lesson(learner, course.modules[0].lessons[0])
    submit(learner, course, quiz, token="a" * 43)
    finished_at = course_progress(learner, course).completed_at
    submit(learner, course, quiz, right=0, token="b" * 43)
    progress = course_progress(learner, course)
    assert progress.quiz_passed(quiz.id) and progress.completed_at == finished_at
