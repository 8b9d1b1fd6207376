"""The importer: rows from files, idempotent re-imports, stable ids, atomic failure."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from course_app.accounts.models import Learner
from course_app.content.importer import import_courses
from course_app.content.models import Course, Lesson, Module, Question, Quiz
from course_app.content.renderer import (
    check_marker,
    render_inline,
    render_lesson,
    render_markdown,
)
from course_app.extensions import db
from course_app.learning.models import LessonProgress
from tests.conftest import SAMPLE_SLUG
from tests.content import TINY_FILES, write_course

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "courses" / SAMPLE_SLUG


@pytest.fixture
def sample_copy(tmp_path):
    """A copy of the sample course that a test may edit."""
    return Path(shutil.copytree(SAMPLE, tmp_path / "courses" / SAMPLE_SLUG))


@contextmanager
def writes_counted():
    """Collects every INSERT, UPDATE and DELETE sent to the database."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def by_key(model, key: str):
    return db.session.scalar(sa.select(model).where(model.key == key))


def import_ok(path: Path):
    report = import_courses(path)
    assert report.ok, [str(p) for p in report.problems]
    db.session.commit()
    return report


def test_sample_course_import_creates_the_expected_rows(app_ctx):
    report = import_ok(SAMPLE)
    assert report.created == [SAMPLE_SLUG] and report.updated == report.unchanged == []
    course = db.session.scalar(sa.select(Course).where(Course.slug == SAMPLE_SLUG))
    assert course.language == "en" and course.topic == "health-literacy"
    assert course.title == "Health Information You Can Trust"
    assert course.summary_html.startswith("<p>Learn where to find")
    assert course.minutes == 32  # the sum of the lessons' minutes
    assert course.reading_grade is not None and 0 < course.reading_grade <= 8
    assert len(course.content_hash) == 64 and course.is_active
    modules = course.modules
    assert [(m.key, m.position) for m in modules] == [
        ("finding-information", 1),
        ("understanding-information", 2),
    ]
    assert [lesson.key for lesson in modules[0].lessons] == [
        "where-to-start",
        "is-this-website-trustworthy",
        "checking-the-facts",
    ]
    assert count(Lesson) == 6 and count(Quiz) == 2 and count(Question) == 15
    research = by_key(Lesson, "research-includes-everyone")
    assert research.required is False and research.minutes == 5
    quiz = modules[0].quiz
    assert quiz.key == "finding-information-quiz" and quiz.pass_mark == 80
    assert [q.position for q in quiz.questions] == [1, 2, 3, 4]
    assert all(q.explanation_html for q in quiz.questions)


def test_lesson_body_has_a_marker_for_each_check(app_ctx):
    import_ok(SAMPLE)
    lesson = by_key(Lesson, "where-to-start")
    assert lesson.body_html.count("<!-- check:") == 1
    assert "<!-- check:check-who-runs-medlineplus -->" in lesson.body_html
    assert (
        "<h1" not in lesson.body_html
        and "<h2>Start with a trusted website</h2>" in lesson.body_html
    )
    assert '<a href="https://medlineplus.gov" rel="noopener noreferrer">' in lesson.body_html
    check = by_key(Question, "check-who-runs-medlineplus")
    assert check.lesson_id == lesson.id and check.quiz_id is None and check.position == 1


def test_question_data_has_the_agreed_shapes(app_ctx):
    import_ok(SAMPLE)
    single = by_key(Question, "quiz-chronic-word")
    assert single.type == "single"
    assert single.prompt_html == "<p>What does <strong>chronic</strong> mean?</p>"
    assert single.data["choices"][0] == {
        "id": "a",
        "html": "Lasting a long time",
        "correct": True,
        "feedback_html": "Yes. A chronic health problem does not go away quickly.",
    }
    assert [c["id"] for c in single.data["choices"]] == ["a", "b", "c"]
    multiple = by_key(Question, "quiz-warning-signs")
    assert [c["correct"] for c in multiple.data["choices"]] == [True, True, False, False]
    true_false = by_key(Question, "check-miracle-cure")
    assert true_false.data == {
        "choices": [
            {
                "id": "true",
                "html": "",
                "correct": False,
                "feedback_html": (
                    "Not quite. A site that sells a cure may only tell you the good parts."
                ),
            },
            {
                "id": "false",
                "html": "",
                "correct": True,
                "feedback_html": "Right. Be careful with sites that want to sell you a cure.",
            },
        ]
    }
    short = by_key(Question, "quiz-diagnosis-word")
    assert short.data == {"accepted": ["diagnosis", "a diagnosis"]}
    ordering = by_key(Question, "check-visit-order")
    assert ordering.data["items"][0] == {"id": "a", "html": "Write down your questions"}
    assert [i["id"] for i in ordering.data["items"]] == ["a", "b", "c", "d"]


def test_reimport_without_changes_writes_nothing(app_ctx):
    import_ok(SAMPLE)
    imported_at = db.session.scalar(sa.select(Course.imported_at))
    with writes_counted() as statements:
        report = import_ok(SAMPLE)
    assert report.unchanged == [SAMPLE_SLUG] and report.created == report.updated == []
    assert statements == []
    assert db.session.scalar(sa.select(Course.imported_at)) == imported_at


def test_edited_lesson_keeps_its_id_and_learners_progress(app_ctx, sample_copy):
    import_ok(sample_copy)
    lesson = by_key(Lesson, "where-to-start")
    lesson_id, course_id = lesson.id, lesson.course_id
    learner = Learner()
    db.session.add(learner)
    db.session.flush()
    db.session.add(LessonProgress(learner_id=learner.id, course_id=course_id, lesson_id=lesson_id))
    db.session.commit()

    path = sample_copy / "01-finding-information" / "01-where-to-start.md"
    path.write_text(path.read_text().replace("Just ask.", "Just ask them."))
    with writes_counted() as statements:
        report = import_ok(sample_copy)
    assert report.updated == [SAMPLE_SLUG]
    db.session.expire_all()
    lesson = by_key(Lesson, "where-to-start")
    assert lesson.id == lesson_id and "Just ask them." in lesson.body_html
    progress = db.session.scalar(sa.select(LessonProgress))
    assert progress.lesson_id == lesson_id
    # Only the course row and the edited lesson change.
    assert all(s.startswith("UPDATE") for s in statements)
    assert {s.split()[1] for s in statements} == {"courses", "lessons"}


def test_removed_lesson_is_deactivated_and_comes_back_with_its_id(app_ctx, sample_copy):
    import_ok(sample_copy)
    lesson_id = by_key(Lesson, "checking-the-facts").id
    module_file = sample_copy / "01-finding-information" / "module.yml"
    original = module_file.read_text()
    module_file.write_text(original.replace("  - 03-checking-the-facts.md\n", ""))
    import_ok(sample_copy)
    db.session.expire_all()
    lesson = by_key(Lesson, "checking-the-facts")
    assert lesson.id == lesson_id and lesson.is_active is False
    assert by_key(Question, "check-warning-signs").is_active is False
    assert count(Lesson) == 6

    module_file.write_text(original)
    import_ok(sample_copy)
    db.session.expire_all()
    lesson = by_key(Lesson, "checking-the-facts")
    assert lesson.id == lesson_id and lesson.is_active is True and lesson.position == 3
    assert by_key(Question, "check-warning-signs").is_active is True


def test_lesson_moved_to_another_module_keeps_its_id(app_ctx, sample_copy):
    import_ok(sample_copy)
    lesson_id = by_key(Lesson, "checking-the-facts").id
    first, second = (
        sample_copy / "01-finding-information",
        sample_copy / "02-understanding-information",
    )
    shutil.move(first / "03-checking-the-facts.md", second / "00-checking-the-facts.md")
    for module, old, new in (
        (first, "  - 03-checking-the-facts.md\n", ""),
        (second, "lessons:\n", "lessons:\n  - 00-checking-the-facts.md\n"),
    ):
        text = (module / "module.yml").read_text()
        (module / "module.yml").write_text(text.replace(old, new))
    import_ok(sample_copy)
    db.session.expire_all()
    lesson = by_key(Lesson, "checking-the-facts")
    assert lesson.id == lesson_id and lesson.is_active and lesson.position == 1
    assert lesson.module_id == by_key(Module, "understanding-information").id
    assert by_key(Lesson, "health-words").position == 2


def test_renamed_quiz_key_reuses_the_modules_quiz(app_ctx, tmp_path):
    folder = write_course(tmp_path)
    import_ok(folder)
    quiz_id = by_key(Quiz, "quiz-one").id
    (folder / "m1" / "quiz.yml").write_text(
        TINY_FILES["m1/quiz.yml"].replace("key: quiz-one", "key: quiz-first")
    )
    import_ok(folder)
    db.session.expire_all()
    assert by_key(Quiz, "quiz-first").id == quiz_id and count(Quiz) == 1


def test_a_broken_course_stops_every_course_from_importing(app_ctx, tmp_path):
    write_course(tmp_path, folder="a-good")
    broken = TINY_FILES["course.yml"].replace("slug: tiny-course", "slug: other-course")
    write_course(tmp_path, {"course.yml": broken.replace("language: en", "language: xx")}, "b-bad")
    with writes_counted() as statements:
        report = import_courses(tmp_path)
    assert not report.ok and report.created == []
    assert any("language" in p.message for p in report.problems)
    assert statements == []
    db.session.rollback()
    assert count(Course) == 0 and count(Lesson) == 0


def test_import_flushes_but_leaves_the_commit_to_the_caller(app_ctx):
    report = import_courses(SAMPLE)
    assert report.ok and count(Course) == 1
    db.session.rollback()
    assert count(Course) == 0 and count(Question) == 0


def test_two_folders_with_one_slug_are_refused(app_ctx, tmp_path):
    write_course(tmp_path, folder="one")
    write_course(tmp_path, folder="two")
    report = import_courses(tmp_path)
    assert not report.ok
    [problem] = report.problems
    assert problem.file.endswith("two/course.yml") and problem.line == 1
    assert "also used by" in problem.message and "one/course.yml:1" in problem.message


def test_import_of_one_course_folder(app_ctx, tmp_path):
    report = import_ok(write_course(tmp_path))
    assert report.created == ["tiny-course"]
    course = db.session.scalar(sa.select(Course))
    assert course.minutes == 3 and course.summary_html == ""


def test_course_minutes_from_course_yml_win(app_ctx, tmp_path):
    import_ok(write_course(tmp_path, {"course.yml": TINY_FILES["course.yml"] + "minutes: 45\n"}))
    assert db.session.scalar(sa.select(Course.minutes)) == 45


def test_rendering_shifts_headings_and_marks_external_links():
    html = render_markdown("# One\n## Two\n#### Four\n\n[out](https://x.org) [in](/help)")
    assert "<h2>One</h2>" in html and "<h3>Two</h3>" in html and "<h4>Four</h4>" in html
    assert '<a href="https://x.org" rel="noopener noreferrer">out</a>' in html
    assert '<a href="/help">in</a>' in html


def test_rendering_strips_what_authors_must_not_use():
    html = render_markdown(
        '<script>x()</script><iframe src="https://x.org"></iframe>\n\n'
        '<p style="color:red" onclick="y()">Hi <a href="javascript:z()">z</a></p>'
    )
    for bad in ("<script", "<iframe", "style=", "onclick", "javascript:"):
        assert bad not in html


def test_authors_cannot_forge_a_check_marker():
    html = render_lesson("Text\n\n<!-- check:fake -->\n\n```check\nkey: real\n```\n", ["real"])
    assert check_marker("real") in html and "fake" not in html


def test_inline_rendering_has_no_paragraph():
    assert render_inline("**Yes**, [go](https://x.org)") == (
        '<strong>Yes</strong>, <a href="https://x.org" rel="noopener noreferrer">go</a>'
    )
