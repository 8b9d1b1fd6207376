"""`flask courses validate|import`: messages and exit codes."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from course_app.content.models import Course, Lesson
from course_app.extensions import db
from tests.conftest import SAMPLE_SLUG
from tests.content import TINY_FILES, write_course

ROOT = Path(__file__).resolve().parents[2]


def run(app, *args):
    return app.test_cli_runner().invoke(args=["courses", *args])


def course_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Course))


def shipped_courses() -> list[Path]:
    return sorted(p.parent for p in (ROOT / "courses").glob("*/course.yml"))


def test_validate_the_courses_folder_from_config(app):
    result = run(app, "validate")
    assert result.exit_code == 0, result.output
    assert f"OK: {len(shipped_courses())} course(s)" in result.output


def test_every_shipped_course_lints_clean_in_every_language(app):
    result = run(app, "lint")
    assert result.exit_code == 0, result.output
    for folder in shipped_courses():
        assert f"{folder.name}:" in result.output
    assert f"OK: {len(shipped_courses())} course(s) meet the plain-language rules." in result.output


def test_validate_prints_every_problem_with_file_and_line(app, tmp_path):
    lesson = TINY_FILES["m1/01-first.md"].replace("minutes: 3", "minutes: 0")
    course = TINY_FILES["course.yml"].replace("language: en", "language: fr")
    folder = write_course(tmp_path, {"m1/01-first.md": lesson, "course.yml": course})
    result = run(app, "validate", str(tmp_path))
    assert result.exit_code == 1
    assert f"{folder / 'course.yml'}:4: 'language' must be one of en, es" in result.output
    assert f"{folder / 'm1' / '01-first.md'}:4: 'minutes' must be" in result.output
    assert "2 problems found." in result.output


def test_validate_a_missing_path_is_a_usage_error(app, tmp_path):
    result = run(app, "validate", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "does not exist" in result.output
    assert "Traceback" not in result.output


def test_validate_a_missing_default_folder_is_a_usage_error(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "COURSES_DIR", str(tmp_path / "nowhere"))
    result = run(app, "validate")
    assert result.exit_code == 2 and "does not exist" in result.output


def test_import_creates_then_reports_unchanged(app):
    total = len(shipped_courses())
    result = run(app, "import")
    assert result.exit_code == 0, result.output
    assert f"created: {SAMPLE_SLUG}" in result.output
    assert f"Imported: {total} created, 0 updated, 0 unchanged." in result.output
    assert course_count(app) == total
    result = run(app, "import")
    assert result.exit_code == 0 and f"unchanged: {SAMPLE_SLUG}" in result.output
    assert f"Imported: 0 created, 0 updated, {total} unchanged." in result.output


def test_import_commits(app, tmp_path):
    run(app, "import", str(write_course(tmp_path)))
    with app.app_context():
        db.session.remove()
        assert db.session.scalar(sa.select(Lesson.key)) == "first-lesson"


def test_import_with_a_problem_changes_nothing(app, tmp_path):
    write_course(tmp_path, folder="good")
    bad = TINY_FILES["m1/quiz.yml"].replace("answer: true", "answer: sometimes")
    bad_course = TINY_FILES["course.yml"].replace("tiny-course", "bad-course")
    folder = write_course(tmp_path, {"m1/quiz.yml": bad, "course.yml": bad_course}, "bad")
    result = run(app, "import", str(tmp_path))
    assert result.exit_code == 1
    assert f"{folder / 'm1' / 'quiz.yml'}:7: 'answer' must be true or false" in result.output
    assert course_count(app) == 0


def test_import_a_missing_path_is_a_usage_error(app, tmp_path):
    result = run(app, "import", str(tmp_path / "nowhere"))
    assert result.exit_code == 2 and "does not exist" in result.output
