"""Everything kept about one patron, for them to take: as a dict (JSON) and as rows (CSV).

A fixed number of queries whatever the patron did (no query per course or attempt).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select

from course_app.accounts.models import User, UserSession
from course_app.certificates.models import Certificate
from course_app.classes.models import ClassMember, LearningClass
from course_app.content.models import Course, Lesson, Question, Quiz
from course_app.extensions import db
from course_app.learning.models import Enrolment, LessonProgress
from course_app.quizzes.models import AttemptAnswer, QuizAttempt

CSV_HEADER = ["section", "course", "item", "field", "value"]


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def patron_data(user: User) -> dict[str, Any]:
    """The account, progress, quiz attempts with answers, certificates, classes and sign-in
    sessions of the user, as plain values."""
    learner_id = user.learner.id if user.learner is not None else -1
    enrolments = db.session.execute(
        select(Enrolment, Course.slug)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.learner_id == learner_id)
        .order_by(Enrolment.started_at)
    ).all()
    lessons = db.session.execute(
        select(LessonProgress.completed_at, Course.slug, Lesson.key, Lesson.title)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Course, Course.id == LessonProgress.course_id)
        .where(LessonProgress.learner_id == learner_id)
        .order_by(LessonProgress.completed_at)
    ).all()
    attempts = db.session.execute(
        select(QuizAttempt, Course.slug, Quiz.key)
        .join(Course, Course.id == QuizAttempt.course_id)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(QuizAttempt.learner_id == learner_id)
        .order_by(QuizAttempt.submitted_at)
    ).all()
    answers = db.session.execute(
        select(AttemptAnswer, Question.key)
        .join(Question, Question.id == AttemptAnswer.question_id)
        .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
        .where(QuizAttempt.learner_id == learner_id)
        .order_by(AttemptAnswer.attempt_id, AttemptAnswer.position)
    ).all()
    by_attempt: dict[int, list[dict[str, Any]]] = {}
    for answer, question_key in answers:
        by_attempt.setdefault(answer.attempt_id, []).append(
            {"question": question_key, "answer": answer.response, "correct": answer.is_correct}
        )
    certificates = db.session.execute(
        select(Certificate, Course.slug)
        .join(Course, Course.id == Certificate.course_id)
        .where(Certificate.learner_id == learner_id)
        .order_by(Certificate.issued_at)
    ).all()
    classes = db.session.execute(
        select(LearningClass.name, ClassMember.added_at)
        .join(ClassMember, ClassMember.class_id == LearningClass.id)
        .where(ClassMember.user_id == user.id)
        .order_by(ClassMember.added_at)
    ).all()
    sessions = db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
    ).all()
    return {
        "account": {
            "username": user.username,
            "name": user.display_name,
            "email": user.email,
            "language": user.language,
            "library": user.organisation.name if user.organisation else None,
            "created": _when(user.created_at),
            "last_sign_in": _when(user.last_sign_in_at),
        },
        "courses": [
            {
                "course": slug,
                "started": _when(e.started_at),
                "last_activity": _when(e.last_activity_at),
                "completed": _when(e.completed_at),
            }
            for e, slug in enrolments
        ],
        "lessons_done": [
            {"course": slug, "lesson": key, "title": title, "done": _when(at)}
            for at, slug, key, title in lessons
        ],
        "quiz_attempts": [
            {
                "course": slug,
                "quiz": quiz_key,
                "submitted": _when(a.submitted_at),
                "score_percent": a.score,
                "passed": a.passed,
                "answers": by_attempt.get(a.id, []),
            }
            for a, slug, quiz_key in attempts
        ],
        "certificates": [
            {
                "course": slug,
                "code": c.code,
                "name_on_it": c.recipient_name,
                "issued": _when(c.issued_at),
                "revoked": _when(c.revoked_at),
            }
            for c, slug in certificates
        ],
        "classes": [{"class": name, "joined": _when(at)} for name, at in classes],
        "sign_ins": [
            {
                "started": _when(s.created_at),
                "last_used": _when(s.last_seen_at),
                "ended": _when(s.ended_at),
                "address": s.address,
                "browser": s.user_agent,
            }
            for s in sessions
        ],
    }


def patron_rows(data: dict[str, Any]) -> Iterator[list[object]]:
    """The same data as CSV rows: section, course, item, field, value."""
    for field, value in data["account"].items():
        yield ["account", "", "", field, value]
    for item in data["courses"]:
        for field in ("started", "last_activity", "completed"):
            yield ["courses", item["course"], "", field, item[field]]
    for item in data["lessons_done"]:
        yield ["lessons_done", item["course"], item["lesson"], "done", item["done"]]
    for n, item in enumerate(data["quiz_attempts"], start=1):
        name = f"{item['quiz']} try {n}"
        for field in ("submitted", "score_percent", "passed"):
            yield ["quiz_attempts", item["course"], name, field, item[field]]
        for answer in item["answers"]:
            value = json.dumps(answer["answer"], ensure_ascii=False)
            yield ["quiz_answers", item["course"], name, answer["question"], value]
    for item in data["certificates"]:
        for field in ("code", "name_on_it", "issued", "revoked"):
            yield ["certificates", item["course"], "", field, item[field]]
    for item in data["classes"]:
        yield ["classes", "", item["class"], "joined", item["joined"]]
    for n, item in enumerate(data["sign_ins"], start=1):
        for field in ("started", "last_used", "ended", "address", "browser"):
            yield ["sign_ins", "", f"sign-in {n}", field, item[field]]
