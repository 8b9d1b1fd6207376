"""Checks on what the loader read, building a clean course spec when nothing is wrong.

Pure: no Flask, no database. Every problem is reported with its file and line, not just
the first, so an author can fix a whole course in one pass.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from course_app.content.checker import Checker
from course_app.content.credits import Credit, date_problems, read_credits
from course_app.content.loader import (
    CourseSource,
    LessonPicture,
    LessonSource,
    ModuleSource,
    Problem,
    YamlFile,
    YamlMap,
    locate_course_file,
)
from course_app.content.pictures import PictureError, prepare_picture
from course_app.content.question_types import QUESTION_TYPES, QuestionSpec, question_type
from course_app.content.renderer import find_unsafe, is_local_picture
from course_app.content.structure import structure_problems

LANGUAGES = ("en", "es")
DEFAULT_PASS_MARK = 80

COURSE_FIELDS = (
    ("slug", "title", "topic", "language", "modules"),
    (
        "summary",
        "minutes",
        "glossary",
        "reviewed",
        "review_due",
        "translations",
        "authors",
        "reviewers",
    ),
)
# What a translation's course.yml may not say: these belong to the course as a whole.
SHARED_COURSE_FIELDS = ("reviewed", "review_due", "translations", "minutes")
MODULE_ENTRY_FIELDS = (("folder",), ())
MODULE_FIELDS = (("key", "title", "lessons"), ("quiz",))
LESSON_FIELDS = (
    ("key", "title", "minutes"),
    ("required", "glossary", "main_message", "audio", "video", "captions"),
)
MAX_MAIN_MESSAGE = 300
GLOSSARY_FIELDS = (("terms",), ())
TERM_FIELDS = (("term", "definition"), ())
QUIZ_FIELDS = (("key", "title", "questions"), ("pass_mark", "intro"))
QUESTION_FIELDS = (("key", "type", "prompt"), ("explanation",))


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
    main_message: str = ""  # "In this lesson you will ...", shown first
    pictures: list[LessonPicture] = field(default_factory=list)
    media: dict[str, Any] = field(default_factory=dict)  # audio, video, captions: see loader


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
    authors: list[Credit] = field(default_factory=list)
    reviewers: list[Credit] = field(default_factory=list)  # health professionals only
    # A translation may give the credits in its own words (same people, same dates).
    credits_given: bool = False

    def line_of(self, name: str) -> int:
        return self.lines.get(name, self.line)

    @property
    def languages(self) -> list[str]:
        return [self.language, *self.translations]

    @property
    def lessons(self) -> list[LessonSpec]:
        return [lesson for module in self.modules for lesson in module.lessons]


def _question(check: Checker, raw: Any, line: int, what: str) -> QuestionSpec:
    kind = raw.get("type") if isinstance(raw, YamlMap) else None
    question_type = QUESTION_TYPES.get(kind) if isinstance(kind, str) else None
    if question_type is not None:
        spec = (
            QUESTION_FIELDS[0] + question_type.required_fields,
            QUESTION_FIELDS[1] + question_type.optional_fields,
        )
    else:
        # Type-specific fields are not "unknown" while the type itself is in doubt.
        every_field = {
            f for t in QUESTION_TYPES.values() for f in t.required_fields + t.optional_fields
        }
        spec = (QUESTION_FIELDS[0], QUESTION_FIELDS[1] + tuple(every_field))
    data = check.fields(raw, line, what, spec)
    question = QuestionSpec(
        key=check.key(data),
        type=str(kind or ""),
        prompt=check.markdown(data, "prompt"),
        explanation=check.markdown(data, "explanation"),
        file=check.file,
        line=line,
    )
    if question_type is not None:
        question_type.check(check, data, question)
    elif "type" in data:
        close = difflib.get_close_matches(str(kind), QUESTION_TYPES, n=1)
        hint = f" — did you mean '{close[0]}'?" if close else ""
        check.add(
            data.line_of("type"),
            f"unknown question type '{kind}'{hint} (types: {', '.join(QUESTION_TYPES)})",
        )
    return question


def _pictures(check: Checker, pictures: list[LessonPicture]) -> None:
    for used in pictures:
        if not is_local_picture(used.src):
            check.add(
                used.line,
                f"the picture '{used.src}' must be a file in the course folder, like "
                "../pictures/name.svg (a picture from another website would tell it who reads "
                "the lesson)",
            )
        elif not used.alt.strip():
            check.add(
                used.line,
                f"the picture '{used.src}' needs a description (alt text) in the [brackets]; "
                "if it only decorates, write ![decorative](...)",
            )


def _recordings(check: Checker, data: YamlMap) -> None:
    for name in ("audio", "video", "captions"):
        check.text(data, name, max_length=300)
    if "video" in data and "captions" not in data:
        check.add(
            data.line_of("video"),
            "a video needs captions in the lesson's language: add 'captions:' with a WebVTT "
            "(.vtt) file",
        )
    if "captions" in data and "video" not in data:
        check.add(data.line_of("captions"), "'captions' belong to a video: add 'video:' too")


def _quiz(quiz: YamlFile, keys: dict, problems: list[Problem]) -> QuizSpec | None:
    if not quiz.readable:
        return None
    check = Checker(quiz.file, keys, problems)
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
        line=data.line_of("key"),
    )


def _lesson(lesson: LessonSource, keys: dict, problems: list[Problem]) -> LessonSpec | None:
    if not lesson.readable:
        return None
    check = Checker(lesson.file, keys, problems)
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
        main_message=check.text(data, "main_message", max_length=MAX_MAIN_MESSAGE),
        pictures=lesson.pictures,
        media=lesson.media,
    )
    _pictures(check, lesson.pictures)
    _recordings(check, data)
    if "glossary" in data:
        spec.glossary_line = data.line_of("glossary")
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
    check = Checker(module.meta.file, keys, problems)
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
        check.add(data.line_of("quiz"), "'quiz' must be a file name ending in .yml")
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
    check = Checker(source.file, {}, problems)
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


def _course_fields(check: Checker, source: CourseSource, translation: bool) -> YamlMap:
    if not source.meta.readable:
        return YamlMap()
    data = check.fields(source.meta.data, 1, "course.yml", COURSE_FIELDS)
    if translation:
        for name in SHARED_COURSE_FIELDS:
            if name in data:
                check.add(
                    data.line_of(name),
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
    check = Checker(source.meta.file, keys, problems)
    data = _course_fields(check, source, translation)
    language = check.text(data, "language", max_length=8)
    if language and language not in LANGUAGES:
        check.add(data.line_of("language"), f"'language' must be one of {', '.join(LANGUAGES)}")
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
        check.add(data.line_of("glossary"), "'glossary' must be a file name ending in .yml")
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
        line=data.line_of("slug"),
        reviewed=check.date(data, "reviewed"),
        review_due=check.date(data, "review_due"),
        lines=dict(data.key_lines),
        authors=read_credits(check, data, "authors"),
        reviewers=read_credits(check, data, "reviewers"),
        credits_given="authors" in data or "reviewers" in data,
    )
    date_problems(check, data, spec.authors, data.get("reviewed"))
    if spec.reviewed and spec.review_due and spec.review_due <= spec.reviewed:
        check.add(data.line_of("review_due"), "'review_due' must come after 'reviewed'")
    if source.glossary is not None:
        spec.glossary = _glossary(source.glossary, problems)
        spec.glossary_file = source.glossary.file
    for module in source.modules:
        module_spec = _module(module, keys, problems)
        if module_spec is not None:
            spec.modules.append(module_spec)
    _question_pictures(source, spec, problems, translation)
    _translations(check, data, source, spec, problems)
    order: dict[str, int] = {}
    for problem in problems:
        order.setdefault(problem.file, len(order))
    problems.sort(key=lambda p: (order[p.file], p.line))
    return (None if problems else spec), problems


def all_questions(spec: CourseSpec) -> list[QuestionSpec]:
    """Every knowledge check and quiz question of one language of a course."""
    questions = [c for lesson in spec.lessons for c in lesson.checks]
    return questions + [q for m in spec.modules if m.quiz for q in m.quiz.questions]


def _question_pictures(
    source: CourseSource, spec: CourseSpec, problems: list[Problem], translation: bool
) -> None:
    """The picture a question names in its `picture:` field, read and prepared."""
    root = (source.folder.parent if translation else source.folder).resolve()
    for question in all_questions(spec):
        src = question.values.get("picture_src")
        if not src:
            continue
        line = question.values.get("picture_line", question.line)
        path, message = locate_course_file(root, Path(question.file).parent, src, "picture")
        if message is None:
            try:
                picture = prepare_picture(path)
            except PictureError as error:
                message = f"the picture '{src}' cannot be used: {error}"
        if message is not None:
            problems.append(Problem(question.file, line, message))
            continue
        question.values["picture"] = picture
        question_type(question.type).check_picture(
            Checker(question.file, {}, problems), question, picture
        )


def _translations(
    check: Checker, data: YamlMap, source: CourseSource, spec: CourseSpec, problems: list
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
        problems += _captions_problems(spec, translated_spec)
        spec.translations[code] = translated_spec


def _captions_problems(spec: CourseSpec, translated: CourseSpec) -> list[Problem]:
    """A translated lesson's video needs captions in its own language, not the main ones."""
    main = {lesson.key: lesson.media.get("captions") for lesson in spec.lessons}
    problems = []
    for lesson in translated.lessons:
        captions, theirs = lesson.media.get("captions"), main.get(lesson.key)
        if captions is not None and theirs is not None and captions.file.name == theirs.file.name:
            problems.append(
                Problem(
                    lesson.file,
                    lesson.lines.get("captions", lesson.line),
                    f"these are the {spec.language} captions: the video needs captions in "
                    f"{translated.language} for this lesson",
                )
            )
    return problems


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
