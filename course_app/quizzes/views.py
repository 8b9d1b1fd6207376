"""Module quizzes: take, review before submitting, submit once, see results and history."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import select

from course_app.accounts.identity import current_learner
from course_app.content.models import Question, Quiz
from course_app.content.question_types.forms import make_question_form
from course_app.extensions import db
from course_app.learning.outline import Outline, active_course_or_404, load_outline
from course_app.learning.services import course_state
from course_app.quizzes.services import (
    active_questions,
    attempt_history,
    load_attempt,
    review_answers,
    submit_attempt,
)

bp = Blueprint("quizzes", __name__, url_prefix="/courses/<slug>/quizzes")

TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)


def _load_quiz(slug: str, key: str) -> tuple[Outline, Quiz]:
    outline = load_outline(active_course_or_404(slug))
    for m in outline.modules:
        if m.quiz is not None and m.quiz.key == key:
            return outline, m.quiz
    abort(404)


def _valid_token(token: str | None) -> bool:
    return (
        bool(token)
        and len(token) == TOKEN_LENGTH
        and token.replace("-", "").replace("_", "").isalnum()
    )


def _render_form(outline, quiz, questions, form, status=200):
    return (
        render_template(
            "quizzes/take.html",
            course=outline.course,
            quiz=quiz,
            questions=questions,
            form=form,
            history=attempt_history(current_learner(), quiz),
        ),
        status,
    )


@bp.get("/<key>")
def take(slug: str, key: str):
    outline, quiz = _load_quiz(slug, key)
    questions = active_questions(quiz)
    form = make_question_form(questions, formdata=None)
    form.submission_token.data = secrets.token_urlsafe(32)
    return _render_form(outline, quiz, questions, form)


@bp.post("/<key>")
def answer(slug: str, key: str):
    """Review (show the answers back), change them, or submit them for grading."""
    outline, quiz = _load_quiz(slug, key)
    questions = active_questions(quiz)
    form = make_question_form(questions)
    if not _valid_token(form.submission_token.data):
        abort(400)
    action = request.form.get("action", "submit")
    if action == "change":
        return _render_form(outline, quiz, questions, form)
    if not form.validate():
        return _render_form(outline, quiz, questions, form, status=400)
    responses = {q.id: form.response_for(q) for q in questions}
    if action == "review":
        return render_template(
            "quizzes/review.html",
            course=outline.course,
            quiz=quiz,
            questions=questions,
            responses=responses,
            form=form,
        )
    learner = current_learner(create=True)
    attempt = submit_attempt(learner, quiz, questions, responses, form.submission_token.data)
    db.session.commit()
    return redirect(url_for("quizzes.result", slug=slug, key=key, attempt_id=attempt.id), 303)


@bp.get("/<key>/attempts/<int:attempt_id>")
def result(slug: str, key: str, attempt_id: int):
    outline, quiz = _load_quiz(slug, key)
    learner = current_learner()
    attempt = load_attempt(learner, quiz, attempt_id)
    if attempt is None:
        abort(404)
    question_ids = [a.question_id for a in attempt.answers]
    questions = db.session.scalars(select(Question).where(Question.id.in_(question_ids))).all()
    reviews = review_answers(list(questions), attempt.answers)
    state = course_state(learner, outline.course)
    _, after = outline.neighbours("quiz", quiz.key)
    return render_template(
        "quizzes/result.html",
        course=outline.course,
        quiz=quiz,
        attempt=attempt,
        reviews=reviews,
        state=state,
        after=after,
    )


@bp.get("/<key>/attempts")
def history(slug: str, key: str):
    outline, quiz = _load_quiz(slug, key)
    return render_template(
        "quizzes/history.html",
        course=outline.course,
        quiz=quiz,
        attempts=attempt_history(current_learner(), quiz),
    )
