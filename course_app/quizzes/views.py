"""Module quizzes: take, review before submitting, submit once, see results and history."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from sqlalchemy import select

from course_app.accounts.identity import current_learner
from course_app.content.localize import course_text
from course_app.content.models import Course, Question
from course_app.content.question_types.forms import make_question_form
from course_app.content.question_views import question_view
from course_app.extensions import db
from course_app.learning.navigation import onward_url
from course_app.learning.outline import active_course_or_404
from course_app.learning.plan import QUIZ, CoursePlan, Step, course_plan
from course_app.learning.progress import read_one
from course_app.learning.services import course_for_progress
from course_app.quizzes.content import QuizView, quiz_view
from course_app.quizzes.services import (
    attempt_history,
    best_score,
    load_attempt,
    review_answers,
    submit_attempt,
)

bp = Blueprint("quizzes", __name__, url_prefix="/courses/<slug>/quizzes")

TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)


def _language() -> str:
    return str(get_locale())


def _load_quiz(course: Course, key: str) -> tuple[CoursePlan, Step, QuizView]:
    plan = course_plan(course, _language())
    step = plan.find(QUIZ, key)
    if step is None:
        abort(404)
    return plan, step, quiz_view(course, step.id, plan.language)


def _valid_token(token: str | None) -> bool:
    return (
        bool(token)
        and len(token) == TOKEN_LENGTH
        and token.replace("-", "").replace("_", "").isalnum()
    )


def _render_form(course, step, quiz, questions, form, progress, status=200):
    """The quiz form; for a quiz already passed, first the pass (it stands whatever a practice
    try scores) and the way onward, with the form only when asked for again."""
    learner = current_learner()
    passed = progress.quiz_passed(quiz.id)
    _, after = progress.plan.neighbours(step)
    return (
        render_template(
            "quizzes/take.html",
            course=course_text(course, progress.plan.language),
            quiz=quiz,
            questions=questions,
            form=form,
            history=attempt_history(learner, quiz),
            passed=passed,
            best=best_score(learner, quiz) if passed else None,
            show_form=not passed or request.args.get("practice") == "1" or request.method == "POST",
            onward=onward_url(progress, after),
        ),
        status,
    )


@bp.get("/<key>")
def take(slug: str, key: str):
    course = active_course_or_404(slug)
    plan, step, quiz = _load_quiz(course, key)
    questions = list(quiz.questions)
    form = make_question_form(questions, formdata=None)
    form.submission_token.data = secrets.token_urlsafe(32)
    progress = read_one(_learner_id(), plan)
    return _render_form(course, step, quiz, questions, form, progress)


def _learner_id() -> int | None:
    learner = current_learner()
    return learner.id if learner else None


@bp.post("/<key>")
def answer(slug: str, key: str):
    """Review (show the answers back), change them, or submit them for grading."""
    action = request.form.get("action", "submit")
    if action != "submit":
        course = active_course_or_404(slug)
    else:
        course = course_for_progress(slug, current_learner(create=True))
    plan, step, quiz = _load_quiz(course, key)
    questions = list(quiz.questions)
    form = make_question_form(questions)
    if not _valid_token(form.submission_token.data):
        abort(400)
    if action == "change":
        return _render_form(course, step, quiz, questions, form, read_one(_learner_id(), plan))
    if not form.validate():
        progress = read_one(_learner_id(), plan)
        return _render_form(course, step, quiz, questions, form, progress, status=400)
    responses = {q.id: form.response_for(q) for q in questions}
    if action == "review":
        return render_template(
            "quizzes/review.html",
            course=course_text(course, plan.language),
            quiz=quiz,
            questions=questions,
            responses=responses,
            form=form,
        )
    learner = current_learner(create=True)
    attempt_id = submit_attempt(
        learner, course, quiz, questions, responses, form.submission_token.data, _language()
    )
    db.session.commit()
    return redirect(url_for("quizzes.result", slug=slug, key=key, attempt_id=attempt_id), 303)


@bp.get("/<key>/attempts/<int:attempt_id>")
def result(slug: str, key: str, attempt_id: int):
    course = active_course_or_404(slug)
    plan, step, quiz = _load_quiz(course, key)
    learner = current_learner()
    attempt = load_attempt(learner, quiz, attempt_id)
    if attempt is None:
        abort(404)
    question_ids = [a.question_id for a in attempt.answers]
    rows = db.session.scalars(select(Question).where(Question.id.in_(question_ids))).all()
    questions = [question_view(q, plan.language) for q in rows]
    reviews = review_answers(questions, attempt.answers)
    progress = read_one(learner.id, plan)
    _, after = plan.neighbours(step)
    return render_template(
        "quizzes/result.html",
        course=course_text(course, plan.language),
        quiz=quiz,
        attempt=attempt,
        reviews=reviews,
        progress=progress,
        onward=onward_url(progress, after),
    )


@bp.get("/<key>/attempts")
def history(slug: str, key: str):
    course = active_course_or_404(slug)
    plan, _step, quiz = _load_quiz(course, key)
    return render_template(
        "quizzes/history.html",
        course=course_text(course, plan.language),
        quiz=quiz,
        attempts=attempt_history(current_learner(), quiz),
    )
