"""Authors and reviewers in course.yml: honest credits, true dates, shown on the course page."""

from __future__ import annotations

import pytest

from course_app.content.importer import import_courses
from course_app.content.loader import load_course
from course_app.content.validator import validate_course
from course_app.extensions import db
from tests.content import (
    BILINGUAL_FILES,
    TINY_FILES,
    assert_problem,
    line_of,
    write_bilingual,
    write_course,
)

CREDITS = (
    "reviewed: 2026-11-25\n"
    "review_due: 2099-11-25\n"
    "authors:\n"
    "  - name: The course team\n"
    "    role: course writers, not health professionals\n"
    "    date: 2026-11-23\n"
)


def course_yml(extra: str) -> str:
    return TINY_FILES["course.yml"] + extra


def validate(tmp_path, extra: str):
    folder = write_course(tmp_path, {"course.yml": course_yml(extra)})
    return folder / "course.yml", validate_course(load_course(folder))


def test_authors_and_reviewers_are_read_with_their_dates(tmp_path):
    reviewer = (
        "reviewers:\n"
        "  - name: A reviewing nurse\n"
        "    role: registered nurse\n"
        "    date: 2026-11-30\n"
    )
    _file, (spec, problems) = validate(tmp_path, CREDITS + reviewer)
    assert problems == []
    assert [(a.name, a.role, a.date.isoformat()) for a in spec.authors] == [
        ("The course team", "course writers, not health professionals", "2026-11-23")
    ]
    assert [r.name for r in spec.reviewers] == ["A reviewing nurse"]


def test_an_empty_reviewer_list_is_allowed(tmp_path):
    _file, (spec, problems) = validate(tmp_path, CREDITS + "reviewers: []\n")
    assert problems == [] and spec.reviewers == []


@pytest.mark.parametrize(
    ("entry", "needle", "message"),
    [
        ("  - name: Team\n    role: writers\n", "- name: Team", "is missing the field 'date'"),
        ("  - name: Team\n    date: 2026-11-23\n", "- name: Team", "missing the field 'role'"),
        ("  - role: writers\n    date: 2026-11-23\n", "- role", "missing the field 'name'"),
        ("  - name: Team\n    role: writers\n    date: soon\n", "date: soon", "must be a date"),
        (
            "  - name: Team\n    role: writers\n    date: 2026-11-23\n    email: x\n",
            "email",
            "unknown",
        ),
        ("  - The course team\n", "- The course team", "set of 'name: value' lines"),
    ],
)
def test_a_bad_author_entry_is_named_with_its_file_and_line(tmp_path, entry, needle, message):
    text = course_yml("authors:\n" + entry)
    file, (_spec, problems) = validate(tmp_path, "authors:\n" + entry)
    assert_problem(problems, file, line_of(text, needle), message)


def test_a_review_dated_before_the_course_was_written_is_refused(tmp_path):
    extra = CREDITS.replace("reviewed: 2026-11-25", "reviewed: 2026-11-20")
    text = course_yml(extra)
    file, (spec, problems) = validate(tmp_path, extra)
    assert spec is None
    assert_problem(problems, file, line_of(text, "reviewed:"), "before the course was written")


def test_a_reviewer_dated_before_the_course_was_written_is_refused(tmp_path):
    extra = CREDITS + "reviewers:\n  - name: A nurse\n    role: RN\n    date: 2026-01-02\n"
    text = course_yml(extra)
    file, (_spec, problems) = validate(tmp_path, extra)
    assert_problem(problems, file, line_of(text, "- name: A nurse"), "before the course was")


SPANISH_CREDITS = (
    "authors:\n"
    "  - name: El equipo del curso\n"
    "    role: redactores, no son profesionales de la salud\n"
    "    date: 2026-11-23\n"
    "reviewers: []\n"
)


def test_a_translation_gives_the_same_credits_in_its_own_words(tmp_path):
    course = BILINGUAL_FILES["course.yml"].replace("reviewed: 2026-11-01\n", "") + CREDITS
    course = course.replace("review_due: 2099-11-01\n", "")
    spanish = BILINGUAL_FILES["es/course.yml"] + SPANISH_CREDITS
    folder = write_bilingual(tmp_path, {"course.yml": course, "es/course.yml": spanish})
    spec, problems = validate_course(load_course(folder))
    assert problems == []
    assert spec.translations["es"].authors[0].role == "redactores, no son profesionales de la salud"
    wrong = spanish.replace("date: 2026-11-23", "date: 2026-11-24")
    folder = write_bilingual(tmp_path / "wrong", {"course.yml": course, "es/course.yml": wrong})
    problems = validate_course(load_course(folder))[1]
    assert_problem(problems, folder / "es/course.yml", line_of(wrong, "authors:"), "the same dates")


def test_the_review_dates_stay_in_the_main_course_yml(tmp_path):
    spanish = BILINGUAL_FILES["es/course.yml"] + "reviewed: 2026-11-25\n"
    folder = write_bilingual(tmp_path, {"es/course.yml": spanish})
    problems = validate_course(load_course(folder))[1]
    assert_problem(
        problems, folder / "es/course.yml", line_of(spanish, "reviewed"), "main course.yml only"
    )


def _import_bilingual(app, tmp_path, course_extra: str) -> None:
    course = BILINGUAL_FILES["course.yml"].replace("reviewed: 2026-11-01\n", "") + course_extra
    course = course.replace("review_due: 2099-11-01\n", "")
    with app.app_context():
        report = import_courses(write_bilingual(tmp_path / "c", {"course.yml": course}))
        assert report.ok, report.problems
        db.session.commit()


def test_the_course_page_says_it_is_not_yet_reviewed_in_both_languages(app, client, tmp_path):
    _import_bilingual(app, tmp_path, CREDITS + "reviewers: []\n")
    english = client.get("/courses/tiny-bilingual", headers={"Accept-Language": "en"})
    page = english.get_data(as_text=True)
    assert "Not yet reviewed by a health professional." in page
    assert "The course team (course writers, not health professionals)" in page
    assert "November 23, 2026" in page
    spanish = client.get("/courses/tiny-bilingual", headers={"Accept-Language": "es"})
    html = spanish.get_data(as_text=True)
    assert "Todavía no lo ha revisado un profesional de la salud." in html
    assert '<ul lang="en">' in html  # the credits in English, marked so, when not translated


def test_a_spanish_reader_sees_credits_in_spanish_when_given(app, client, tmp_path):
    course = BILINGUAL_FILES["course.yml"].replace("reviewed: 2026-11-01\n", "") + CREDITS
    course = course.replace("review_due: 2099-11-01\n", "") + "reviewers: []\n"
    spanish = BILINGUAL_FILES["es/course.yml"] + SPANISH_CREDITS
    with app.app_context():
        folder = write_bilingual(tmp_path / "c", {"course.yml": course, "es/course.yml": spanish})
        report = import_courses(folder)
        assert report.ok, report.problems
        db.session.commit()
    html = client.get("/courses/tiny-bilingual", headers={"Accept-Language": "es"}).get_data(
        as_text=True
    )
    assert "El equipo del curso (redactores, no son profesionales de la salud)" in html
    assert '<ul lang="es">' in html
    english = client.get("/courses/tiny-bilingual", headers={"Accept-Language": "en"})
    assert "The course team (course writers" in english.get_data(as_text=True)


def test_the_course_page_names_a_real_reviewer_instead(app, client, tmp_path):
    reviewer = "reviewers:\n  - name: A reviewing nurse\n    role: RN\n    date: 2026-11-30\n"
    _import_bilingual(app, tmp_path, CREDITS + reviewer)
    page = client.get("/courses/tiny-bilingual", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert "Not yet reviewed by a health professional." not in html
    assert "A reviewing nurse (RN), November 30, 2026" in html
