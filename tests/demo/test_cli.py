"""`flask demo generate`: messages, exit codes, and nothing written when it stops."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from course_app.accounts.models import User
from course_app.content.models import Question
from course_app.demo import services
from course_app.extensions import db
from course_app.learning.models import LessonProgress
from course_app.libraries.models import Organisation


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args: str):
        return runner.invoke(args=["demo", "generate", *args])

    return invoke


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_generate_prints_the_counts_and_how_to_sign_in(run, app, sample_course):
    result = run("--learners", "40", "--seed", "7")
    assert result.exit_code == 0, result.output
    assert "Demo data written with seed 7 in" in result.output
    assert "lesson_progress" in result.output and "attempt_answers" in result.output
    assert "staff:     demo-staff-1 / library-demo-data" in result.output
    assert "librarian: demo-librarian-" in result.output
    assert count(app, LessonProgress) > 0
    assert count(app, Organisation) >= 1 + 4 + 12


@pytest.mark.parametrize(
    ("learners", "message"),
    [
        ("0", "0 is not in the range"),
        ("-5", "-5 is not in the range"),
        ("many", "'many' is not a valid integer"),
        ("2.5", "'2.5' is not a valid integer"),
    ],
)
def test_bad_learner_counts_are_refused_and_nothing_is_written(
    run, app, sample_course, learners, message
):
    result = run("--learners", learners)
    assert result.exit_code == 2
    assert message in result.output
    assert count(app, Organisation) == 0


def test_the_learner_count_is_required(run, app, sample_course):
    result = run()
    assert result.exit_code == 2
    assert "Missing option '--learners'" in result.output


def test_without_courses_it_says_to_import_them_first(run, app):
    result = run("--learners", "10")
    assert result.exit_code == 1
    assert "flask --app wsgi courses import" in result.output
    assert count(app, Organisation) == 0


def test_a_second_run_is_refused_and_changes_nothing(run, app, sample_course):
    assert run("--learners", "20").exit_code == 0
    users = count(app, User)
    result = run("--learners", "20", "--seed", "2")
    assert result.exit_code == 1
    assert "demo-network exists" in result.output
    assert count(app, User) == users


def test_a_failure_half_way_leaves_nothing(run, app, sample_course, monkeypatch):
    calls = []
    insert_rows = services.insert_rows

    def failing(connection, table, rows):
        calls.append(table.name)
        if table.name == "quiz_attempts" and calls.count("quiz_attempts") == 2:
            raise RuntimeError("the disk is full")
        insert_rows(connection, table, rows)

    monkeypatch.setattr(services, "insert_rows", failing)
    monkeypatch.setattr(services, "CHUNK_LEARNERS", 100)
    result = run("--learners", "300")
    assert result.exit_code != 0
    assert "Nothing was written." in result.output
    assert calls.count("lesson_progress") >= 2  # it did fail half-way
    assert count(app, Organisation) == 0
    assert count(app, User) == 0
    assert count(app, LessonProgress) == 0


def test_it_is_refused_in_production(run, app, sample_course, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = run("--learners", "10")
    assert result.exit_code == 1
    assert "not made in production" in result.output
    assert count(app, Organisation) == 0


def test_courses_it_cannot_use_are_named_and_nothing_is_written(run, app, sample_course):
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.quiz_id.is_not(None)))
        question.type = "drawing"
        db.session.commit()
    result = run("--learners", "10")
    assert result.exit_code == 1
    assert "cannot be used for demo data" in result.output
    assert "'drawing'" in result.output
    assert count(app, Organisation) == 0
