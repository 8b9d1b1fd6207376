"""Progress events become xAPI statements in the outbox, inside the writer's transaction.

Off unless XAPI_ENDPOINT and its credentials are set. Nothing here sends: the outbox is
emptied by the queue's job (or `flask xapi send`) after the commit, never in the request.
Each statement's id is made from the event, so one event never makes two statements."""

from __future__ import annotations

from datetime import datetime

import bleach
from flask import current_app
from sqlalchemy import JSON, String, cast, delete, select
from sqlalchemy.orm import selectinload

from course_app.accounts.models import Learner, User
from course_app.certificates.models import Certificate
from course_app.content.models import Course, Lesson, Question, Quiz
from course_app.db import UTCDateTime, conflict_sql, utc_now
from course_app.events import Change, ProgressChange, lesson_viewed, progress_changed
from course_app.extensions import db
from course_app.links import external_url
from course_app.quizzes.models import QuizAttempt
from course_app.xapi.models import OutboxStatement
from course_app.xapi.statements import (
    Activity,
    actor,
    make_statement,
    pseudonym,
    response_text,
    score_result,
    statement_id,
)

QUEUED = "xapi_statements_queued"  # session.info flag: the send job is due after the commit
PENDING = "xapi_statements_pending"  # session.info: rows written by write_pending at commit
NAME_LENGTH = 200

_INSERT = conflict_sql(
    "INSERT INTO xapi_outbox (statement_id, body, created_at, attempts, next_attempt_at)"
    " VALUES (:statement_id, :body, :created_at, 0, :created_at)"
    " ON CONFLICT (statement_id) DO NOTHING",
    body=JSON(),
    created_at=UTCDateTime(),
)


def is_enabled(config) -> bool:
    return bool(config.get("XAPI_ENDPOINT") and config.get("XAPI_USERNAME"))


def site_url() -> str:
    """The site's public address (BASE_URL), the homePage of every learner's account."""
    return external_url("learning.catalogue").rstrip("/")


def learner_pseudonym(learner_id: int) -> str:
    config = current_app.config
    return pseudonym(config.get("XAPI_PSEUDONYM_KEY") or config["SECRET_KEY"], learner_id)


class _Writer:
    """Statements about one learner, made with the site's settings."""

    def __init__(self, learner_id: int, at: datetime) -> None:
        config = current_app.config
        self.home = site_url()
        self.at = at
        name = None
        if config.get("XAPI_ACTOR_NAMES"):
            name = db.session.scalar(
                select(User.display_name)
                .join(Learner, Learner.user_id == User.id)
                .where(Learner.id == learner_id)
            )
        self.learner_id = learner_id
        self.agent = actor(self.home, learner_pseudonym(learner_id), name)
        self.platform = config["SITE_NAME"]

    def add(self, verb: str, activity: Activity, what: tuple, **extra) -> None:
        id_ = statement_id(self.home, self.learner_id, verb, *what)
        body = make_statement(
            id_=id_,
            agent=self.agent,
            verb=verb,
            activity=activity,
            at=self.at,
            platform=self.platform,
            **extra,
        )
        row = dict(statement_id=id_, body=body, created_at=self.at)
        db.session.info.setdefault(PENDING, []).append(row)
        db.session.info[QUEUED] = True


def write_pending(session) -> None:
    """The transaction's statements into the outbox in one INSERT, just before it commits
    (a quiz makes one per answer: one statement to the database, not one per answer)."""
    rows = session.info.pop(PENDING, None)
    if rows:
        session.execute(_INSERT, rows)


def course_activity(course: Course) -> Activity:
    return Activity(
        external_url("learning.course_overview", slug=course.slug),
        "course",
        course.title,
        course.language,
    )


def _lesson_activity(course: Course, lesson: Lesson) -> Activity:
    iri = external_url("learning.lesson", slug=course.slug, key=lesson.key)
    return Activity(iri, "lesson", lesson.title, course.language)


def on_lesson_viewed(sender, learner_id: int, course_id: int, lesson_id: int) -> None:
    if not is_enabled(current_app.config):
        return
    lesson = db.session.get(Lesson, lesson_id)
    course = db.session.get(Course, course_id)
    writer = _Writer(learner_id, utc_now())
    # A visit is recorded at most once in a few minutes (learning.services); its time
    # tells two visits apart.
    writer.add(
        "experienced",
        _lesson_activity(course, lesson),
        ("lesson", lesson_id, writer.at.isoformat()),
        parents=(course_activity(course),),
    )


def forget_unsent_statements(learner_id: int) -> int:
    """Deletes the statements about an erased learner that were not sent yet (those the LRS
    has are the LRS's to erase); returns how many."""
    name = learner_pseudonym(learner_id)
    return db.session.execute(
        delete(OutboxStatement).where(
            OutboxStatement.sent_at.is_(None),
            cast(OutboxStatement.body, String).contains(f'"{name}"'),
        )
    ).rowcount


def on_progress_changed(sender, change: ProgressChange) -> None:
    if change.change is Change.LEARNER_ERASED:
        forget_unsent_statements(change.learner_id)
        return
    if not is_enabled(current_app.config) or change.course_id is None:
        return
    handler = _HANDLERS.get(change.change)
    if handler is not None:
        course = db.session.get(Course, change.course_id)
        handler(_Writer(change.learner_id, utc_now()), course, change)


def _lesson_done(writer: _Writer, course: Course, change: ProgressChange) -> None:
    if change.item_id is None:
        return
    lesson = db.session.get(Lesson, change.item_id)
    writer.add(
        "completed",
        _lesson_activity(course, lesson),
        ("lesson", lesson.id),  # once per lesson: a second "done" repeats nothing
        parents=(course_activity(course),),
        result={"completion": True},
    )


def _quiz_attempt(writer: _Writer, course: Course, change: ProgressChange) -> None:
    if change.item_id is None:
        return
    attempt = db.session.scalar(
        select(QuizAttempt)
        .options(selectinload(QuizAttempt.answers))
        .where(QuizAttempt.learner_id == change.learner_id, QuizAttempt.quiz_id == change.item_id)
        .order_by(QuizAttempt.id.desc())
        .limit(1)
    )
    if attempt is None:
        return
    quiz = db.session.get(Quiz, attempt.quiz_id)
    quiz_iri = external_url("quizzes.take", slug=course.slug, key=quiz.key)
    quiz_activity = Activity(quiz_iri, "assessment", quiz.title, course.language)
    questions = {
        q.id: q
        for q in db.session.scalars(
            select(Question).where(Question.id.in_([a.question_id for a in attempt.answers]))
        )
    }
    for answer in sorted(attempt.answers, key=lambda a: a.position):
        question = questions[answer.question_id]
        prompt = bleach.clean(question.prompt_html, tags=[], strip=True).strip()
        name = prompt[:NAME_LENGTH] or question.key
        writer.add(
            "answered",
            Activity(f"{quiz_iri}#{question.key}", "interaction", name, course.language),
            ("attempt", attempt.id, "question", question.id),
            parents=(quiz_activity,),
            grouping=(course_activity(course),),
            result={"success": answer.is_correct, "response": response_text(answer.response)},
        )
    writer.add(
        "passed" if attempt.passed else "failed",
        quiz_activity,
        ("attempt", attempt.id),
        parents=(course_activity(course),),
        result=score_result(attempt.correct_count, attempt.question_count, attempt.passed),
    )


def _completed(writer: _Writer, course: Course, change: ProgressChange) -> None:
    writer.add(
        "completed", course_activity(course), ("course", course.id), result={"completion": True}
    )


def _certificate_issued(writer: _Writer, course: Course, change: ProgressChange) -> None:
    certificate_id = db.session.scalar(
        select(Certificate.id).where(
            Certificate.learner_id == change.learner_id, Certificate.course_id == course.id
        )
    )
    badge = Activity(
        external_url("badges.badge_class", slug=course.slug),
        "badge",
        f"Certificate: {course.title}",
        course.language,
    )
    writer.add(
        "earned", badge, ("certificate", certificate_id), grouping=(course_activity(course),)
    )


_HANDLERS = {
    Change.LESSON_DONE: _lesson_done,
    Change.QUIZ_ATTEMPT: _quiz_attempt,
    Change.COMPLETED: _completed,
    Change.CERTIFICATE_ISSUED: _certificate_issued,
}


def connect() -> None:
    progress_changed.connect(on_progress_changed)
    lesson_viewed.connect(on_lesson_viewed)
