"""Checks on what the loader read, building a clean course spec when nothing is wrong.

Pure: no Flask, no database. Every problem is reported with its file and line, not just
the first, so an author can fix a whole course in one pass.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from course_app.content.loader import (
    CourseSource,
    LessonSource,
    ModuleSource,
    Problem,
    YamlFile,
    YamlList,
    YamlMap,
    YamlStr,
)
from course_app.content.renderer import find_unsafe
from course_app.content.structure import structure_problems

LANGUAGES = ("en", "es")
MAX_TITLE = 200
MAX_KEY = 80
DEFAULT_PASS_MARK = 80
_KEY = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")

COURSE_FIELDS = (
    ("slug", "title", "topic", "language", "modules"),
    ("summary", "minutes", "glossary", "reviewed", "review_due", "translations"),
)
# What a translation's course.yml may not say: these belong to the course as a whole.
SHARED_COURSE_FIELDS = ("reviewed", "review_due", "translations", "minutes")
MODULE_ENTRY_FIELDS = (("folder",), ())
MODULE_FIELDS = (("key", "title", "lessons"), ("quiz",))
LESSON_FIELDS = (("key", "title", "minutes"), ("required", "glossary"))
GLOSSARY_FIELDS = (("terms",), ())
TERM_FIELDS = (("term", "definition"), ())
QUIZ_FIELDS = (("key", "title", "questions"), ("pass_mark", "intro"))
QUESTION_FIELDS = (("key", "type", "prompt"), ("explanation",))
CHOICE_FIELDS = (("text",), ("id", "correct", "feedback"))
ITEM_FIELDS = (("text",), ("id",))


@dataclass
class Choice:
    id: str
    text: str
    correct: bool = False
    feedback: str = ""


@dataclass
class QuestionSpec:
    key: str
    type: str
    prompt: str
    explanation: str = ""
    situation: str = ""  # scenario: the story the learner decides about
    file: str = ""
    line: int = 0
    choices: list[Choice] = field(default_factory=list)  # single, multiple, true_false
    accepted: list[str] = field(default_factory=list)  # short_text
    items: list[Choice] = field(default_factory=list)  # ordering, in the correct order


@dataclass
class LessonSpec:
    key: str
    title: str
    minutes: int
    required: bool
    body: str
    checks: list[QuestionSpec]
    glossary: list[str] = field(default_factory=list)  # terms the lesson uses
    file: str = ""
    line: int = 0
    lines: dict[str, int] = field(default_factory=dict)  # each front-matter field's line
    body_line: int = 1
    glossary_line: int = 0


@dataclass
class QuizSpec:
    key: str
    title: str
    pass_mark: int
    intro: str
    questions: list[QuestionSpec]
    file: str
    line: int


@dataclass
class ModuleSpec:
    key: str
    title: str
    lessons: list[LessonSpec]
    quiz: QuizSpec | None
    file: str = ""


@dataclass
class GlossaryTerm:
    term: str
    definition: str
    file: str
    line: int


@dataclass
class CourseSpec:
    slug: str
    title: str
    topic: str
    language: str
    summary: str
    minutes: int | None
    modules: list[ModuleSpec]
    content_hash: str
    file: str
    line: int
    glossary: list[GlossaryTerm] = field(default_factory=list)
    glossary_file: str = ""
    reviewed: date | None = None
    review_due: date | None = None
    translations: dict[str, CourseSpec] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # each course.yml field's line

    def line_of(self, name: str) -> int:
        return self.lines.get(name, self.line)

    @property
    def languages(self) -> list[str]:
        return [self.language, *self.translations]

    @property
    def lessons(self) -> list[LessonSpec]:
        return [lesson for module in self.modules for lesson in module.lessons]


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "yes/no value"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, date):
        return "date"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "group of fields"
    return "text"


def _line(data: YamlMap, name: Any) -> int:
    """The line of a field's name; problems about a whole field point there."""
    return data.line_of(name)


class _Checker:
    """Problems for one file, and the keys already used anywhere in the course."""

    def __init__(self, file: str, keys: dict[str, tuple[str, int]], problems: list[Problem]):
        self.file = file
        self.keys = keys
        self.problems = problems

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, max(line, 1), message))

    def fields(self, data: Any, line: int, what: str, spec: tuple[tuple, tuple]) -> YamlMap:
        """data as a mapping, after reporting repeated, unknown and missing fields."""
        required, optional = spec
        if not isinstance(data, YamlMap):
            self.add(line, f"{what} must be a set of 'name: value' lines, not {_describe(data)}")
            return YamlMap(line)
        for name, first, again in data.duplicates:
            self.add(again, f"the field '{name}' is given twice (first on line {first})")
        known = required + optional
        for name in data:
            if name not in known:
                message = f"unknown field '{name}' in {what}"
                close = difflib.get_close_matches(str(name), known, n=1)
                hint = (
                    f" — did you mean '{close[0]}'?" if close else f" (allowed: {', '.join(known)})"
                )
                self.add(data.line_of(name), message + hint)
        for name in required:
            if name not in data:
                self.add(data.line, f"{what} is missing the field '{name}'")
        return data

    def text(self, data: YamlMap, name: str, max_length: int = MAX_TITLE) -> str:
        value = data.get(name)
        if name not in data:
            return ""
        if not isinstance(value, str):
            self.add(
                _line(data, name),
                f"'{name}' must be text, not {_describe(value)}"
                + (" (put it in quotes)" if isinstance(value, int | float | date) else ""),
            )
            return ""
        if not value.strip():
            self.add(_line(data, name), f"'{name}' is empty")
        elif len(value) > max_length:
            self.add(
                _line(data, name),
                f"'{name}' is too long: {len(value)} characters, at most {max_length}",
            )
        return value.strip()

    def markdown(self, data: YamlMap, name: str, *, inline: bool = False) -> str:
        value = self.text(data, name, max_length=100_000)
        source = data.get(name)
        if isinstance(source, YamlStr):
            # The unstripped text, so offsets count from the line the text starts on.
            for offset, message in find_unsafe(source, inline=inline):
                self.add(source.line_at(offset), message)
        return value

    def key(self, data: YamlMap, name: str = "key", *, unique: bool = True) -> str:
        value = self.text(data, name, max_length=MAX_KEY)
        line = _line(data, name)
        if not value:
            return ""
        if not _KEY.fullmatch(value):
            suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "my-key"
            self.add(
                line,
                f"'{value}' can use only lowercase letters, digits and dashes "
                f"(like '{suggestion}')",
            )
        elif unique and value in self.keys:
            where, first = self.keys[value]
            self.add(
                line, f"the key '{value}' is used twice in this course (also at {where}:{first})"
            )
        elif unique:
            self.keys[value] = (self.file, line)
        return value

    def integer(self, data: YamlMap, name: str, low: int, high: int, default: int) -> int:
        value = data.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            limits = f"from {low} to {high}" if high < 10**6 else f"of at least {low}"
            self.add(_line(data, name), f"'{name}' must be a whole number {limits}")
            return default
        return value

    def boolean(self, data: YamlMap, name: str, default: bool) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.add(_line(data, name), f"'{name}' must be true or false")
            return default
        return value

    def date(self, data: YamlMap, name: str) -> date | None:
        value = data.get(name)
        if name not in data:
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            self.add(_line(data, name), f"'{name}' must be a date written like 2026-11-30")
            return None
        return value

    def listing(self, data: YamlMap, name: str, minimum: int = 1) -> YamlList:
        value = data.get(name)
        if name not in data:
            return YamlList()
        if not isinstance(value, YamlList):
            self.add(_line(data, name), f"'{name}' must be a list (lines starting with '- ')")
            return YamlList()
        if len(value) < minimum:
            needed = "at least one entry" if minimum == 1 else f"at least {minimum} entries"
            self.add(_line(data, name), f"'{name}' needs {needed}")
        return value


def _choice_id(index: int) -> str:
    return chr(ord("a") + index) if index < 26 else f"x{index + 1}"


def _entries(check: _Checker, listing: YamlList, what: str, spec: tuple) -> list[Choice]:
    """Choices or ordering items; plain text is allowed when text is the only needed field."""
    entries = []
    seen: set[str] = set()
    for index, raw in enumerate(listing):
        line = listing.line_of(index)
        if isinstance(raw, str) and spec is ITEM_FIELDS:
            raw = _as_map(line, {"text": raw})
        data = check.fields(raw, line, what, spec)
        entry = Choice(
            id=check.key(data, "id", unique=False) if "id" in data else _choice_id(index),
            text=check.markdown(data, "text", inline=True),
            correct=check.boolean(data, "correct", False) if "correct" in spec[1] else False,
            feedback=check.markdown(data, "feedback", inline=True),
        )
        if entry.id in seen:
            check.add(line, f"the id '{entry.id}' is used twice in this question")
        seen.add(entry.id)
        entries.append(entry)
    return entries


def _as_map(line: int, values: dict) -> YamlMap:
    data = YamlMap(line)
    data.update(values)
    return data


def _one_right_choice(check: _Checker, data: YamlMap, question: QuestionSpec, needs: str):
    choices = check.listing(data, "choices", minimum=2)
    question.choices = _entries(check, choices, "a choice", CHOICE_FIELDS)
    correct = sum(c.correct for c in question.choices)
    if choices and correct != 1:
        check.add(_line(data, "choices"), f"{needs} with 'correct: true' (found {correct})")
    return choices


def _single(check: _Checker, data: YamlMap, question: QuestionSpec) -> None:
    _one_right_choice(check, data, question, "a 'single' question needs exactly one choice")


def _multiple(check: _Checker, data: YamlMap, question: QuestionSpec) -> None:
    choices = check.listing(data, "choices", minimum=2)
    question.choices = _entries(check, choices, "a choice", CHOICE_FIELDS)
    if choices and not any(c.correct for c in question.choices):
        check.add(
            _line(data, "choices"),
            "a 'multiple' question needs at least one choice with 'correct: true'",
        )


def _true_false(check: _Checker, data: YamlMap, question: QuestionSpec) -> None:
    answer = check.boolean(data, "answer", True)
    question.choices = [
        Choice("true", "", answer is True, check.markdown(data, "feedback_true", inline=True)),
        Choice("false", "", answer is False, check.markdown(data, "feedback_false", inline=True)),
    ]


def _short_text(check: _Checker, data: YamlMap, question: QuestionSpec) -> None:
    accepted = check.listing(data, "accepted")
    for index, answer in enumerate(accepted):
        if not isinstance(answer, str) or not answer.strip():
            hint = " (put it in quotes)" if isinstance(answer, int | float) else ""
            check.add(
                accepted.line_of(index),
                f"an accepted answer must be text, not {_describe(answer)}{hint}",
            )
        else:
            question.accepted.append(str(answer).strip())


def _ordering(check: _Checker, data: YamlMap, question: QuestionSpec) -> None:
    items = check.listing(data, "items", minimum=2)
    question.items = _entries(check, items, "an item", ITEM_FIELDS)


def _scenario(check: _Checker, data: YamlMap, question: QuestionSpec) -> None:
    """A situation and what the learner could do: one best choice, feedback on every one."""
    question.situation = check.markdown(data, "situation")
    choices = _one_right_choice(check, data, question, "a 'scenario' needs exactly one best choice")
    for index, choice in enumerate(question.choices):
        if not choice.feedback:
            check.add(
                choices.line_of(index),
                "in a 'scenario' every choice needs 'feedback' that says what happens next",
            )


# The question types: the fields each needs and may have, and its check.
QuestionCheck = Callable[[_Checker, YamlMap, QuestionSpec], None]
QUESTION_TYPES: dict[str, tuple[tuple[str, ...], tuple[str, ...], QuestionCheck]] = {
    "single": (("choices",), (), _single),
    "multiple": (("choices",), (), _multiple),
    "true_false": (("answer",), ("feedback_true", "feedback_false"), _true_false),
    "short_text": (("accepted",), (), _short_text),
    "ordering": (("items",), (), _ordering),
    "scenario": (("situation", "choices"), (), _scenario),
}


def _question(check: _Checker, raw: Any, line: int, what: str) -> QuestionSpec:
    kind = raw.get("type") if isinstance(raw, YamlMap) else None
    known_type = QUESTION_TYPES.get(kind) if isinstance(kind, str) else None
    required, optional, type_check = known_type or ((), (), None)
    spec = (QUESTION_FIELDS[0] + required, QUESTION_FIELDS[1] + optional)
    if type_check is None:
        # Type-specific fields are not "unknown" while the type itself is in doubt.
        spec = (
            QUESTION_FIELDS[0],
            QUESTION_FIELDS[1] + tuple({f for r, o, _ in QUESTION_TYPES.values() for f in r + o}),
        )
    data = check.fields(raw, line, what, spec)
    question = QuestionSpec(
        key=check.key(data),
        type=str(kind or ""),
        prompt=check.markdown(data, "prompt"),
        explanation=check.markdown(data, "explanation"),
        file=check.file,
        line=line,
    )
    if type_check is not None:
        type_check(check, data, question)
    elif "type" in data:
        close = difflib.get_close_matches(str(kind), QUESTION_TYPES, n=1)
        hint = f" — did you mean '{close[0]}'?" if close else ""
        check.add(
            _line(data, "type"),
            f"unknown question type '{kind}'{hint} (types: {', '.join(QUESTION_TYPES)})",
        )
    return question


def _quiz(quiz: YamlFile, keys: dict, problems: list[Problem]) -> QuizSpec | None:
    if not quiz.readable:
        return None
    check = _Checker(quiz.file, keys, problems)
    data = check.fields(quiz.data, 1, "a quiz file", QUIZ_FIELDS)
    questions = check.listing(data, "questions")
    return QuizSpec(
        key=check.key(data),
        title=check.text(data, "title"),
        pass_mark=check.integer(data, "pass_mark", 1, 100, DEFAULT_PASS_MARK),
        intro=check.markdown(data, "intro"),
        questions=[
            _question(check, raw, questions.line_of(i), "a question")
            for i, raw in enumerate(questions)
        ],
        file=quiz.file,
        line=_line(data, "key"),
    )


def _lesson(lesson: LessonSource, keys: dict, problems: list[Problem]) -> LessonSpec | None:
    if not lesson.readable:
        return None
    check = _Checker(lesson.file, keys, problems)
    data = check.fields(lesson.front, lesson.front_line, "the front matter", LESSON_FIELDS)
    spec = LessonSpec(
        key=check.key(data),
        title=check.text(data, "title"),
        minutes=check.integer(data, "minutes", 1, 10**6, 5),
        required=check.boolean(data, "required", True),
        body=lesson.body,
        checks=[],
        file=lesson.file,
        line=lesson.front_line,
        body_line=lesson.body_line,
        lines=dict(data.key_lines),
    )
    if "glossary" in data:
        spec.glossary_line = _line(data, "glossary")
        terms = check.listing(data, "glossary")
        for index, term in enumerate(terms):
            if isinstance(term, str) and term.strip():
                spec.glossary.append(term.strip())
            else:
                check.add(terms.line_of(index), "each glossary entry is a term, as text")
    if not lesson.body.strip():
        check.add(lesson.body_line, "the lesson has no text after the front matter")
    for offset, message in find_unsafe(lesson.body):
        check.add(lesson.body_line + offset, message)
    for block in lesson.checks:
        if block.nested:
            check.add(
                block.line,
                "a ```check block must start at the left edge, not inside a list or a quote",
            )
        if block.readable:
            spec.checks.append(_question(check, block.data, block.line, "a check block"))
    return spec


def _module(module: ModuleSource, keys: dict, problems: list[Problem]) -> ModuleSpec | None:
    if not module.meta.readable:
        return None
    check = _Checker(module.meta.file, keys, problems)
    data = check.fields(module.meta.data, 1, "module.yml", MODULE_FIELDS)
    spec = ModuleSpec(
        key=check.key(data),
        title=check.text(data, "title"),
        lessons=[],
        quiz=None,
        file=module.meta.file,
    )
    lessons = check.listing(data, "lessons")
    for index, name in enumerate(lessons):
        if not isinstance(name, str) or not name.endswith(".md"):
            check.add(lessons.line_of(index), "each lesson is a file name ending in .md")
    if "quiz" in data and not (isinstance(data["quiz"], str) and data["quiz"].endswith(".yml")):
        check.add(_line(data, "quiz"), "'quiz' must be a file name ending in .yml")
    for lesson in module.lessons:
        lesson_spec = _lesson(lesson, keys, problems)
        if lesson_spec is not None:
            spec.lessons.append(lesson_spec)
    if module.quiz is not None:
        spec.quiz = _quiz(module.quiz, keys, problems)
    return spec


def _glossary(source: YamlFile, problems: list[Problem]) -> list[GlossaryTerm]:
    if not source.readable:
        return []
    check = _Checker(source.file, {}, problems)
    data = check.fields(source.data, 1, "a glossary file", GLOSSARY_FIELDS)
    terms = check.listing(data, "terms")
    glossary: list[GlossaryTerm] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(terms):
        line = terms.line_of(index)
        entry = check.fields(raw, line, "a glossary term", TERM_FIELDS)
        term = check.text(entry, "term")
        definition = check.markdown(entry, "definition", inline=True)
        if not term:
            continue
        folded = term.casefold()
        if folded in seen:
            check.add(line, f"the term '{term}' is defined twice (first on line {seen[folded]})")
            continue
        seen[folded] = line
        glossary.append(GlossaryTerm(term, definition, source.file, line))
    return glossary


def _course_fields(check: _Checker, source: CourseSource, translation: bool) -> YamlMap:
    if not source.meta.readable:
        return YamlMap()
    data = check.fields(source.meta.data, 1, "course.yml", COURSE_FIELDS)
    if translation:
        for name in SHARED_COURSE_FIELDS:
            if name in data:
                check.add(
                    _line(data, name),
                    f"'{name}' belongs in the main course.yml only (it is the same in every "
                    "language)",
                )
    return data


def validate_course(
    source: CourseSource, *, translation: bool = False
) -> tuple[CourseSpec | None, list[Problem]]:
    """The course as clean values, or None with every problem found in its files."""
    problems = list(source.problems)
    keys: dict[str, tuple[str, int]] = {}
    check = _Checker(source.meta.file, keys, problems)
    data = _course_fields(check, source, translation)
    language = check.text(data, "language", max_length=8)
    if language and language not in LANGUAGES:
        check.add(_line(data, "language"), f"'language' must be one of {', '.join(LANGUAGES)}")
    modules = check.listing(data, "modules")
    for index, entry in enumerate(modules):
        if isinstance(entry, YamlMap):
            check.text(
                check.fields(entry, modules.line_of(index), "a module entry", MODULE_ENTRY_FIELDS),
                "folder",
            )
        elif not isinstance(entry, str):
            check.add(modules.line_of(index), "each module is the name of a folder")
    if "glossary" in data and not (
        isinstance(data["glossary"], str) and data["glossary"].endswith(".yml")
    ):
        check.add(_line(data, "glossary"), "'glossary' must be a file name ending in .yml")
    spec = CourseSpec(
        slug=check.key(data, "slug", unique=False),
        title=check.text(data, "title"),
        topic=check.key(data, "topic", unique=False),
        language=language,
        summary=check.markdown(data, "summary"),
        minutes=check.integer(data, "minutes", 1, 10**6, 0) if "minutes" in data else None,
        modules=[],
        content_hash=source.content_hash,
        file=source.meta.file,
        line=_line(data, "slug"),
        reviewed=check.date(data, "reviewed"),
        review_due=check.date(data, "review_due"),
        lines=dict(data.key_lines),
    )
    if spec.reviewed and spec.review_due and spec.review_due <= spec.reviewed:
        check.add(_line(data, "review_due"), "'review_due' must come after 'reviewed'")
    if source.glossary is not None:
        spec.glossary = _glossary(source.glossary, problems)
        spec.glossary_file = source.glossary.file
    for module in source.modules:
        module_spec = _module(module, keys, problems)
        if module_spec is not None:
            spec.modules.append(module_spec)
    _translations(check, data, source, spec, problems)
    order: dict[str, int] = {}
    for problem in problems:
        order.setdefault(problem.file, len(order))
    problems.sort(key=lambda p: (order[p.file], p.line))
    return (None if problems else spec), problems


def _translations(
    check: _Checker, data: YamlMap, source: CourseSource, spec: CourseSpec, problems: list
) -> None:
    """Each translation validated on its own, then held to the main course's structure."""
    listed = check.listing(data, "translations")
    for index, code in enumerate(listed):
        if not isinstance(code, str) or code not in LANGUAGES or code == spec.language:
            check.add(
                listed.line_of(index),
                f"each translation is a language code other than the course's own "
                f"({', '.join(LANGUAGES)})",
            )
    for code, translated in source.translations.items():
        translated_spec, found = validate_course(translated, translation=True)
        problems += found
        if translated_spec is None:
            continue
        problems += structure_problems(spec, translated_spec, code)
        spec.translations[code] = translated_spec


def check_course(source: CourseSource) -> list[Problem]:
    """Every problem in one course's files."""
    return validate_course(source)[1]


def duplicate_slugs(specs: list[CourseSpec]) -> list[Problem]:
    """Two course folders under one PATH must not share a slug."""
    seen: dict[str, CourseSpec] = {}
    problems = []
    for spec in specs:
        if spec.slug in seen:
            first = seen[spec.slug]
            problems.append(
                Problem(
                    spec.file,
                    spec.line,
                    f"the slug '{spec.slug}' is also used by {first.file}:{first.line}",
                )
            )
        seen.setdefault(spec.slug, spec)
    return problems
