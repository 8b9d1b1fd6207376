"""Properties: the validator survives any input; rendered HTML is always safe."""

from __future__ import annotations

import tempfile
from html.parser import HTMLParser
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course_app.content.loader import load_course
from course_app.content.question_types import QUESTION_TYPES
from course_app.content.readability import flesch_kincaid_grade
from course_app.content.renderer import (
    ALLOWED_TAGS,
    find_unsafe,
    render_inline,
    render_lesson,
    render_markdown,
)
from course_app.content.validator import (
    COURSE_FIELDS,
    LESSON_FIELDS,
    MODULE_FIELDS,
    QUESTION_FIELDS,
    QUIZ_FIELDS,
    validate_course,
)
from tests.content import TINY_FILES, write_course

FIELD_NAMES = sorted(
    {
        name
        for spec in (COURSE_FIELDS, MODULE_FIELDS, LESSON_FIELDS, QUIZ_FIELDS, QUESTION_FIELDS)
        for part in spec
        for name in part
    }
    | {f for t in QUESTION_TYPES.values() for f in t.required_fields + t.optional_fields}
    | {"text", "correct", "feedback", "id", "folder"}
)
DANGER = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//x.org/a.js>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x61;script:alert(1)">x</a>',
    '<a href=" java\tscript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "<javascript:alert(1)>",
    '<iframe src="https://x.org"></iframe>',
    "<style>body{}</style>",
    '<p style="x" onmouseover=alert(1)>p</p>',
    "<svg onload=alert(1)>",
    "![i](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="vbscript:x">v</a>',
    "<!-- check:forged -->",
    "```check\nkey: a\n```",
    "# Title",
    "- item",
    "**bold** _em_",
    "\n\n",
    "<",
    ">",
    '"',
]
markdownish = st.lists(st.sampled_from(DANGER) | st.text(max_size=20), max_size=12).map("".join)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-5, 300)
    | st.text(max_size=30)
    | st.sampled_from(DANGER)
)
keys = st.sampled_from(FIELD_NAMES) | st.text(max_size=8)
yamlish = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=6),
    max_leaves=25,
)
file_text = (
    yamlish.map(lambda v: yaml.safe_dump(v, allow_unicode=True))
    | st.text(max_size=200)
    | st.binary(max_size=60)
)


def lesson_from(front: str, body: str) -> str:
    return f"---\n{front}---\n{body}"


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_safe(html: str) -> None:
    collect = _Collect()
    collect.feed(html)
    collect.close()
    for tag, attrs in collect.tags:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            assert not name.startswith("on") and name != "style", name
            if name in ("href", "src"):
                cleaned = "".join(ch for ch in (value or "") if ch > " ").lower()
                assert not cleaned.startswith(("javascript:", "vbscript:", "data:")), value
    assert "<script" not in html.lower()


def check_problems(problems) -> None:
    for problem in problems:
        assert isinstance(problem.file, str) and problem.file
        assert isinstance(problem.line, int) and problem.line >= 1, problem
        assert problem.message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    target=st.sampled_from(["course.yml", "m1/module.yml", "m1/quiz.yml", "m1/01-first.md"]),
    content=file_text,
)
def test_validator_survives_any_file_content(target, content):
    with tempfile.TemporaryDirectory() as root:
        folder = write_course(Path(root), {target: content})
        spec, problems = validate_course(load_course(folder))
    check_problems(problems)
    assert (spec is None) == bool(problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front=yamlish, check=yamlish, body=markdownish)
def test_validator_survives_any_lesson(front, check, body):
    front_text = yaml.safe_dump(front, allow_unicode=True)
    check_text = yaml.safe_dump(check, allow_unicode=True)
    lesson = lesson_from(front_text, f"{body}\n\n```check\n{check_text}```\n")
    with tempfile.TemporaryDirectory() as root:
        folder = write_course(Path(root), {"m1/01-first.md": lesson})
        _, problems = validate_course(load_course(folder))
    check_problems(problems)


@settings(max_examples=100, deadline=None)
@given(questions=st.lists(yamlish, max_size=4))
def test_validator_survives_any_questions(questions):
    quiz = yaml.safe_dump({"key": "q", "title": "Q", "questions": questions}, allow_unicode=True)
    with tempfile.TemporaryDirectory() as root:
        folder = write_course(Path(root), {"m1/quiz.yml": quiz})
        _, problems = validate_course(load_course(folder))
    check_problems(problems)


@settings(max_examples=300, deadline=None)
@given(text=markdownish)
def test_rendered_html_never_carries_scripts_handlers_or_bad_links(text):
    assert_safe(render_markdown(text))
    assert_safe(render_inline(text))
    html = render_lesson(text, ["a-check"])
    assert_safe(html.replace("<!-- check:a-check -->", ""))
    assert "<!-- check:forged" not in html  # escaped text is fine; a live marker is not


@settings(max_examples=300, deadline=None)
@given(text=markdownish)
def test_unsafe_finder_never_crashes_and_gives_lines_inside_the_text(text):
    lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    for line, message in find_unsafe(text) + find_unsafe(text, inline=True):
        assert 0 <= line < lines and message


@settings(deadline=None)  # the first call loads the pronouncing dictionary
@given(text=st.text())
def test_reading_grade_is_none_or_not_negative(text):
    grade = flesch_kincaid_grade(text)
    assert grade is None or grade >= 0


def test_tiny_course_strategy_baseline_is_valid():
    with tempfile.TemporaryDirectory() as root:
        assert validate_course(load_course(write_course(Path(root))))[1] == []
    assert TINY_FILES
