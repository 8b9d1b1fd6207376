"""Plain-language and accessibility rules for course content, beyond what import needs.

The validator decides whether a course can be imported; the linter decides whether it is
good enough to publish: easy to read, structured, accessible, defined, and not out of date.
Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from markdown_it import MarkdownIt

from course_app.content.citations import figure_and_source_problems, undated_question_figure
from course_app.content.loader import Problem
from course_app.content.question_quality import longest_answer_problem, repeated_check_problems
from course_app.content.question_types.scenario import Scenario
from course_app.content.readability import is_harder, measure, median
from course_app.content.renderer import prose_text
from course_app.content.validator import CourseSpec, LessonSpec
from course_app.content.vocabulary import Vocabulary

MAX_LESSON_GRADE = 8.0  # Flesch-Kincaid, every English lesson
MAX_MEDIAN_GRADE = 7.0  # Flesch-Kincaid, median of a course's English lessons
MIN_LESSON_EASE = 70.0  # Fernandez-Huerta, every Spanish lesson
MAX_BLOCKS_WITHOUT_HEADING = 4
KEY_POINTS = {"en": "key points", "es": "puntos clave"}
SOURCES = {"en": "sources", "es": "fuentes"}
STOP_HEADINGS = frozenset(SOURCES.values())

_md = MarkdownIt("commonmark")
_VIDEO = re.compile(r"<video\b(.*?)</video>", re.IGNORECASE | re.DOTALL)
_CAPTIONS = re.compile(r"<track\b[^>]*kind=[\"']?(captions|subtitles)", re.IGNORECASE)


@dataclass
class LessonLint:
    file: str
    language: str
    key: str
    score: float | None


@dataclass
class CourseLint:
    slug: str
    lessons: list[LessonLint] = field(default_factory=list)
    medians: dict[str, float | None] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Worth fixing before publishing, but the course can still be read: printed, and a
    # failure only with `courses lint --strict`.
    warnings: list[Problem] = field(default_factory=list)


def lesson_prose(lesson: LessonSpec) -> str:
    """What the reading level is measured on: paragraphs and list items, not the sources."""
    return prose_text(lesson.body, STOP_HEADINGS)


def lesson_score(lesson: LessonSpec, language: str) -> float | None:
    return measure(lesson_prose(lesson), language)


def describe_score(score: float, language: str) -> str:
    if language == "es":
        return f"Fernandez-Huerta {score:g}"
    return f"grade {score:g}"


def _line(lesson: LessonSpec, offset: int) -> int:
    return lesson.body_line + offset


def _blocks(lesson: LessonSpec) -> list[tuple[str, int, str]]:
    """Top-level blocks: (kind, 0-based line in the body, text of a heading)."""
    tokens = _md.parse(lesson.body)
    blocks = []
    for index, token in enumerate(tokens):
        if token.level != 0 or not token.type.endswith("_open") and token.type != "fence":
            continue
        line = token.map[0] if token.map else 0
        if token.type == "heading_open":
            text = tokens[index + 1].content if index + 1 < len(tokens) else ""
            blocks.append(("heading", line, text.strip()))
        elif token.type == "fence":
            blocks.append(("check", line, ""))
        elif token.type == "paragraph_open" and _only_pictures(tokens[index + 1]):
            blocks.append(("picture", line, ""))  # nothing to read: not part of a run of text
        else:
            blocks.append(("block", line, ""))
    return blocks


def _only_pictures(inline) -> bool:
    """A paragraph that holds pictures and nothing else (a picture line in a lesson)."""
    parts = [c for c in inline.children or [] if c.type != "softbreak"]
    return (
        bool(parts)
        and all(c.type == "image" or (c.type == "text" and not c.content.strip()) for c in parts)
        and any(c.type == "image" for c in parts)
    )


def _structure(lesson: LessonSpec, language: str) -> list[Problem]:
    problems = []
    blocks = _blocks(lesson)
    run = 0
    for kind, line, _text in blocks:
        if kind == "heading":
            run = 0
        elif kind == "block":
            run += 1
            if run == MAX_BLOCKS_WITHOUT_HEADING + 1:
                problems.append(
                    Problem(
                        lesson.file,
                        _line(lesson, line),
                        f"more than {MAX_BLOCKS_WITHOUT_HEADING} paragraphs or lists without a "
                        "heading: add a heading (# ...) so readers can find their place",
                    )
                )
    headings = [(text.casefold(), line) for kind, line, text in blocks if kind == "heading"]
    names = [name for name, _ in headings]
    key_points, sources = KEY_POINTS[language], SOURCES[language]
    if key_points not in names:
        problems.append(
            Problem(
                lesson.file,
                lesson.body_line,
                f"the lesson needs a '# {key_points.capitalize()}' section near the end",
            )
        )
    if sources not in names:
        problems.append(
            Problem(
                lesson.file,
                lesson.body_line,
                f"the lesson needs a '# {sources.capitalize()}' section at the end that cites "
                "where the facts come from",
            )
        )
    elif key_points in names and names.index(key_points) > names.index(sources):
        line = headings[names.index(key_points)][1]
        problems.append(
            Problem(
                lesson.file,
                _line(lesson, line),
                f"'{key_points.capitalize()}' comes before '{sources.capitalize()}'",
            )
        )
    return problems


# How a lesson's main message starts, so every lesson opens the same way.
MAIN_MESSAGE_START = {"en": "In this lesson you will", "es": "En esta lección"}
MAIN_MESSAGE_WORDS = 40


def _main_message(lesson: LessonSpec, language: str) -> list[Problem]:
    """The main message (when written) is one plain sentence that starts the agreed way."""
    message = lesson.main_message
    if not message:
        return []
    line = lesson.lines.get("main_message", lesson.line)
    start = MAIN_MESSAGE_START.get(language, "")
    problems = []
    if start and not message.startswith(start):
        problems.append(Problem(lesson.file, line, f"the main message starts '{start} ...'"))
    if len(message.split()) > MAIN_MESSAGE_WORDS or message[-1] not in ".?!":
        problems.append(
            Problem(
                lesson.file,
                line,
                f"the main message is one sentence of at most {MAIN_MESSAGE_WORDS} words, "
                "ending with a period",
            )
        )
    return problems


def _media(lesson: LessonSpec) -> list[Problem]:
    # Pictures without alt text, and <img> tags, are the validator's (they stop an import).
    problems = []
    for match in _VIDEO.finditer(lesson.body):
        if not _CAPTIONS.search(match.group(0)):
            line = lesson.body[: match.start()].count("\n")
            problems.append(
                Problem(
                    lesson.file,
                    _line(lesson, line),
                    'a video needs captions: <track kind="captions" src="...">',
                )
            )
    return problems


def _term_used(term: str, text: str) -> bool:
    pattern = r"(?<!\w)" + re.escape(term.casefold()) + r"(?!\w)"
    return re.search(pattern, text.casefold()) is not None


def _glossary(course: CourseSpec) -> list[Problem]:
    problems = []
    defined = {t.term.casefold(): t for t in course.glossary}
    used: set[str] = set()
    for lesson in course.lessons:
        for term in lesson.glossary:
            folded = term.casefold()
            used.add(folded)
            line = lesson.glossary_line or lesson.line
            if folded not in defined:
                where = course.glossary_file or "a glossary file (glossary: glossary.yml)"
                problems.append(
                    Problem(lesson.file, line, f"the term '{term}' is not defined in {where}")
                )
            elif not _term_used(term, lesson.body):
                problems.append(
                    Problem(lesson.file, line, f"the term '{term}' is listed but not used here")
                )
    for folded, term in defined.items():
        if folded not in used:
            problems.append(
                Problem(
                    term.file,
                    term.line,
                    f"no lesson lists the term '{term.term}' (add it to a lesson's glossary)",
                )
            )
    if not course.glossary:
        problems.append(
            Problem(
                course.file,
                course.line,
                "the course needs a glossary of its medical and "
                "technical words (glossary: glossary.yml)",
            )
        )
    return problems


def _review(course: CourseSpec, today: date) -> list[Problem]:
    if course.reviewed is None or course.review_due is None:
        return [
            Problem(
                course.file,
                course.line,
                "add 'reviewed' (when the facts were last checked) and 'review_due' dates",
            )
        ]
    if course.review_due < today:
        return [
            Problem(
                course.file,
                course.line_of("review_due"),
                f"the facts were due for review on {course.review_due.isoformat()}: check them, "
                "then update 'reviewed' and 'review_due'",
            )
        ]
    return []


def _scenarios(course: CourseSpec) -> list[Problem]:
    questions = [c for le in course.lessons for c in le.checks]
    questions += [q for m in course.modules if m.quiz for q in m.quiz.questions]
    if any(q.type == Scenario.name for q in questions):
        return []
    return [
        Problem(
            course.file,
            course.line,
            "the course needs at least one scenario (type: scenario) where learners choose "
            "what to do",
        )
    ]


def _sources(lesson: LessonSpec, language: str, lint: CourseLint) -> list[Problem]:
    problems, warnings, has_entries = figure_and_source_problems(
        lesson.file, lesson.body, lesson.body_line, language
    )
    lint.warnings += warnings
    sources = SOURCES[language]
    has_heading = any(
        kind == "heading" and text.casefold() == sources for kind, _l, text in _blocks(lesson)
    )
    if has_heading and not has_entries:
        problems.append(
            Problem(
                lesson.file,
                lesson.body_line,
                f"the '{sources.capitalize()}' section lists no source",
            )
        )
    return problems


_STOP_LINE = re.compile(r"^#+\s*(?:" + "|".join(STOP_HEADINGS) + r")\s*$", re.IGNORECASE)


def _question_text(question) -> str:
    parts = [question.situation, question.prompt, question.explanation, *question.accepted]
    for entry in [*question.choices, *question.items]:
        parts += [entry.text, entry.feedback]
    return "\n".join(part for part in parts if part)


def _vocabulary(course: CourseSpec, vocabulary: Vocabulary) -> list[Problem]:
    """A warning for each term to avoid in lessons (before Sources), quizzes and glossary."""
    found = []

    def warn(file: str, line: int, avoided: str, term) -> None:
        found.append(
            Problem(
                file,
                max(line, 1),
                f"warning: '{avoided}' is a term to avoid; use '{term.preferred}' "
                f"({term.en}, {vocabulary.file}:{term.line})",
            )
        )

    for lesson in course.lessons:
        for offset, line in enumerate(lesson.body.split("\n")):
            if _STOP_LINE.match(line.strip()):
                break
            for _at, avoided, term in vocabulary.avoided_in(line):
                warn(lesson.file, lesson.body_line + offset, avoided, term)
    for module in course.modules:
        for question in module.quiz.questions if module.quiz else []:
            for _at, avoided, term in vocabulary.avoided_in(_question_text(question)):
                warn(question.file, question.line, avoided, term)
    for entry in course.glossary:
        for _at, avoided, term in vocabulary.avoided_in(f"{entry.term} {entry.definition}"):
            warn(entry.file, entry.line, avoided, term)
    return found


def _questions(course: CourseSpec) -> list[Problem]:
    checks = [c for lesson in course.lessons for c in lesson.checks]
    quizzes = [q for m in course.modules if m.quiz for q in m.quiz.questions]
    found = repeated_check_problems(checks, quizzes)
    longest = longest_answer_problem(checks + quizzes, course.file, course.line)
    return found + ([longest] if longest else [])


def _question_figures(course: CourseSpec) -> list[Problem]:
    """A fact question that asks about a figure must date it, as lessons do."""
    found = []
    questions = [c for lesson in course.lessons for c in lesson.checks]
    questions += [q for m in course.modules if m.quiz for q in m.quiz.questions]
    for question in questions:
        figure = undated_question_figure(question.type, _question_text(question))
        if figure:
            found.append(
                Problem(
                    question.file,
                    max(question.line, 1),
                    f"the question '{question.key}' uses the figure '{figure}' without its "
                    "date: say when it is from, or ask about what it means instead",
                )
            )
    return found


def _language(course: CourseSpec, lint: CourseLint, vocabularies: dict[str, Vocabulary]) -> None:
    """Every rule that applies to one language's tree."""
    language = course.language
    scores = []
    if language in vocabularies:
        lint.warnings += _vocabulary(course, vocabularies[language])
    lint.warnings += _questions(course)
    lint.problems += _question_figures(course)
    for lesson in course.lessons:
        lint.problems += _sources(lesson, language, lint)
        score = lesson_score(lesson, language)
        scores.append(score)
        lint.lessons.append(LessonLint(lesson.file, language, lesson.key, score))
        limit = MIN_LESSON_EASE if language == "es" else MAX_LESSON_GRADE
        if score is None:
            lint.problems.append(Problem(lesson.file, lesson.line, "the lesson has no text"))
        elif is_harder(score, language, limit):
            lint.problems.append(
                Problem(
                    lesson.file,
                    lesson.line,
                    f"reading level {describe_score(score, language)}; it must be "
                    f"{'at least' if language == 'es' else 'at most'} {limit:g}: use shorter "
                    "sentences and shorter words",
                )
            )
        lint.problems += _structure(lesson, language)
        lint.problems += _media(lesson)
        lint.problems += _main_message(lesson, language)
    lint.medians[language] = median(scores)
    course_median = lint.medians[language]
    if language == "en" and course_median is not None and course_median > MAX_MEDIAN_GRADE:
        lint.problems.append(
            Problem(
                course.file,
                course.line,
                f"the median reading level of the lessons is grade {course_median:g}; it must "
                f"be at most {MAX_MEDIAN_GRADE:g}",
            )
        )
    lint.problems += _glossary(course)
    lint.problems += _scenarios(course)


def lint_course(
    course: CourseSpec, today: date, vocabularies: dict[str, Vocabulary] | None = None
) -> CourseLint:
    """Every rule on a valid course and each of its translations, with each lesson's level.

    vocabularies: the shared term list per language (courses/terms.es.yml), when there is one.
    """
    lint = CourseLint(course.slug)
    _language(course, lint, vocabularies or {})
    for translated in course.translations.values():
        _language(translated, lint, vocabularies or {})
    lint.problems += _review(course, today)
    return lint
