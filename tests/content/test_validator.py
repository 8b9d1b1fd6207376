"""The validator: every rule names the right file and line, and all problems come at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from course_app.content.loader import load_course
from course_app.content.validator import check_course, validate_course
from tests.content import TINY_FILES, line_of, write_course

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "courses" / "sample-health-basics"

LESSON = TINY_FILES["m1/01-first.md"]
QUIZ_HEAD = "key: quiz-one\ntitle: Quiz one\nquestions:\n"


def problems_for(tmp_path, changes):
    return check_course(load_course(write_course(tmp_path, changes)))


def assert_problem(problems, file: str, line: int, text: str) -> None:
    """A problem in a file ending with `file`, on `line`, whose message contains `text`."""
    for problem in problems:
        if problem.file.endswith(file) and problem.line == line and text in problem.message:
            return
    listed = "\n".join(str(p) for p in problems) or "(no problems)"
    raise AssertionError(f"no problem {file}:{line} containing {text!r} in:\n{listed}")


def quiz_with(question_yaml: str) -> str:
    return QUIZ_HEAD + question_yaml


def lesson_with(body: str) -> str:
    return LESSON + body


def test_sample_course_validates_clean():
    spec, problems = validate_course(load_course(SAMPLE))
    assert problems == []
    assert spec is not None and spec.slug == "sample-health-basics"
    types = {q.type for m in spec.modules for q in m.quiz.questions}
    types |= {c.type for m in spec.modules for lesson in m.lessons for c in lesson.checks}
    assert types == {"single", "multiple", "true_false", "short_text", "ordering", "scenario"}
    assert all(q.explanation for m in spec.modules for q in m.quiz.questions)
    assert all(lesson.checks for m in spec.modules for lesson in m.lessons)


def test_tiny_course_is_valid(tmp_path):
    assert problems_for(tmp_path, {}) == []


def test_yaml_syntax_error(tmp_path):
    module = "key: module-one\ntitle: [Module one\nlessons:\n  - 01-first.md\n"
    problems = problems_for(tmp_path, {"m1/module.yml": module})
    assert_problem(problems, "m1/module.yml", 3, "YAML syntax error")


def test_missing_required_fields(tmp_path):
    course = TINY_FILES["course.yml"].replace("title: A tiny course\n", "")
    lesson = LESSON.replace("minutes: 3\n", "")
    problems = problems_for(tmp_path, {"course.yml": course, "m1/01-first.md": lesson})
    assert_problem(problems, "course.yml", 1, "missing the field 'title'")
    assert_problem(problems, "01-first.md", 2, "missing the field 'minutes'")


def test_wrong_types(tmp_path):
    course = TINY_FILES["course.yml"].replace("modules:\n  - m1\n", "modules: m1\n")
    problems = problems_for(tmp_path, {"course.yml": course})
    assert_problem(problems, "course.yml", 5, "'modules' must be a list")
    lesson = LESSON.replace("title: The first lesson", "title:\n  - a list")
    problems = problems_for(tmp_path, {"m1/01-first.md": lesson})
    assert_problem(problems, "01-first.md", 3, "'title' must be text, not list")


def test_number_where_text_is_expected_suggests_quotes(tmp_path):
    lesson = LESSON.replace("title: The first lesson", "title: 2024")
    problems = problems_for(tmp_path, {"m1/01-first.md": lesson})
    assert_problem(problems, "01-first.md", 3, "put it in quotes")


def test_unknown_field_suggests_the_right_name(tmp_path):
    lesson = LESSON.replace("title:", "titel:")
    problems = problems_for(tmp_path, {"m1/01-first.md": lesson})
    assert_problem(problems, "01-first.md", 3, "unknown field 'titel'")
    assert_problem(problems, "01-first.md", 3, "did you mean 'title'?")


def test_field_given_twice(tmp_path):
    module = TINY_FILES["m1/module.yml"] + "title: Again\n"
    problems = problems_for(tmp_path, {"m1/module.yml": module})
    assert_problem(problems, "m1/module.yml", 6, "'title' is given twice (first on line 2)")


def test_unknown_question_type(tmp_path):
    quiz = quiz_with("  - key: q1\n    type: multi\n    prompt: P?\n    choices: []\n")
    problems = problems_for(tmp_path, {"m1/quiz.yml": quiz})
    assert_problem(problems, "quiz.yml", 5, "unknown question type 'multi'")
    assert_problem(problems, "quiz.yml", 5, "did you mean 'multiple'?")


SINGLE = (
    "  - key: q1\n    type: single\n    prompt: Pick one\n    choices:\n"
    "      - text: A\n{a}      - text: B\n{b}"
)


@pytest.mark.parametrize(
    ("a", "b", "found"),
    [("", "", 0), ("        correct: true\n", "        correct: true\n", 2)],
)
def test_single_needs_exactly_one_correct(tmp_path, a, b, found):
    quiz = quiz_with(SINGLE.format(a=a, b=b))
    problems = problems_for(tmp_path, {"m1/quiz.yml": quiz})
    assert_problem(
        problems, "quiz.yml", 7, f"exactly one choice with 'correct: true' (found {found})"
    )


def test_multiple_needs_a_correct_choice(tmp_path):
    quiz = quiz_with(SINGLE.format(a="", b="").replace("type: single", "type: multiple"))
    problems = problems_for(tmp_path, {"m1/quiz.yml": quiz})
    assert_problem(problems, "quiz.yml", 7, "at least one choice with 'correct: true'")


def test_short_text_needs_accepted_answers(tmp_path):
    quiz = quiz_with(
        "  - key: q1\n    type: short_text\n    prompt: Word?\n    accepted: []\n"
        "  - key: q2\n    type: short_text\n    prompt: Word?\n"
        "  - key: q3\n    type: short_text\n    prompt: Number?\n    accepted:\n      - 911\n"
    )
    problems = problems_for(tmp_path, {"m1/quiz.yml": quiz})
    assert_problem(problems, "quiz.yml", 7, "'accepted' needs at least one entry")
    assert_problem(problems, "quiz.yml", 8, "missing the field 'accepted'")
    assert_problem(problems, "quiz.yml", 15, "must be text, not number (put it in quotes)")


def test_ordering_needs_two_items(tmp_path):
    quiz = quiz_with(
        "  - key: q1\n    type: ordering\n    prompt: Order\n    items:\n      - Only\n"
    )
    problems = problems_for(tmp_path, {"m1/quiz.yml": quiz})
    assert_problem(problems, "quiz.yml", 7, "'items' needs at least 2 entries")


def test_true_false_needs_a_yes_no_answer(tmp_path):
    quiz = quiz_with("  - key: q1\n    type: true_false\n    prompt: P\n    answer: maybe\n")
    problems = problems_for(tmp_path, {"m1/quiz.yml": quiz})
    assert_problem(problems, "quiz.yml", 7, "'answer' must be true or false")


def test_choice_ids_must_be_unique(tmp_path):
    quiz = quiz_with(
        "  - key: q1\n    type: single\n    prompt: P\n    choices:\n"
        "      - text: A\n        correct: true\n      - text: B\n        id: a\n"
    )
    problems = problems_for(tmp_path, {"m1/quiz.yml": quiz})
    assert_problem(problems, "quiz.yml", 10, "the id 'a' is used twice in this question")


def test_missing_module_folder_lesson_file_and_quiz_file(tmp_path):
    course = TINY_FILES["course.yml"] + "  - m2\n"
    module = (
        TINY_FILES["m1/module.yml"]
        .replace("  - 01-first.md\n", "  - 01-first.md\n  - 02-missing.md\n")
        .replace("quiz.yml", "test.yml")
    )
    problems = problems_for(tmp_path, {"course.yml": course, "m1/module.yml": module})
    assert_problem(problems, "course.yml", 7, "there is no folder 'm2'")
    assert_problem(problems, "m1/module.yml", 5, "there is no file '02-missing.md'")
    assert_problem(problems, "m1/module.yml", 6, "there is no file 'test.yml'")


def test_module_folder_without_module_yml(tmp_path):
    course = TINY_FILES["course.yml"] + "  - m2\n"
    (tmp_path / "tiny" / "m2").mkdir(parents=True)
    problems = problems_for(tmp_path, {"course.yml": course})
    assert_problem(problems, "course.yml", 7, "has no module.yml")


def test_a_listed_file_twice(tmp_path):
    module = TINY_FILES["m1/module.yml"].replace("  - 01-first.md\n", "  - 01-first.md\n" * 2)
    problems = problems_for(tmp_path, {"m1/module.yml": module})
    assert_problem(problems, "m1/module.yml", 5, "listed twice (first on line 4)")


def test_duplicate_keys_name_both_places(tmp_path):
    quiz = quiz_with(
        "  - key: first-lesson\n    type: true_false\n    prompt: P\n    answer: true\n"
    )
    problems = problems_for(tmp_path, {"m1/quiz.yml": quiz})
    lesson_file = str(tmp_path / "tiny" / "m1" / "01-first.md")
    assert_problem(problems, "quiz.yml", 4, "'first-lesson' is used twice")
    assert_problem(problems, "quiz.yml", 4, f"also at {lesson_file}:2")


def test_duplicate_keys_between_a_check_and_a_quiz_question(tmp_path):
    body = "\n```check\nkey: question-one\ntype: true_false\nprompt: P\nanswer: true\n```\n"
    problems = problems_for(tmp_path, {"m1/01-first.md": lesson_with(body)})
    text = lesson_with(body)
    assert_problem(problems, "quiz.yml", 4, f"01-first.md:{line_of(text, 'key: question-one')}")


def test_bad_key_syntax(tmp_path):
    lesson = LESSON.replace("key: first-lesson", "key: First_Lesson")
    course = TINY_FILES["course.yml"].replace("slug: tiny-course", "slug: tiny course")
    problems = problems_for(tmp_path, {"m1/01-first.md": lesson, "course.yml": course})
    assert_problem(problems, "01-first.md", 2, "only lowercase letters, digits and dashes")
    assert_problem(problems, "01-first.md", 2, "like 'first-lesson'")
    assert_problem(problems, "course.yml", 1, "'tiny course' can use only lowercase")


@pytest.mark.parametrize("mark", ["0", "101", "eighty", "true"])
def test_pass_mark_from_1_to_100(tmp_path, mark):
    quiz = TINY_FILES["m1/quiz.yml"].replace("questions:", f"pass_mark: {mark}\nquestions:")
    problems = problems_for(tmp_path, {"m1/quiz.yml": quiz})
    assert_problem(problems, "quiz.yml", 3, "'pass_mark' must be a whole number from 1 to 100")


@pytest.mark.parametrize(
    ("body", "needle", "text"),
    [
        ("<script>alert(1)</script>\n", "<script>", "<script> is not allowed"),
        ('<p onclick="steal()">Hi</p>\n', "onclick", "event handler 'onclick=' is not allowed"),
        ("A [link](javascript:alert(1)) here.\n", "javascript:", "link 'javascript:alert(1)'"),
        ('Hi <a href="JaVaScRiPt:x">y</a>\n', "JaVaScRiPt", "is not allowed"),
        ('<iframe src="https://x.org"></iframe>\n', "<iframe", "<iframe> is not allowed"),
        ("<style>p {color: red}</style>\n", "<style>", "<style> is not allowed"),
        ('<p style="color: red">Hi</p>\n', "style=", "style attributes are not allowed"),
        ("<div>Hi</div>\n", "<div>", "HTML tag <div> is not allowed"),
        ("![x](data:image/png;base64,AAAA)\n", "data:", "image address"),
    ],
)
def test_unsafe_html_in_a_lesson_is_reported_at_its_line(tmp_path, body, needle, text):
    content = lesson_with("\nSome text.\n\n" + body)
    problems = problems_for(tmp_path, {"m1/01-first.md": content})
    assert_problem(problems, "01-first.md", line_of(content, needle), text)


def test_unsafe_html_in_quiz_text_is_reported_at_its_line(tmp_path):
    quiz = quiz_with(
        "  - key: q1\n    type: single\n    prompt: |\n      Pick one.\n      <script>x</script>\n"
        "    choices:\n      - text: '[A](javascript:go())'\n        correct: true\n"
        "      - text: B\n        feedback: <img src=x onerror=alert(1)>\n"
    )
    problems = problems_for(tmp_path, {"m1/quiz.yml": quiz})
    assert_problem(problems, "quiz.yml", 8, "<script> is not allowed")
    assert_problem(problems, "quiz.yml", 10, "link 'javascript:go()'")
    assert_problem(problems, "quiz.yml", 13, "event handler 'onerror='")


def test_allowed_html_is_not_a_problem(tmp_path):
    body = (
        '\n<abbr title="National Library of Medicine">NLM</abbr> and [a](/help) '
        "[m](mailto:a@b.org)\n"
    )
    assert problems_for(tmp_path, {"m1/01-first.md": lesson_with(body)}) == []


def test_overlong_title(tmp_path):
    module = TINY_FILES["m1/module.yml"].replace("Module one", "x" * 201)
    problems = problems_for(tmp_path, {"m1/module.yml": module})
    assert_problem(problems, "m1/module.yml", 2, "too long: 201 characters, at most 200")


def test_language_must_be_en_or_es(tmp_path):
    course = TINY_FILES["course.yml"].replace("language: en", "language: fr")
    problems = problems_for(tmp_path, {"course.yml": course})
    assert_problem(problems, "course.yml", 4, "'language' must be one of en, es")


@pytest.mark.parametrize("minutes", ["0", "-5", "'5'", "2.5", "yes"])
def test_minutes_must_be_a_positive_whole_number(tmp_path, minutes):
    lesson = LESSON.replace("minutes: 3", f"minutes: {minutes}")
    problems = problems_for(tmp_path, {"m1/01-first.md": lesson})
    assert_problem(problems, "01-first.md", 4, "'minutes' must be a whole number of at least 1")


def test_file_not_utf8(tmp_path):
    lesson = LESSON.encode() + b"\nCaf\xe9 au lait\n"
    problems = problems_for(tmp_path, {"m1/01-first.md": lesson})
    assert_problem(problems, "01-first.md", 9, "not saved as UTF-8")


def test_problems_inside_a_check_block_have_lesson_file_lines(tmp_path):
    body = (
        "\nIntro.\n\n```check\nkey: check-one\ntype: single\nprompt: Pick\n"
        "choices:\n  - text: A\n  - text: B\ncolour: red\n```\n"
    )
    content = lesson_with(body)
    problems = problems_for(tmp_path, {"m1/01-first.md": content})
    assert_problem(problems, "01-first.md", line_of(content, "choices:"), "exactly one choice")
    assert_problem(problems, "01-first.md", line_of(content, "colour:"), "unknown field 'colour'")


def test_yaml_error_inside_a_check_block_has_its_lesson_line(tmp_path):
    content = lesson_with("\n```check\nkey: c1\ntype: [single\nprompt: x\n```\n")
    problems = problems_for(tmp_path, {"m1/01-first.md": content})
    assert_problem(problems, "01-first.md", line_of(content, "prompt: x"), "YAML syntax error")


def test_check_block_inside_a_list(tmp_path):
    content = lesson_with(
        "\n- item\n\n  ```check\n  key: c1\n  type: true_false\n"
        "  prompt: P\n  answer: true\n  ```\n"
    )
    problems = problems_for(tmp_path, {"m1/01-first.md": content})
    assert_problem(problems, "01-first.md", line_of(content, "```check"), "left edge")


def test_empty_lesson_body(tmp_path):
    problems = problems_for(
        tmp_path, {"m1/01-first.md": "---\nkey: a\ntitle: A\nminutes: 1\n---\n"}
    )
    assert_problem(problems, "01-first.md", 6, "no text after the front matter")


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    course = TINY_FILES["course.yml"].replace("language: en", "language: de")
    lesson = LESSON.replace("minutes: 3", "minutes: 0").replace("title:", "titel:")
    quiz = TINY_FILES["m1/quiz.yml"].replace("true_false", "truefalse")
    problems = problems_for(
        tmp_path, {"course.yml": course, "m1/01-first.md": lesson, "m1/quiz.yml": quiz}
    )
    assert len(problems) >= 5
    assert_problem(problems, "course.yml", 4, "language")
    assert_problem(problems, "01-first.md", 3, "titel")
    assert_problem(problems, "01-first.md", 2, "missing the field 'title'")
    assert_problem(problems, "01-first.md", 4, "minutes")
    assert_problem(problems, "quiz.yml", 5, "unknown question type 'truefalse'")
    assert [p.file for p in problems][0].endswith("course.yml")


def test_valid_course_gives_a_spec_with_generated_choice_ids(tmp_path):
    quiz = quiz_with(
        "  - key: q1\n    type: ordering\n    prompt: Order\n    items:\n      - First\n"
        "      - text: Second\n        id: second\n      - Third\n"
    )
    spec, problems = validate_course(load_course(write_course(tmp_path, {"m1/quiz.yml": quiz})))
    assert problems == []
    [question] = spec.modules[0].quiz.questions
    assert [(i.id, i.text) for i in question.items] == [
        ("a", "First"),
        ("second", "Second"),
        ("c", "Third"),
    ]
    assert spec.modules[0].quiz.pass_mark == 80
    assert spec.modules[0].lessons[0].required is True
