"""Answers a quiz in the browser the way a person would, using the question data for truth."""

from __future__ import annotations

from sqlalchemy import select

from course_app.content.models import Question, Quiz
from course_app.extensions import db


def quiz_questions(app, course_slug: str, quiz_key: str) -> list[Question]:
    from course_app.content.models import Course

    with app.app_context():
        quiz = db.session.scalar(
            select(Quiz).join(Course).where(Course.slug == course_slug, Quiz.key == quiz_key)
        )
        questions = db.session.scalars(
            select(Question)
            .where(Question.quiz_id == quiz.id, Question.is_active.is_(True))
            .order_by(Question.position)
        ).all()
        db.session.expunge_all()
        return list(questions)


def answer_question(page, q: Question, right: bool, language: str | None = None) -> None:
    """Fills one question's fields on the page, rightly or wrongly (in `language`'s words)."""
    data = (q.translations or {}).get(language or "", {}).get("data", q.data)
    if q.type in ("single", "true_false", "scenario", "hotspot"):
        pick = next(c for c in data["choices"] if bool(c.get("correct")) == right)
        page.check(f"#q{q.id}-{pick['id']}")
    elif q.type == "multiple":
        correct = [c["id"] for c in data["choices"] if c.get("correct")]
        picks = (
            correct
            if right
            else [c["id"] for c in data["choices"] if not c.get("correct")][:1] or correct[:1]
        )
        if not right and picks == correct:  # every choice is right: pick fewer to be wrong
            picks = correct[:-1] or correct
        for cid in picks:
            page.check(f"#q{q.id}-{cid}")
    elif q.type == "short_text":
        page.fill(f"#q{q.id}", data["accepted"][0] if right else "I do not know")
    elif q.type == "ordering":
        items = data["items"]
        order = list(range(1, len(items) + 1)) if right else list(range(len(items), 0, -1))
        for item, position in zip(items, order, strict=True):
            page.select_option(f"#q{q.id}-{item['id']}", str(position))
    elif q.type == "form_practice":
        for box in data["fields"]:
            page.fill(f"#q{q.id}-{box['id']}", box["accepted"][0] if right else "not sure")
    else:
        raise AssertionError(f"unknown type {q.type}")
