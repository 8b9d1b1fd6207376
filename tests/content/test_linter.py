"""The content linter: each plain-language rule, on the two-language course, at its file and line.

Every test starts from the clean bilingual course (tests.content.BILINGUAL_FILES) and changes
one thing. The validator rules the linter relies on (glossary files, review dates, scenarios)
are here too, because a course must validate before it is linted.
"""

from __future__ import annotations

import copy
import importlib.util
import math
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course_app.content.linter import (
    MAX_LESSON_GRADE,
    MAX_MEDIAN_GRADE,
    MIN_LESSON_EASE,
    lesson_prose,
    lint_course,
)
from course_app.content.loader import load_course
from course_app.content.readability import fernandez_huerta, flesch_kincaid_grade
from course_app.content.validator import validate_course
from tests.content import BILINGUAL_FILES, assert_problem, line_of, write_bilingual

COURSE = BILINGUAL_FILES["course.yml"]
GLOSSARY = BILINGUAL_FILES["glossary.yml"]
MODULE = BILINGUAL_FILES["m1/module.yml"]
LESSON_EN = BILINGUAL_FILES["m1/01-first.md"]
LESSON_ES = BILINGUAL_FILES["es/m1/01-first.md"]
QUIZ_EN = BILINGUAL_FILES["m1/quiz.yml"]
QUIZ_ES = BILINGUAL_FILES["es/m1/quiz.yml"]
PARAGRAPH_EN = "A gene is a small part of you. It tells your body how to grow."
PARAGRAPH_ES = "Un gen es una parte de usted. Le dice al cuerpo cómo crecer."
REVIEW_DUE = date(2099, 11, 1)  # review_due in BILINGUAL_FILES
TODAY = date(2026, 12, 1)

HARD_EN = (
    "Pharmacogenomic characterization of heterogeneous populations necessitates comprehensive "
    "methodological consideration of environmental determinants and socioeconomic "
    "circumstances influencing therapeutic effectiveness."
)
HARD_ES = (
    "La caracterización farmacogenómica de poblaciones heterogéneas necesita consideraciones "
    "metodológicas exhaustivas sobre determinantes ambientales y circunstancias "
    "socioeconómicas que condicionan la efectividad terapéutica."
)
# With the lesson's key point, between grade 7 and grade 8: passes alone, fails as a median.
MIDDLING_EN = (
    "Your genes come from your parents, and together with your surroundings they influence "
    "your health and your development over many years of your life."
)
SCENARIO_EN = "type: scenario\nsituation: Ana reads that one gene decides all of her health.\n"
SCENARIO_ES = "type: scenario\nsituation: Ana lee que un gen decide toda su salud.\n"


def read_bilingual(tmp_path: Path, changes: dict | None = None):
    """The course folder and its spec; the changed course must still validate."""
    folder = write_bilingual(tmp_path, changes)
    spec, problems = validate_course(load_course(folder))
    assert problems == [], "\n".join(str(p) for p in problems)
    return folder, spec


def lint_problems(tmp_path: Path, changes: dict | None = None, today: date = TODAY):
    folder, spec = read_bilingual(tmp_path, changes)
    return folder, lint_course(spec, today).problems


def validation_problems(tmp_path: Path, changes: dict):
    folder = write_bilingual(tmp_path, changes)
    return folder, validate_course(load_course(folder))[1]


def body_line(text: str) -> int:
    """The first line after a lesson's front matter."""
    return line_of(text, "---", start=2) + 1


# --- The clean course ---------------------------------------------------------------------


def test_the_bilingual_course_lints_clean_with_a_level_for_every_lesson(tmp_path):
    folder, spec = read_bilingual(tmp_path)
    lint = lint_course(spec, TODAY)
    assert lint.problems == []
    assert lint.slug == "tiny-bilingual"
    assert [(le.file, le.language, le.key) for le in lint.lessons] == [
        (str(folder / "m1/01-first.md"), "en", "first-lesson"),
        (str(folder / "es/m1/01-first.md"), "es", "first-lesson"),
    ]
    english, spanish = (le.score for le in lint.lessons)
    assert english is not None and english <= MAX_LESSON_GRADE
    assert spanish is not None and spanish >= MIN_LESSON_EASE
    assert lint.medians == {"en": english, "es": spanish}


def test_reading_level_is_measured_on_prose_not_headings_checks_or_sources(tmp_path):
    _, spec = read_bilingual(tmp_path)
    prose = lesson_prose(spec.lessons[0])
    assert PARAGRAPH_EN in prose
    assert "A gene tells your body how to grow." in prose  # the key points count
    for left_out in ("What is a gene", "Ana reads", "One gene decides everything", "MedlinePlus"):
        assert left_out not in prose


# --- Reading level ------------------------------------------------------------------------


def test_a_hard_english_lesson_fails_with_its_grade(tmp_path):
    lesson = LESSON_EN.replace(PARAGRAPH_EN, HARD_EN)
    folder, spec = read_bilingual(tmp_path, {"m1/01-first.md": lesson})
    grade = flesch_kincaid_grade(lesson_prose(spec.lessons[0]))
    assert grade > MAX_LESSON_GRADE
    problems = lint_course(spec, TODAY).problems
    assert_problem(
        problems,
        folder / "m1/01-first.md",
        line_of(lesson, "---"),
        f"reading level grade {grade:g}; it must be at most 8",
    )
    assert not any(p.file == str(folder / "es/m1/01-first.md") for p in problems)


def test_a_hard_spanish_lesson_fails_with_its_ease(tmp_path):
    lesson = LESSON_ES.replace(PARAGRAPH_ES, HARD_ES)
    folder, spec = read_bilingual(tmp_path, {"es/m1/01-first.md": lesson})
    ease = fernandez_huerta(lesson_prose(spec.translations["es"].lessons[0]))
    assert ease < MIN_LESSON_EASE
    problems = lint_course(spec, TODAY).problems
    assert_problem(
        problems,
        folder / "es/m1/01-first.md",
        line_of(lesson, "---"),
        f"reading level Fernandez-Huerta {ease:g}; it must be at least 70",
    )
    assert len(problems) == 1  # no median rule for Spanish


def test_a_course_median_above_grade_7_fails_even_when_every_lesson_passes(tmp_path):
    lesson = LESSON_EN.replace(PARAGRAPH_EN, MIDDLING_EN)
    folder, spec = read_bilingual(tmp_path, {"m1/01-first.md": lesson})
    lint = lint_course(spec, TODAY)
    grade = lint.lessons[0].score
    assert MAX_MEDIAN_GRADE < grade <= MAX_LESSON_GRADE
    assert lint.medians["en"] == grade
    assert_problem(
        lint.problems,
        folder / "course.yml",
        line_of(COURSE, "slug:"),
        f"the median reading level of the lessons is grade {grade:g}; it must be at most 7",
    )
    assert len(lint.problems) == 1


def _more_lessons(paragraphs: list[str]) -> dict[str, str]:
    """Lessons 02 and 03 in both languages; the English paragraphs are given in lesson order."""
    names = ["01-first.md", "02-second.md", "03-third.md"]
    listing = "".join(f"  - {name}\n" for name in names)
    changes = {
        "m1/module.yml": MODULE.replace("  - 01-first.md\n", listing),
        "es/m1/module.yml": BILINGUAL_FILES["es/m1/module.yml"].replace(
            "  - 01-first.md\n", listing
        ),
        "m1/01-first.md": LESSON_EN.replace(PARAGRAPH_EN, paragraphs[0]),
    }
    for name, key, paragraph in zip(names[1:], ["second", "third"], paragraphs[1:], strict=True):
        changes[f"m1/{name}"] = (
            f"---\nkey: {key}\ntitle: More\nminutes: 3\n---\n\n# Genes\n\n{paragraph}\n\n"
            "# Key points\n\n- A gene tells your body how to grow.\n\n"
            "# Sources\n\n- [MedlinePlus Genetics](https://medlineplus.gov/genetics/), NLM, "
            "checked 2026-12-01\n"
        )
        changes[f"es/m1/{name}"] = (
            f"---\nkey: {key}\ntitle: Más\nminutes: 3\n---\n\n# Genes\n\n{PARAGRAPH_ES}\n\n"
            "# Puntos clave\n\n- Un gen le dice al cuerpo cómo crecer.\n\n"
            "# Fuentes\n\n- [MedlinePlus en español](https://medlineplus.gov/spanish/), NLM, "
            "consultado el 2026-12-01\n"
        )
    return changes


@pytest.mark.parametrize(
    ("paragraphs", "fails"),
    [
        ([MIDDLING_EN, PARAGRAPH_EN, PARAGRAPH_EN], False),
        ([MIDDLING_EN, MIDDLING_EN, PARAGRAPH_EN], True),
    ],
)
def test_the_median_is_the_middle_lesson_not_the_hardest(tmp_path, paragraphs, fails):
    folder, spec = read_bilingual(tmp_path, _more_lessons(paragraphs))
    lint = lint_course(spec, TODAY)
    grades = sorted(le.score for le in lint.lessons if le.language == "en")
    assert len(grades) == 3 and grades[-1] > MAX_MEDIAN_GRADE
    assert lint.medians["en"] == grades[1]
    if fails:
        assert_problem(
            lint.problems, folder / "course.yml", line_of(COURSE, "slug:"), f"grade {grades[1]:g}"
        )
    else:
        assert lint.problems == []


def test_a_lesson_with_no_prose_is_reported(tmp_path):
    lesson = LESSON_EN.replace(PARAGRAPH_EN, "").replace(
        "- A gene tells your body how to grow.", ""
    )
    folder, spec = read_bilingual(tmp_path, {"m1/01-first.md": lesson})
    lint = lint_course(spec, TODAY)
    assert lint.lessons[0].score is None
    assert lint.medians["en"] is None
    assert_problem(
        lint.problems, folder / "m1/01-first.md", line_of(lesson, "---"), "the lesson has no text"
    )
    assert len(lint.problems) == 1


# --- Headings and sections ----------------------------------------------------------------

MORE_PARAGRAPHS = [
    "You get genes from your mom and dad.",
    "Each cell has a copy of them.",
    "Some genes give you brown eyes.",
    "Some genes help you fight germs.",
]


@pytest.mark.parametrize("extra", [3, 4])
def test_more_than_four_blocks_without_a_heading(tmp_path, extra):
    added = "\n\n".join(MORE_PARAGRAPHS[:extra])
    lesson = LESSON_EN.replace(PARAGRAPH_EN, f"{PARAGRAPH_EN}\n\n{added}")
    folder, problems = lint_problems(tmp_path, {"m1/01-first.md": lesson})
    if extra == 3:  # four blocks, and the ```check block is not one of them
        assert problems == []
    else:
        assert_problem(
            problems,
            folder / "m1/01-first.md",
            line_of(lesson, MORE_PARAGRAPHS[3]),
            "more than 4 paragraphs or lists without a heading",
        )
        assert len(problems) == 1


def test_a_heading_starts_a_new_run_of_blocks(tmp_path):
    four = "\n\n".join(MORE_PARAGRAPHS)
    lesson = LESSON_EN.replace(PARAGRAPH_EN, f"{four}\n\n# More\n\n{four}")
    assert lint_problems(tmp_path, {"m1/01-first.md": lesson})[1] == []


@pytest.mark.parametrize(
    ("file", "heading", "replacement", "name"),
    [
        ("m1/01-first.md", "# Key points", "# In short", "Key points"),
        ("m1/01-first.md", "# Sources", "# Links", "Sources"),
        ("es/m1/01-first.md", "# Puntos clave", "# En breve", "Puntos clave"),
        ("es/m1/01-first.md", "# Fuentes", "# Enlaces", "Fuentes"),
    ],
)
def test_a_lesson_needs_key_points_and_sources(tmp_path, file, heading, replacement, name):
    lesson = BILINGUAL_FILES[file].replace(heading, replacement)
    folder, problems = lint_problems(tmp_path, {file: lesson})
    assert_problem(problems, folder / file, body_line(lesson), f"needs a '# {name}' section")
    assert len(problems) == 1


@pytest.mark.parametrize(
    ("file", "key_points", "sources"),
    [
        ("m1/01-first.md", "# Key points", "# Sources"),
        ("es/m1/01-first.md", "# Puntos clave", "# Fuentes"),
    ],
)
def test_key_points_come_before_sources(tmp_path, file, key_points, sources):
    original = BILINGUAL_FILES[file]
    start = original.index(key_points)
    middle = original.index(sources)
    swapped = original[:start] + original[middle:] + "\n" + original[start:middle]
    folder, problems = lint_problems(tmp_path, {file: swapped})
    name, after = key_points[2:], sources[2:]
    assert_problem(
        problems, folder / file, line_of(swapped, key_points), f"'{name}' comes before '{after}'"
    )
    assert len(problems) == 1


# --- Pictures and video -------------------------------------------------------------------


def test_an_img_tag_is_refused_in_favour_of_a_markdown_picture(tmp_path):
    from course_app.content.loader import load_course
    from course_app.content.validator import check_course

    tag = '<img src="https://example.org/gene.png" alt="A gene">'
    lesson = LESSON_ES.replace(PARAGRAPH_ES, f"{PARAGRAPH_ES}\n\n{tag}")
    folder = write_bilingual(tmp_path, {"es/m1/01-first.md": lesson})
    problems = check_course(load_course(folder))
    assert_problem(
        problems,
        folder / "es/m1/01-first.md",
        line_of(lesson, "<img"),
        "write a picture in Markdown",
    )


CAPTIONED = (
    '<video src="https://example.org/gene.mp4">\n'
    '<track kind="captions" src="https://example.org/gene.vtt">\n</video>'
)


@pytest.mark.parametrize(
    ("video", "fails"),
    [
        ('<video src="https://example.org/gene.mp4">\n</video>', True),
        (CAPTIONED.replace("captions", "descriptions"), True),
        (CAPTIONED, False),
        (CAPTIONED.replace("captions", "subtitles"), False),
    ],
)
def test_a_video_needs_captions(tmp_path, video, fails):
    # The validator refuses <video> (see below), so the lesson body is set on the spec.
    folder, spec = read_bilingual(tmp_path)
    lesson = spec.lessons[0]
    lesson.body = lesson.body.replace(PARAGRAPH_EN, f"{PARAGRAPH_EN}\n\n{video}")
    as_file = LESSON_EN.replace(PARAGRAPH_EN, f"{PARAGRAPH_EN}\n\n{video}")
    problems = lint_course(spec, TODAY).problems
    if fails:
        assert_problem(
            problems, folder / "m1/01-first.md", line_of(as_file, "<video"), "needs captions"
        )
        assert len(problems) == 1
    else:
        assert problems == []


def test_a_video_is_refused_with_a_clear_message(tmp_path):
    # Lessons cannot embed media yet (the site serves no course media and its CSP allows
    # none), so no video can reach learners, with or without captions.
    lesson = LESSON_EN.replace(PARAGRAPH_EN, f"{PARAGRAPH_EN}\n\n{CAPTIONED}")
    folder, problems = validation_problems(tmp_path, {"m1/01-first.md": lesson})
    assert_problem(
        problems,
        folder / "m1/01-first.md",
        line_of(lesson, "<video"),
        "<video> is not allowed in lesson text: name the file in the front matter",
    )


# --- Glossary -----------------------------------------------------------------------------

GLOSSARY_WITH_DNA = GLOSSARY + (
    "  - term: DNA\n    definition: The set of instructions inside your cells.\n"
)


def test_a_listed_term_must_be_in_the_glossary(tmp_path):
    lesson = LESSON_EN.replace("glossary: [gene]", "glossary: [gene, allele]")
    folder, problems = lint_problems(tmp_path, {"m1/01-first.md": lesson})
    assert_problem(
        problems,
        folder / "m1/01-first.md",
        line_of(lesson, "glossary:"),
        f"the term 'allele' is not defined in {folder / 'glossary.yml'}",
    )
    assert len(problems) == 1


@pytest.mark.parametrize(
    ("sentence", "fails"),
    [
        ("", True),
        ("Your dna holds your genes.", False),  # any case
        ("DNAse is a protein.", True),  # whole words only
    ],
)
def test_a_listed_term_must_be_used_in_the_lesson(tmp_path, sentence, fails):
    lesson = LESSON_EN.replace("glossary: [gene]", "glossary: [gene, DNA]").replace(
        PARAGRAPH_EN, f"{PARAGRAPH_EN} {sentence}"
    )
    changes = {"glossary.yml": GLOSSARY_WITH_DNA, "m1/01-first.md": lesson}
    folder, problems = lint_problems(tmp_path, changes)
    if fails:
        assert_problem(
            problems,
            folder / "m1/01-first.md",
            line_of(lesson, "glossary:"),
            "the term 'DNA' is listed but not used here",
        )
        assert len(problems) == 1
    else:
        assert problems == []


@pytest.mark.parametrize(
    ("file", "addition", "term"),
    [
        ("glossary.yml", "  - term: DNA\n    definition: Your instructions.\n", "DNA"),
        ("es/glossary.yml", "  - term: ADN\n    definition: Sus instrucciones.\n", "ADN"),
    ],
)
def test_every_glossary_term_is_listed_by_a_lesson(tmp_path, file, addition, term):
    glossary = BILINGUAL_FILES[file] + addition
    folder, problems = lint_problems(tmp_path, {file: glossary})
    assert_problem(
        problems,
        folder / file,
        line_of(glossary, f"term: {term}"),
        f"no lesson lists the term '{term}'",
    )
    assert len(problems) == 1


def test_a_course_needs_a_glossary(tmp_path):
    changes = {
        "course.yml": COURSE.replace("glossary: glossary.yml\n", ""),
        "m1/01-first.md": LESSON_EN.replace("glossary: [gene]\n", ""),
        "glossary.yml": None,
    }
    folder, problems = lint_problems(tmp_path, changes)
    assert_problem(
        problems, folder / "course.yml", line_of(COURSE, "slug:"), "the course needs a glossary"
    )
    assert len(problems) == 1


def test_a_glossary_term_defined_twice_is_refused(tmp_path):
    glossary = GLOSSARY + "  - term: Gene\n    definition: Again.\n"
    folder, problems = validation_problems(tmp_path, {"glossary.yml": glossary})
    assert_problem(
        problems,
        folder / "glossary.yml",
        line_of(glossary, "term: Gene"),
        f"the term 'Gene' is defined twice (first on line {line_of(glossary, 'term: gene')})",
    )


@pytest.mark.parametrize(
    ("glossary", "needle", "text"),
    [
        ("terms: gene\n", "terms:", "'terms' must be a list"),
        ("words:\n  - term: gene\n", "words:", "unknown field 'words'"),
        ("terms:\n  - term: gene\n", "- term: gene", "a glossary term is missing the field"),
        ("terms:\n  - gene\n", "- gene", "a glossary term must be a set of 'name: value'"),
    ],
)
def test_the_glossary_file_shape(tmp_path, glossary, needle, text):
    folder, problems = validation_problems(tmp_path, {"glossary.yml": glossary})
    assert_problem(problems, folder / "glossary.yml", line_of(glossary, needle), text)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("words.txt", "'glossary' must be a file name ending in .yml"),
        ("missing.yml", "there is no file 'missing.yml'"),
    ],
)
def test_the_course_glossary_is_a_yml_file_in_the_course(tmp_path, value, text):
    course = COURSE.replace("glossary: glossary.yml", f"glossary: {value}")
    folder, problems = validation_problems(tmp_path, {"course.yml": course})
    assert_problem(problems, folder / "course.yml", line_of(course, "glossary:"), text)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("gene", "'glossary' must be a list"),
        ("[gene, 3]", "each glossary entry is a term, as text"),
    ],
)
def test_a_lesson_glossary_is_a_list_of_terms(tmp_path, value, text):
    lesson = LESSON_EN.replace("glossary: [gene]", f"glossary: {value}")
    folder, problems = validation_problems(tmp_path, {"m1/01-first.md": lesson})
    assert_problem(problems, folder / "m1/01-first.md", line_of(lesson, "glossary:"), text)


# --- Review dates -------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "fails"), [(-1, False), (0, False), (1, True)])
def test_a_review_due_date_in_the_past_fails(tmp_path, days, fails):
    folder, problems = lint_problems(tmp_path, today=REVIEW_DUE + timedelta(days=days))
    if fails:
        # The line is checked in test_a_past_review_date_points_at_review_due.
        assert_problem(
            problems, folder / "course.yml", None, "the facts were due for review on 2099-11-01"
        )
        assert len(problems) == 1
    else:
        assert problems == []


def test_a_past_review_date_points_at_review_due(tmp_path):
    folder, problems = lint_problems(tmp_path, today=REVIEW_DUE + timedelta(days=1))
    assert_problem(problems, folder / "course.yml", line_of(COURSE, "review_due:"), "due for")


@pytest.mark.parametrize("field", ["reviewed", "review_due"])
def test_a_course_needs_both_review_dates(tmp_path, field):
    course = "".join(line + "\n" for line in COURSE.splitlines() if not line.startswith(field))
    folder, problems = lint_problems(tmp_path, {"course.yml": course})
    assert_problem(
        problems, folder / "course.yml", line_of(course, "slug:"), "add 'reviewed' (when the"
    )
    assert len(problems) == 1


@pytest.mark.parametrize(
    ("old", "new", "needle", "text"),
    [
        ("review_due: 2099-11-01", "review_due: 2026-11-01", "review_due:", "must come after"),
        ("review_due: 2099-11-01", "review_due: 2020-01-01", "review_due:", "must come after"),
        ("reviewed: 2026-11-01", "reviewed: soon", "reviewed:", "must be a date written like"),
    ],
)
def test_review_dates_are_dates_in_order(tmp_path, old, new, needle, text):
    course = COURSE.replace(old, new)
    folder, problems = validation_problems(tmp_path, {"course.yml": course})
    assert_problem(problems, folder / "course.yml", line_of(course, needle), text)


def test_an_impossible_review_date_is_a_problem_not_a_crash(tmp_path):
    course = COURSE.replace("review_due: 2099-11-01", "review_due: 2099-13-01")
    folder, problems = validation_problems(tmp_path, {"course.yml": course})
    assert_problem(problems, folder / "course.yml", line_of(course, "review_due:"), "date")


# --- Scenarios ----------------------------------------------------------------------------


def test_each_language_needs_a_scenario(tmp_path):
    changes = {
        "m1/01-first.md": LESSON_EN.replace(SCENARIO_EN, "type: single\n"),
        "es/m1/01-first.md": LESSON_ES.replace(SCENARIO_ES, "type: single\n"),
    }
    folder, problems = lint_problems(tmp_path, changes)
    for file in ("course.yml", "es/course.yml"):
        text = BILINGUAL_FILES[file]
        assert_problem(problems, folder / file, line_of(text, "slug:"), "at least one scenario")
    assert len(problems) == 2


def test_a_scenario_in_a_quiz_counts(tmp_path):
    question = (
        "  - key: question-three\n    type: scenario\n    situation: {s}\n    prompt: {p}\n"
        "    choices:\n      - text: {a}\n        correct: true\n        feedback: {a}\n"
        "      - text: {b}\n        feedback: {b}\n"
    )
    changes = {
        "m1/01-first.md": LESSON_EN.replace(SCENARIO_EN, "type: single\n"),
        "es/m1/01-first.md": LESSON_ES.replace(SCENARIO_ES, "type: single\n"),
        "m1/quiz.yml": QUIZ_EN + question.format(s="Ana is ill.", p="Now?", a="Rest.", b="Run."),
        "es/m1/quiz.yml": QUIZ_ES
        + question.format(s="Ana está mal.", p="¿Y ahora?", a="Descansar.", b="Correr."),
    }
    assert lint_problems(tmp_path, changes)[1] == []


@pytest.mark.parametrize(
    ("old", "new", "needle", "text"),
    [
        (
            "situation: Ana reads that one gene decides all of her health.\n",
            "",
            "key: check-gene",
            "a check block is missing the field 'situation'",
        ),
        (
            "situation: Ana reads that one gene decides all of her health.",
            'situation: ""',
            "situation:",
            "'situation' is empty",
        ),
    ],
)
def test_a_scenario_needs_a_situation(tmp_path, old, new, needle, text):
    lesson = LESSON_EN.replace(old, new)
    folder, problems = validation_problems(tmp_path, {"m1/01-first.md": lesson})
    assert_problem(problems, folder / "m1/01-first.md", line_of(lesson, needle), text)


@pytest.mark.parametrize(
    ("old", "new", "found"),
    [
        ("    correct: true\n", "", 0),
        (
            "  - text: One gene decides everything about you.\n",
            "  - text: One gene decides everything about you.\n    correct: true\n",
            2,
        ),
    ],
)
def test_a_scenario_needs_exactly_one_best_choice(tmp_path, old, new, found):
    lesson = LESSON_EN.replace(old, new)
    folder, problems = validation_problems(tmp_path, {"m1/01-first.md": lesson})
    assert_problem(
        problems,
        folder / "m1/01-first.md",
        line_of(lesson, "choices:"),
        f"a 'scenario' needs exactly one best choice with 'correct: true' (found {found})",
    )


def test_every_scenario_choice_needs_feedback(tmp_path):
    lesson = LESSON_EN.replace("    feedback: Not quite. Your habits matter too.\n", "")
    folder, problems = validation_problems(tmp_path, {"m1/01-first.md": lesson})
    assert_problem(
        problems,
        folder / "m1/01-first.md",
        line_of(lesson, "- text: One gene decides everything about you."),
        "every choice needs 'feedback'",
    )
    assert len(problems) == 1


# --- `flask courses lint` -----------------------------------------------------------------


def run_lint(app, *args):
    return app.test_cli_runner().invoke(args=["courses", "lint", *map(str, args)])


def test_lint_command_prints_each_lessons_level_and_the_medians(app, tmp_path):
    folder, spec = read_bilingual(tmp_path)
    english, spanish = (le.score for le in lint_course(spec, TODAY).lessons)
    result = run_lint(app, folder, "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "tiny-bilingual:",
        f"  {folder / 'm1/01-first.md'} [en] grade {english:g}",
        f"  {folder / 'es/m1/01-first.md'} [es] Fernandez-Huerta {spanish:g}",
        f"  median [en]: grade {english:g}",
        f"  median [es]: Fernandez-Huerta {spanish:g}",
        "OK: 1 course(s) meet the plain-language rules.",
    ]


def test_lint_command_lists_problems_as_file_line_message_and_exits_1(app, tmp_path):
    lesson = LESSON_EN.replace(PARAGRAPH_EN, HARD_EN)
    folder = write_bilingual(tmp_path, {"m1/01-first.md": lesson})
    result = run_lint(app, folder, "--today", TODAY.isoformat())
    assert result.exit_code == 1
    where = f"{folder / 'm1/01-first.md'}:{line_of(lesson, '---')}"
    assert f"{where}: reading level grade " in result.output
    assert f"{folder / 'course.yml'}:{line_of(COURSE, 'slug:')}: the median" in result.output
    assert "2 problems found." in result.output
    assert "OK:" not in result.output


@pytest.mark.parametrize(("days", "code"), [(-1, 0), (0, 0), (1, 1)])
def test_lint_command_checks_review_dates_as_of_today_option(app, tmp_path, days, code):
    folder = write_bilingual(tmp_path)
    result = run_lint(app, folder, "--today", (REVIEW_DUE + timedelta(days=days)).isoformat())
    assert result.exit_code == code, result.output
    overdue = (
        f"{folder / 'course.yml'}:{line_of(COURSE, 'review_due:')}: the facts were due for review"
    )
    assert (overdue in result.output) is bool(code)


def test_lint_command_stops_at_validation_problems(app, tmp_path):
    lesson = LESSON_EN.replace("minutes: 5", "minutes: 0")
    folder = write_bilingual(tmp_path, {"m1/01-first.md": lesson})
    result = run_lint(app, folder)
    assert result.exit_code == 1
    where = f"{folder / 'm1/01-first.md'}:{line_of(lesson, 'minutes:')}"
    assert f"{where}: 'minutes' must be" in result.output
    assert "tiny-bilingual:" not in result.output


# --- Property: the linter survives any lesson text ----------------------------------------

FRAGMENTS = [
    "# Key points",
    "# Sources",
    "# Puntos clave",
    "# Fuentes",
    "# Key points\n\n# Sources",
    "## gene",
    "Setext heading\n---",
    "![](https://example.org/a.png)",
    "![alt](https://example.org/a.png)",
    '<img src="https://example.org/a.png">',
    "<img",
    "<video>",
    '<video><track kind="captions"></video>',
    "```check\nkey: x\n```",
    "```",
    "- item\n- ![](x.png)",
    "1. one\n2. two",
    "> quote",
    "| a | b |\n|---|---|\n| c | d |",
    "    indented code",
    "***",
    "gene",
    "Un gen. ¿Qué?",
    HARD_EN,
    "",
    "\n\n",
    "...",
    "123 456",
]
lesson_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=40), max_size=12).map(
    "\n\n".join
)


@pytest.fixture(scope="module")
def bilingual_spec(tmp_path_factory):
    return read_bilingual(tmp_path_factory.mktemp("property"))[1]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(english=lesson_text, spanish=lesson_text)
def test_lint_never_crashes_on_any_lesson_text(bilingual_spec, english, spanish):
    spec = copy.deepcopy(bilingual_spec)
    spec.lessons[0].body = english
    spec.translations["es"].lessons[0].body = spanish
    lint = lint_course(spec, TODAY)
    assert [le.language for le in lint.lessons] == ["en", "es"]
    for lesson in lint.lessons:
        assert lesson.score is None or math.isfinite(lesson.score)
    assert lint.lessons[0].score is None or lint.lessons[0].score >= 0
    files = {lesson.file for lesson in lint.lessons} | {spec.file, spec.translations["es"].file}
    files |= {term.file for term in spec.glossary + spec.translations["es"].glossary}
    for problem in lint.problems:
        assert problem.file in files
        assert problem.line >= 1 and problem.message


def test_lint_without_the_authoring_tools_says_how_to_install_them(app, tmp_path, monkeypatch):
    folder, _spec = read_bilingual(tmp_path)
    real_find_spec = importlib.util.find_spec

    def without_textstat(name, *args):
        return None if name == "textstat" else real_find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", without_textstat)
    result = run_lint(app, folder)
    assert result.exit_code == 1
    assert "pip install -e '.[authoring]'" in result.output


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ("In this lesson you will learn what a gene is.", None),
        ("You will learn what a gene is.", "the main message starts 'In this lesson you will"),
        ("In this lesson you will learn what a gene is", "one sentence of at most 40 words"),
        ("In this lesson you will " + "learn " * 40 + "genes.", "one sentence of at most 40"),
    ],
)
def test_a_main_message_is_one_sentence_that_starts_the_agreed_way(tmp_path, message, problem):
    lesson = LESSON_EN.replace("minutes: 5\n", f"minutes: 5\nmain_message: {message}\n")
    folder, problems = lint_problems(tmp_path, {"m1/01-first.md": lesson})
    if problem is None:
        assert problems == []
    else:
        assert_problem(problems, folder / "m1/01-first.md", 5, problem)
