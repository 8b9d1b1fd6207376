"""Linter rules a health librarian asks for before publishing: dated figures, complete
sources, quizzes that test understanding, and one Spanish vocabulary."""

from __future__ import annotations

from datetime import date

import pytest

from course_app.content.linter import lint_course
from course_app.content.loader import load_course
from course_app.content.validator import validate_course
from course_app.content.vocabulary import load_vocabulary
from tests.content import BILINGUAL_FILES, assert_problem, line_of, write_bilingual

TODAY = date(2026, 12, 1)
LESSON_EN = BILINGUAL_FILES["m1/01-first.md"]
LESSON_ES = BILINGUAL_FILES["es/m1/01-first.md"]
QUIZ_EN = BILINGUAL_FILES["m1/quiz.yml"]
QUIZ_ES = BILINGUAL_FILES["es/m1/quiz.yml"]
PARAGRAPH_EN = "A gene is a small part of you. It tells your body how to grow."
PARAGRAPH_ES = "Un gen es una parte de usted. Le dice al cuerpo cómo crecer."
SOURCE_EN = "- [MedlinePlus Genetics](https://medlineplus.gov/genetics/), NLM, checked 2026-12-01\n"
TERMS = (
    "terms:\n"
    "  - en: electronic health record\n"
    "    es: expediente médico electrónico\n"
    "    avoid: [historia clínica electrónica, registro médico]\n"
)


def lint(tmp_path, changes=None, vocabularies=None):
    folder = write_bilingual(tmp_path, changes)
    spec, problems = validate_course(load_course(folder))
    assert problems == [], "\n".join(str(p) for p in problems)
    return folder, lint_course(spec, TODAY, vocabularies)


def test_the_clean_course_has_no_problems_and_no_warnings(tmp_path):
    _folder, result = lint(tmp_path)
    assert result.problems == [] and result.warnings == []


# --- Figures carry their date ----------------------------------------------------------------


@pytest.mark.parametrize(
    "figure",
    [
        "About 47% of people in the study are from minority groups.",
        "About 1 in 100 people have it.",
        "The study has more than one million people.",
        "Nearly 40 percent of adults say so.",
    ],
)
def test_a_figure_without_a_date_is_a_problem(tmp_path, figure):
    lesson = LESSON_EN.replace(PARAGRAPH_EN, PARAGRAPH_EN + "\n\n" + figure)
    folder, result = lint(tmp_path, {"m1/01-first.md": lesson})
    assert_problem(
        result.problems, folder / "m1/01-first.md", line_of(lesson, figure), "needs its date"
    )


def test_a_spanish_figure_without_a_date_is_a_problem(tmp_path):
    figure = "Cerca de 1 de cada 10 personas lo tienen."
    lesson = LESSON_ES.replace(PARAGRAPH_ES, PARAGRAPH_ES + "\n\n" + figure)
    folder, result = lint(tmp_path, {"es/m1/01-first.md": lesson})
    assert_problem(
        result.problems, folder / "es/m1/01-first.md", line_of(lesson, figure), "1 de cada 10"
    )


@pytest.mark.parametrize(
    "text",
    [
        "In 2024, the program said 47% of people were from minority groups.",
        "The program reported in April 2024:\n\n- 87% were from groups left out of research.",
        "For example, a risk of 1 in 100 means 1 person out of every 100.",
        "A gene is 1 part of you.",
    ],
)
def test_a_dated_or_example_figure_passes(tmp_path, text):
    lesson = LESSON_EN.replace(PARAGRAPH_EN, PARAGRAPH_EN + "\n\n" + text)
    _folder, result = lint(tmp_path, {"m1/01-first.md": lesson})
    assert result.problems == []


def test_figures_in_the_sources_are_not_checked(tmp_path):
    lesson = LESSON_EN.replace(SOURCE_EN, SOURCE_EN.replace("Genetics", "Genetics: 50% of it"))
    _folder, result = lint(tmp_path, {"m1/01-first.md": lesson})
    assert result.problems == []


# --- Sources: title and link, publisher, date checked --------------------------------------------


@pytest.mark.parametrize(
    ("entry", "missing"),
    [
        (
            "- [MedlinePlus Genetics](https://medlineplus.gov/genetics/)\n",
            "the date it was checked",
        ),
        (
            "- [MedlinePlus Genetics](https://medlineplus.gov/genetics/), checked 2026-12-01\n",
            "who published it",
        ),
        ("- MedlinePlus Genetics, NLM, checked 2026-12-01\n", "a title with its link"),
    ],
)
def test_each_source_needs_title_link_publisher_and_date(tmp_path, entry, missing):
    lesson = LESSON_EN.replace(SOURCE_EN, entry)
    folder, result = lint(tmp_path, {"m1/01-first.md": lesson})
    assert_problem(
        result.problems, folder / "m1/01-first.md", line_of(lesson, entry.strip()), missing
    )


def test_a_spanish_source_says_consultado(tmp_path):
    folder, result = lint(tmp_path)
    assert result.problems == []
    lesson = LESSON_ES.replace("consultado el 2026-12-01", "2026-12-01")
    folder, result = lint(tmp_path / "again", {"es/m1/01-first.md": lesson})
    assert_problem(result.problems, folder / "es/m1/01-first.md", None, "the date it was checked")


def test_an_empty_sources_section_is_a_problem(tmp_path):
    lesson = LESSON_EN.replace(SOURCE_EN, "")
    folder, result = lint(tmp_path, {"m1/01-first.md": lesson})
    assert_problem(result.problems, folder / "m1/01-first.md", None, "lists no source")


# --- The right answer is not always the longest ------------------------------------------------

SINGLE = (
    "  - key: question-{n}\n"
    "    type: single\n"
    "    prompt: Question {n}?\n"
    "    choices:\n"
    "      - text: {right}\n"
    "        correct: true\n"
    "      - text: {wrong}\n"
)


def quiz_of(pairs) -> str:
    head = "key: quiz-one\ntitle: Quiz one\nquestions:\n"
    return head + "".join(
        SINGLE.format(n=n, right=right, wrong=wrong) for n, (right, wrong) in enumerate(pairs)
    )


LONG, SHORT = "Ask a pharmacist before mixing them", "Mix them"


@pytest.mark.parametrize(
    ("pairs", "warned"),
    [
        # The lesson's scenario (right answer shorter) plus 2 of 3 long: 2 of 4 = 50%.
        ([(LONG, SHORT), (LONG, SHORT), (SHORT, LONG)], True),
        # 2 of 5 = 40%: not more than 40%.
        ([(LONG, SHORT), (LONG, SHORT), (SHORT, LONG), (SHORT, LONG)], False),
        # A tie is not "the longest".
        ([(LONG, LONG), (LONG, LONG), (LONG, LONG)], False),
    ],
)
def test_the_right_answer_is_the_longest_too_often(tmp_path, pairs, warned):
    folder, result = lint(
        tmp_path, {"m1/quiz.yml": quiz_of(pairs), "es/m1/quiz.yml": quiz_of(pairs)}
    )
    hits = [w for w in result.warnings if "longest option" in w.message]
    if warned:
        assert_problem(hits, folder / "course.yml", 1, "warning: the right answer is the longest")
        assert_problem(hits, folder / "es/course.yml", 1, "question-0, question-1")
    else:
        assert hits == []
    assert result.problems == []


# --- A quiz question does not repeat a knowledge check --------------------------------------------


def test_a_quiz_question_repeating_a_check_is_warned(tmp_path):
    repeated = (
        "  - key: quiz-repeat\n"
        "    type: single\n"
        "    prompt: What should Ana think?\n"
        "    choices:\n"
        "      - text: Genes are one part\n"
        "        correct: true\n"
        "      - text: One gene decides everything\n"
    )
    scenario = repeated.replace(
        "type: single\n",
        "type: scenario\n    situation: Ana reads that one gene decides all of her health.\n",
    )
    scenario = scenario.replace("correct: true\n", "correct: true\n        feedback: Yes.\n")
    scenario = scenario.replace("everything\n", "everything\n        feedback: No.\n")
    quiz = QUIZ_EN + scenario
    quiz_es = QUIZ_ES + scenario.replace("Ana reads that one gene", "Ana lee que un gen")
    folder, result = lint(tmp_path, {"m1/quiz.yml": quiz, "es/m1/quiz.yml": quiz_es})
    assert_problem(
        result.warnings,
        folder / "m1/quiz.yml",
        line_of(quiz, "- key: quiz-repeat"),
        "repeats the knowledge check 'check-gene'",
    )


def test_a_quiz_question_about_a_new_situation_is_fine(tmp_path):
    _folder, result = lint(tmp_path)
    assert [w for w in result.warnings if "repeats" in w.message] == []


# --- One Spanish vocabulary -------------------------------------------------------------------


def vocabulary(tmp_path, text: str = TERMS):
    file = tmp_path / "terms.es.yml"
    file.write_text(text, encoding="utf-8")
    return load_vocabulary(file)


def test_a_spanish_lesson_using_an_avoided_term_is_warned(tmp_path):
    terms, problems = vocabulary(tmp_path)
    assert problems == []
    sentence = "Su Historia Clínica Electrónica guarda sus datos."
    lesson = LESSON_ES.replace(PARAGRAPH_ES, PARAGRAPH_ES + "\n\n" + sentence)
    folder, result = lint(tmp_path / "c", {"es/m1/01-first.md": lesson}, {"es": terms})
    assert_problem(
        result.warnings,
        folder / "es/m1/01-first.md",
        line_of(lesson, sentence),
        "use 'expediente médico electrónico'",
    )


def test_avoided_terms_in_spanish_quizzes_are_warned_and_english_is_left_alone(tmp_path):
    terms, _ = vocabulary(tmp_path)
    quiz = QUIZ_ES.replace("¿Dónde está un gen?", "¿Está un gen en su registro médico?")
    english = LESSON_EN.replace(PARAGRAPH_EN, PARAGRAPH_EN + " Registro médico.")
    folder, result = lint(
        tmp_path / "c", {"es/m1/quiz.yml": quiz, "m1/01-first.md": english}, {"es": terms}
    )
    assert [(w.file, w.line) for w in result.warnings] == [
        (str(folder / "es/m1/quiz.yml"), line_of(quiz, "- key: question-two"))
    ]


def test_a_whole_word_only_and_not_in_the_sources(tmp_path):
    terms, _ = vocabulary(tmp_path)
    lesson = LESSON_ES.replace(PARAGRAPH_ES, PARAGRAPH_ES + " Un registro médicos no cuenta.")
    lesson = lesson.replace("MedlinePlus en español", "Registro médico de MedlinePlus")
    _folder, result = lint(tmp_path / "c", {"es/m1/01-first.md": lesson}, {"es": terms})
    assert result.warnings == []


@pytest.mark.parametrize(
    ("text", "needle", "message"),
    [
        (
            "terms:\n  - en: record\n    es: expediente\n",
            "- en: record",
            "missing the field 'avoid'",
        ),
        (
            "terms:\n  - en: record\n    es: expediente\n    avoid: [expediente]\n",
            "- en: record",
            "both the term to use and a term to avoid",
        ),
        (
            "terms:\n  - en: a\n    es: b\n    avoid: []\n  - en: A\n    es: c\n    avoid: []\n",
            "- en: A",
            "listed twice",
        ),
        ("terms: [\n", None, "YAML syntax error"),
    ],
)
def test_a_bad_term_list_names_its_line(tmp_path, text, needle, message):
    _terms, problems = vocabulary(tmp_path, text)
    line = line_of(text, needle) if needle else None
    assert_problem(problems, tmp_path / "terms.es.yml", line, message)


# --- The command ------------------------------------------------------------------------------


def run_lint(app, *args):
    return app.test_cli_runner().invoke(args=["courses", "lint", "--today", "2026-12-01", *args])


def test_lint_reads_the_term_list_beside_the_courses_and_prints_warnings(app, tmp_path):
    (tmp_path / "terms.es.yml").write_text(TERMS, encoding="utf-8")
    lesson = LESSON_ES.replace(PARAGRAPH_ES, PARAGRAPH_ES + " Vea su registro médico.")
    write_bilingual(tmp_path, {"es/m1/01-first.md": lesson})
    result = run_lint(app, str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "warning: 'registro médico' is a term to avoid" in result.output
    assert "OK: 1 course(s)" in result.output
    strict = run_lint(app, "--strict", str(tmp_path))
    assert strict.exit_code == 1
    assert "warning: 'registro médico'" in strict.output


def test_lint_refuses_a_broken_term_list_with_its_line(app, tmp_path):
    (tmp_path / "terms.es.yml").write_text("terms:\n  - en: record\n", encoding="utf-8")
    write_bilingual(tmp_path)
    result = run_lint(app, str(tmp_path))
    assert result.exit_code == 1
    assert f"{tmp_path / 'terms.es.yml'}:2: a term is missing the field 'es'" in result.output


@pytest.mark.parametrize(
    ("date_text", "ok"),
    [
        ("checked 2026-12", True),
        ("checked 2026-12-05", True),
        ("checked recently", False),
        ("cited recently", False),
    ],
)
def test_a_source_is_checked_on_a_day_or_in_a_month(tmp_path, date_text, ok):
    entry = f"- [MedlinePlus Genetics](https://medlineplus.gov/genetics/), NLM, {date_text}\n"
    lesson = LESSON_EN.replace(SOURCE_EN, entry)
    _folder, result = lint(tmp_path, {"m1/01-first.md": lesson})
    assert (result.problems == []) is ok
    assert result.warnings == []


def test_a_source_cited_but_never_checked_is_a_warning(tmp_path):
    entry = "- [MedlinePlus Genetics](https://medlineplus.gov/genetics/), NLM, cited 2026-11-23\n"
    lesson = LESSON_EN.replace(SOURCE_EN, entry)
    folder, result = lint(tmp_path, {"m1/01-first.md": lesson})
    assert result.problems == []
    assert_problem(
        result.warnings,
        folder / "m1/01-first.md",
        line_of(lesson, entry.strip()),
        "warning: this source was cited 2026-11-23 but nobody has checked it since",
    )
    spanish = LESSON_ES.replace("consultado el 2026-12-01", "citado el 2026-11-23")
    folder, result = lint(tmp_path / "es", {"es/m1/01-first.md": spanish})
    assert_problem(result.warnings, folder / "es/m1/01-first.md", None, "cited 2026-11-23")
    no_publisher = LESSON_EN.replace(
        SOURCE_EN, "- [Genetics](https://medlineplus.gov/), cited 2026-11-23\n"
    )
    folder, result = lint(tmp_path / "np", {"m1/01-first.md": no_publisher})
    assert_problem(result.problems, folder / "m1/01-first.md", None, "who published it")


def test_a_section_that_says_it_is_an_example_may_use_made_up_figures(tmp_path):
    section = (
        "# A worked example\n\nPeople in a study:\n\n- 2 in 100 got sick.\n- 1 in 100 got sick.\n"
    )
    lesson = LESSON_EN.replace("# Key points", section + "\n# Key points")
    _folder, result = lint(tmp_path, {"m1/01-first.md": lesson})
    assert result.problems == []
    undated = lesson.replace("# A worked example", "# What a study found")
    folder, result = lint(tmp_path / "again", {"m1/01-first.md": undated})
    assert_problem(
        result.problems, folder / "m1/01-first.md", line_of(undated, "- 2 in 100"), "2 in 100"
    )


def test_a_fact_question_about_an_undated_figure_is_a_problem(tmp_path):
    question = (
        "  - key: question-three\n"
        "    type: single\n"
        "    prompt: What share of participants come from groups left out of research?\n"
        "    choices:\n"
        "      - text: 75 percent\n"
        "        correct: true\n"
        "      - text: 10 percent, or about one in ten people\n"
    )
    quiz, quiz_es = QUIZ_EN + question, QUIZ_ES + question
    folder, result = lint(tmp_path, {"m1/quiz.yml": quiz, "es/m1/quiz.yml": quiz_es})
    assert_problem(
        result.problems,
        folder / "m1/quiz.yml",
        line_of(quiz, "- key: question-three"),
        "uses the figure '75 percent' without its date",
    )
    dated = question.replace("research?", "research, as the program said in April 2024?")
    _folder, result = lint(
        tmp_path / "dated", {"m1/quiz.yml": QUIZ_EN + dated, "es/m1/quiz.yml": QUIZ_ES + dated}
    )
    assert result.problems == []


def test_a_short_answer_exercise_may_use_a_figure(tmp_path):
    exercise = (
        "  - key: question-three\n"
        "    type: short_text\n"
        "    prompt: A risk of 1 in 100 is what percent?\n"
        '    accepted: ["1"]\n'
    )
    files = {"m1/quiz.yml": QUIZ_EN + exercise, "es/m1/quiz.yml": QUIZ_ES + exercise}
    _folder, result = lint(tmp_path, files)
    assert result.problems == []
