"""Demo data in the database: the app's own rules hold, the same seed writes the same rows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from course_app.accounts.models import Learner, User
from course_app.accounts.services import authenticate, create_user
from course_app.certificates.models import Certificate
from course_app.content.importer import import_courses
from course_app.content.models import Course, Lesson, Question
from course_app.demo import services
from course_app.demo.rows import TABLE_ORDER
from course_app.demo.services import (
    DEMO_PASSWORD,
    DemoError,
    demo_tables,
    generate_demo_data,
)
from course_app.extensions import db
from course_app.learning.models import Enrolment, LessonProgress
from course_app.learning.services import course_progress
from course_app.libraries.models import Organisation
from course_app.quizzes.grading import grade_response
from course_app.quizzes.models import AttemptAnswer, QuizAttempt
from course_app.reports.models import ReportMonth
from tests.conftest import SAMPLE_SLUG
from tests.content import write_bilingual

NOW = datetime(2026, 6, 1, tzinfo=UTC)
LEARNERS = 300


@pytest.fixture
def courses(app, sample_course, bilingual_course):
    return [sample_course, bilingual_course]


def table_counts() -> dict[str, int]:
    return {
        name: db.session.scalar(select(func.count()).select_from(table))
        for name, table in demo_tables().items()
    }


def test_demo_data_keeps_the_completion_rules(app_ctx, courses):
    report = generate_demo_data(LEARNERS, now=NOW)
    db.session.commit()
    assert report.counts == table_counts()
    # The report rows are built too, so the reports show the demo data at once.
    assert report.report_rows == db.session.scalar(select(func.count()).select_from(ReportMonth))
    assert report.report_rows >= report.counts["enrolments"]
    counts = report.counts
    assert counts["learners"] == LEARNERS
    assert 0.85 * LEARNERS < counts["users"] - 2 - counts["organisations"] < LEARNERS
    assert all(counts[name] > 0 for name in TABLE_ORDER)
    assert 3 * LEARNERS < counts["lesson_progress"] < 12 * LEARNERS
    sample = db.session.scalars(select(Learner).order_by(Learner.id).limit(60)).all()
    completed = 0
    for learner in sample:
        for enrolment in db.session.scalars(
            select(Enrolment).where(Enrolment.learner_id == learner.id)
        ):
            progress = course_progress(learner, enrolment.course)
            # Completions and module milestones written as the app's rule decides them.
            assert progress.all_done == (enrolment.completed_at is not None)
            assert progress.modules_to_record() == []
            completed += progress.is_complete
    assert completed > 5


def test_no_certificate_without_a_completed_course_and_times_in_order(app_ctx, courses):
    generate_demo_data(LEARNERS, now=NOW)
    db.session.commit()
    certified = select(Certificate).join(
        Enrolment,
        (Enrolment.learner_id == Certificate.learner_id)
        & (Enrolment.course_id == Certificate.course_id),
    )
    assert db.session.scalar(select(func.count()).select_from(Certificate)) > 0
    assert (
        db.session.scalar(
            select(func.count()).select_from(
                certified.where(
                    Enrolment.completed_at.is_(None)
                    | (Certificate.issued_at < Enrolment.completed_at)
                ).subquery()
            )
        )
        == 0
    )
    assert len(db.session.scalars(certified).all()) == db.session.scalar(
        select(func.count()).select_from(Certificate)
    )
    out_of_order = (
        select(func.count())
        .select_from(LessonProgress)
        .join(
            Enrolment,
            (Enrolment.learner_id == LessonProgress.learner_id)
            & (Enrolment.course_id == LessonProgress.course_id),
        )
        .where(
            (LessonProgress.completed_at < Enrolment.started_at)
            | (LessonProgress.completed_at > Enrolment.completed_at)
            | (LessonProgress.completed_at > Enrolment.last_activity_at)
        )
    )
    assert db.session.scalar(out_of_order) == 0
    orphans = (
        select(func.count())
        .select_from(LessonProgress)
        .outerjoin(
            Enrolment,
            (Enrolment.learner_id == LessonProgress.learner_id)
            & (Enrolment.course_id == LessonProgress.course_id),
        )
        .where(Enrolment.id.is_(None))
    )
    assert db.session.scalar(orphans) == 0
    latest = db.session.scalar(select(func.max(LessonProgress.completed_at)))
    assert latest.tzinfo is not None and latest <= NOW


def test_rows_read_back_are_the_rows_planned(app_ctx, courses, monkeypatch):
    planned: dict[str, list[dict]] = {}
    insert_rows = services.insert_rows

    def recording(connection, table, rows):
        planned.setdefault(table.name, []).extend(rows)
        insert_rows(connection, table, rows)

    monkeypatch.setattr(services, "insert_rows", recording)
    generate_demo_data(60, now=NOW)
    db.session.commit()
    for name in ("users", "enrolments", "quiz_attempts", "attempt_answers", "certificates"):
        table = services.demo_tables()[name]
        stored = [
            dict(row._mapping) for row in db.session.execute(select(table).order_by(table.c.id))
        ]
        assert stored == planned[name], name
    assert any(row["completed_at"] for row in planned["enrolments"])


def test_stored_answers_are_what_grading_says(app_ctx, courses):
    generate_demo_data(LEARNERS, now=NOW)
    db.session.commit()
    rows = db.session.execute(
        select(AttemptAnswer, Question)
        .join(Question, Question.id == AttemptAnswer.question_id)
        .order_by(AttemptAnswer.id)
        .limit(500)
    ).all()
    assert {question.type for _, question in rows} >= {"single", "true_false", "short_text"}
    for answer, question in rows:
        assert grade_response(question.type, question.data, answer.response).correct == (
            answer.is_correct
        )
    assert db.session.scalar(select(func.count()).where(QuizAttempt.passed.is_(False))) > 0


def test_the_same_seed_writes_the_same_rows_and_another_seed_others(app, courses, tmp_path):
    def fingerprint(seed: int):
        with app.app_context():
            generate_demo_data(LEARNERS, seed, now=NOW)
            db.session.commit()
            found = {
                "counts": table_counts(),
                "users": db.session.execute(
                    select(User.username, User.organisation_id, User.created_at)
                    .order_by(User.id)
                    .limit(40)
                ).all(),
                "enrolments": db.session.execute(
                    select(
                        Enrolment.learner_id,
                        Enrolment.course_id,
                        Enrolment.started_at,
                        Enrolment.completed_at,
                        Enrolment.language,
                    ).order_by(Enrolment.id)
                ).all(),
                "lessons": db.session.execute(
                    select(LessonProgress.lesson_id, LessonProgress.completed_at)
                    .order_by(LessonProgress.id)
                    .limit(200)
                ).all(),
                "answers": db.session.execute(
                    select(AttemptAnswer.response, AttemptAnswer.is_correct)
                    .order_by(AttemptAnswer.id)
                    .limit(200)
                ).all(),
                "codes": db.session.scalars(
                    select(Certificate.code).order_by(Certificate.id)
                ).all(),
            }
            db.session.remove()
        start_again(app, tmp_path)
        return found

    first = fingerprint(1)
    assert fingerprint(1) == first
    other = fingerprint(2)
    assert other["enrolments"] != first["enrolments"]
    assert other["codes"] != first["codes"]


def start_again(app, tmp_path) -> None:
    """Empty every table, ids from 1 again (as tests/conftest.py does), and import the courses."""
    with app.app_context():
        with db.engine.begin() as conn:
            names = [t.name for t in reversed(db.metadata.sorted_tables)]
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
            else:
                for name in names:
                    conn.execute(sa.text(f"DELETE FROM {name}"))
        assert import_courses(Path(app.config["COURSES_DIR"]) / SAMPLE_SLUG).ok
        assert import_courses(write_bilingual(tmp_path / f"again-{uuid.uuid4().hex}")).ok
        db.session.commit()


def test_demo_accounts_sign_in_with_the_shared_password(app_ctx, courses):
    report = generate_demo_data(30, now=NOW)
    db.session.commit()
    staff = authenticate(report.staff_username, DEMO_PASSWORD)
    librarian = authenticate(report.librarian_username, DEMO_PASSWORD)
    assert staff is not None and staff.role == "staff"
    assert staff.organisation.code == "demo-network"
    assert librarian is not None and librarian.role == "librarian"
    assert librarian.organisation.name == report.librarian_branch


def test_the_app_adds_rows_as_usual_after_demo_data(app_ctx, courses):
    generate_demo_data(30, now=NOW)
    db.session.commit()
    highest = db.session.scalar(select(func.max(User.id)))
    user = create_user("after-the-demo", "correct horse battery")
    db.session.commit()
    assert user.id > highest
    assert user.learner.id is not None


def test_inactive_and_optional_lessons_follow_the_counting_rules(app_ctx, sample_course):
    course = db.session.scalar(select(Course).where(Course.slug == sample_course))
    hidden = db.session.scalars(
        select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.id)
    ).all()[1]
    hidden.is_active = False
    db.session.commit()
    generate_demo_data(200, now=NOW)
    db.session.commit()
    assert db.session.scalar(select(func.count()).where(LessonProgress.lesson_id == hidden.id)) == 0
    complete = db.session.scalars(
        select(Enrolment).where(Enrolment.completed_at.is_not(None)).limit(20)
    ).all()
    assert complete
    for enrolment in complete:
        learner = db.session.get(Learner, enrolment.learner_id)
        assert course_progress(learner, enrolment.course).all_done


def test_a_second_run_is_refused(app_ctx, courses):
    generate_demo_data(20, now=NOW)
    db.session.commit()
    before = table_counts()
    with pytest.raises(DemoError) as refused:
        generate_demo_data(20, seed=2, now=NOW)
    assert refused.value.reason == DemoError.ALREADY_THERE
    db.session.rollback()
    assert table_counts() == before


def test_without_courses_nothing_is_written(app_ctx):
    with pytest.raises(DemoError) as refused:
        generate_demo_data(20, now=NOW)
    assert refused.value.reason == DemoError.NO_COURSES
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0
