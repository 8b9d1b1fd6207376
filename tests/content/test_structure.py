"""Translations: read from language folders, and held to the main language's structure.

Progress and quiz results are stored by key and choice id, so each case below starts from the
clean bilingual course, changes one thing in one language, and expects the problem at the
translated file and line.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from course_app.content.loader import load_course
from course_app.content.structure import structure_problems
from course_app.content.validator import SHARED_COURSE_FIELDS, validate_course
from tests.content import BILINGUAL_FILES, assert_problem, line_of, write_bilingual

COURSE = BILINGUAL_FILES["course.yml"]
COURSE_ES = BILINGUAL_FILES["es/course.yml"]
MODULE_ES = BILINGUAL_FILES["es/m1/module.yml"]
LESSON_EN = BILINGUAL_FILES["m1/01-first.md"]
LESSON_ES = BILINGUAL_FILES["es/m1/01-first.md"]
QUIZ_EN = BILINGUAL_FILES["m1/quiz.yml"]
QUIZ_ES = BILINGUAL_FILES["es/m1/quiz.yml"]


def problems_for(tmp_path: Path, changes: dict):
    folder = write_bilingual(tmp_path, changes)
    spec, problems = validate_course(load_course(folder))
    assert spec is None or problems == []
    return folder, problems


# --- Reading the translation --------------------------------------------------------------


def test_translations_are_read_from_their_language_folder(tmp_path):
    folder = write_bilingual(tmp_path)
    source = load_course(folder)
    assert source.problems == []
    assert list(source.translations) == ["es"]
    assert source.translations["es"].folder == folder / "es"
    assert source.translations["es"].translations == {}
    spec, problems = validate_course(source)
    assert problems == []
    assert spec.languages == ["en", "es"]
    spanish = spec.translations["es"]
    assert (spanish.title, spanish.language, spanish.file) == (
        "Los genes y usted",
        "es",
        str(folder / "es/course.yml"),
    )
    assert spanish.lessons[0].file == str(folder / "es/m1/01-first.md")
    assert structure_problems(spec, spanish, "es") == []


def test_a_listed_translation_needs_its_folder(tmp_path):
    folder, problems = problems_for(tmp_path, {"es/course.yml": None})
    assert_problem(
        problems,
        folder / "course.yml",
        line_of(COURSE, "translations:"),
        "the translation 'es' needs a folder 'es' with a course.yml",
    )


@pytest.mark.parametrize("listed", ["[en]", "[fr]", "[english]", "[3]"])
def test_a_translation_is_another_known_language(tmp_path, listed):
    course = COURSE.replace("translations: [es]", f"translations: {listed}")
    folder, problems = problems_for(tmp_path, {"course.yml": course})
    assert_problem(
        problems,
        folder / "course.yml",
        line_of(course, "translations:"),
        "each translation is a language code other than the course's own (en, es)",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reviewed", "2026-11-01"),
        ("review_due", "2099-11-01"),
        ("translations", "[en]"),
        ("minutes", "30"),
    ],
)
def test_a_translation_may_not_set_whole_course_fields(tmp_path, field, value):
    assert field in SHARED_COURSE_FIELDS
    course = COURSE_ES + f"{field}: {value}\n"
    folder, problems = problems_for(tmp_path, {"es/course.yml": course})
    assert_problem(
        problems,
        folder / "es/course.yml",
        line_of(course, f"{field}:"),
        f"'{field}' belongs in the main course.yml only",
    )
    assert len(problems) == 1


def test_problems_inside_a_translation_name_its_files(tmp_path):
    lesson = LESSON_ES.replace("minutes: 5", "minutes: 0")
    folder, problems = problems_for(tmp_path, {"es/m1/01-first.md": lesson})
    assert_problem(
        problems, folder / "es/m1/01-first.md", line_of(lesson, "minutes:"), "'minutes' must be"
    )
    assert len(problems) == 1


# --- The same course in other words -------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "line"),
    [
        ("slug", "genes-y-usted", "slug:"),
        ("topic", "health-literacy", None),  # line: test_field_problems_point_at_the_field
    ],
)
def test_slug_and_topic_are_the_main_courses(tmp_path, field, value, line):
    main = "tiny-bilingual" if field == "slug" else "precision-medicine"
    course = COURSE_ES.replace(f"{field}: {main}", f"{field}: {value}")
    folder, problems = problems_for(tmp_path, {"es/course.yml": course})
    assert_problem(
        problems,
        folder / "es/course.yml",
        line and line_of(course, line),
        f"'{field}' must be '{main}', as in the main course.yml",
    )
    assert len(problems) == 1


def test_the_language_matches_the_folder(tmp_path):
    course = COURSE_ES.replace("language: es", "language: en")
    folder, problems = problems_for(tmp_path, {"es/course.yml": course})
    # The line: test_field_problems_point_at_the_field.
    assert_problem(
        problems,
        folder / "es/course.yml",
        None,
        "this translation sits in the folder 'es', so 'language' must be 'es'",
    )
    assert len(problems) == 1


def test_module_keys_match(tmp_path):
    module = MODULE_ES.replace("key: module-one", "key: modulo-uno")
    folder, problems = problems_for(tmp_path, {"es/m1/module.yml": module})
    assert_problem(
        problems,
        folder / "es/course.yml",
        line_of(COURSE_ES, "slug:"),
        "the modules must match the main language "
        "(missing module-one; not in the main language: modulo-uno)",
    )
    assert len(problems) == 1


def test_lesson_keys_match(tmp_path):
    lesson = LESSON_ES.replace("key: first-lesson", "key: primera-leccion")
    folder, problems = problems_for(tmp_path, {"es/m1/01-first.md": lesson})
    assert_problem(
        problems,
        folder / "es/m1/module.yml",
        line_of(MODULE_ES, "key:"),
        "the lessons must match the main language "
        "(missing first-lesson; not in the main language: primera-leccion)",
    )
    assert len(problems) == 1


def test_required_matches(tmp_path):
    lesson = LESSON_ES.replace("minutes: 5\n", "minutes: 5\nrequired: false\n")
    folder, problems = problems_for(tmp_path, {"es/m1/01-first.md": lesson})
    # The line: test_field_problems_point_at_the_field.
    assert_problem(
        problems,
        folder / "es/m1/01-first.md",
        None,
        "'required' must be true, as in the main language",
    )
    assert len(problems) == 1


def test_check_keys_match(tmp_path):
    lesson = LESSON_ES.replace("key: check-gene", "key: check-gen")
    folder, problems = problems_for(tmp_path, {"es/m1/01-first.md": lesson})
    assert_problem(
        problems,
        folder / "es/m1/01-first.md",
        line_of(lesson, "---", start=2) + 1,
        "the checks must match the main language "
        "(missing check-gene; not in the main language: check-gen)",
    )
    assert len(problems) == 1


def _swap_questions(quiz: str) -> str:
    head, rest = quiz.split("  - key: question-one\n")
    first, second = rest.split("  - key: question-two\n")
    return head + "  - key: question-two\n" + second + "  - key: question-one\n" + first


@pytest.mark.parametrize(
    ("quiz", "detail"),
    [
        (
            QUIZ_ES.replace("key: question-two", "key: question-2"),
            "missing question-two; not in the main language: question-2",
        ),
        (_swap_questions(QUIZ_ES), "same keys in another order: question-two, question-one"),
    ],
)
def test_question_keys_and_order_match(tmp_path, quiz, detail):
    folder, problems = problems_for(tmp_path, {"es/m1/quiz.yml": quiz})
    assert_problem(
        problems,
        folder / "es/m1/quiz.yml",
        line_of(quiz, "key: quiz-one"),
        f"the questions must match the main language ({detail})",
    )
    assert len(problems) == 1


def test_a_module_has_a_quiz_in_every_language_or_none(tmp_path):
    module = MODULE_ES.replace("quiz: quiz.yml\n", "")
    folder, problems = problems_for(tmp_path, {"es/m1/module.yml": module})
    assert_problem(
        problems,
        folder / "es/m1/module.yml",
        line_of(module, "key:"),
        "the module must have a quiz in every language, or in none",
    )
    assert len(problems) == 1


@pytest.mark.parametrize(
    "quiz",
    [
        QUIZ_ES.replace("key: quiz-one", "key: prueba-uno"),
        QUIZ_ES.replace("questions:", "pass_mark: 70\nquestions:"),
    ],
)
def test_quiz_key_and_pass_mark_match(tmp_path, quiz):
    folder, problems = problems_for(tmp_path, {"es/m1/quiz.yml": quiz})
    assert_problem(
        problems,
        folder / "es/m1/quiz.yml",
        line_of(quiz, "key:"),
        "the quiz must have the key 'quiz-one' and pass mark 80, as in the main language",
    )
    assert len(problems) == 1


TRUE_FALSE = "  - key: question-three\n    type: true_false\n    prompt: P?\n    answer: {}\n"
ORDERING = "  - key: question-three\n    type: ordering\n    prompt: P?\n    items:\n{}"


@pytest.mark.parametrize(
    ("file", "main", "translated", "needle"),
    [
        (
            "m1/quiz.yml",
            QUIZ_EN,
            QUIZ_ES.replace("type: single", "type: multiple"),
            "- key: question-two",
        ),
        (
            "m1/quiz.yml",
            QUIZ_EN,
            QUIZ_ES.replace("        correct: true\n", "").replace(
                "En el cielo\n", "En el cielo\n        correct: true\n"
            ),
            "- key: question-two",
        ),
        (
            "m1/quiz.yml",
            QUIZ_EN,
            QUIZ_ES + "      - text: En el mar\n",
            "- key: question-two",
        ),
        (
            "m1/quiz.yml",
            QUIZ_EN,
            QUIZ_ES.replace("- text: En usted\n", "- text: En usted\n        id: usted\n"),
            "- key: question-two",
        ),
        (
            "m1/quiz.yml",
            QUIZ_EN + TRUE_FALSE.format("true"),
            QUIZ_ES + TRUE_FALSE.format("false"),
            "- key: question-three",
        ),
        (
            "m1/quiz.yml",
            QUIZ_EN + ORDERING.format("      - One\n      - Two\n"),
            QUIZ_ES + ORDERING.format("      - Uno\n      - Dos\n      - Tres\n"),
            "- key: question-three",
        ),
        (
            "m1/01-first.md",
            LESSON_EN,
            LESSON_ES.replace("    correct: true\n", "").replace(
                "Un solo gen lo decide todo.\n", "Un solo gen lo decide todo.\n    correct: true\n"
            ),
            "```check",
        ),
    ],
    ids=[
        "type",
        "correct-flag",
        "choice-count",
        "choice-id",
        "true-false-answer",
        "ordering-items",
        "scenario-check",
    ],
)
def test_questions_keep_their_type_choices_and_answers(tmp_path, file, main, translated, needle):
    changes = {file: main, f"es/{file}": translated}
    folder, problems = problems_for(tmp_path, changes)
    key = needle.split("key: ")[-1] if "key: " in needle else "check-gene"
    assert_problem(
        problems,
        folder / f"es/{file}",
        line_of(translated, needle),
        f"the question '{key}' must have the same type, choices (in the same order) and right "
        "answers as in the main language",
    )
    assert len(problems) == 1


def test_short_text_needs_accepted_answers_in_the_translation(tmp_path):
    # The validator already refuses an empty 'accepted', so the rule is met on the spec.
    folder = write_bilingual(tmp_path)
    spec, problems = validate_course(load_course(folder))
    assert problems == []
    spanish = copy.deepcopy(spec.translations["es"])
    spanish.modules[0].quiz.questions[0].accepted = []
    assert_problem(
        structure_problems(spec, spanish, "es"),
        folder / "es/m1/quiz.yml",
        line_of(QUIZ_ES, "- key: question-one"),
        "the question 'question-one' needs accepted answers in this language",
    )


def test_short_text_answers_may_differ_between_languages(tmp_path):
    quiz = QUIZ_ES.replace("accepted: [gen, un gen]", "accepted: [el gen]")
    assert problems_for(tmp_path, {"es/m1/quiz.yml": quiz})[1] == []


@pytest.mark.parametrize(
    ("file", "text", "old", "new", "field"),
    [
        pytest.param(
            "es/course.yml",
            COURSE_ES,
            "topic: precision-medicine",
            "topic: health-literacy",
            "topic:",
            id="topic",
        ),
        pytest.param(
            "es/course.yml", COURSE_ES, "language: es", "language: en", "language:", id="language"
        ),
        pytest.param(
            "es/m1/01-first.md",
            LESSON_ES,
            "minutes: 5\n",
            "minutes: 5\nrequired: false\n",
            "required:",
            id="required",
        ),
    ],
)
def test_field_problems_point_at_the_field(tmp_path, file, text, old, new, field):
    changed = text.replace(old, new)
    folder, problems = problems_for(tmp_path, {file: changed})
    name = field.rstrip(":")
    assert_problem(problems, folder / file, line_of(changed, field), f"'{name}' must be")
