"""Content read in one language, always by an explicit call.

Rows keep the course's main language in their columns; `translations` maps another language to
the same fields ({"es": {"title": ..., "body_html": ...}}). Nothing rewrites a column as a row
loads: a page asks for the language it shows, with `text(row, field, language)`, a view object
(`course_text`, `lesson_text`), or in SQL with `localized(column, language)` when it needs a
few texts and not the rows (whose `translations` may hold whole lesson bodies).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Flask
from flask_babel import get_locale
from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import InstrumentedAttribute

from course_app.content.models import Course, Lesson, Translated


def reading_language(course: Any, language: str | None) -> str:
    """The language a course is read in: the reader's, when the course is written in it; else
    the course's main language."""
    return language if language in course.language_list else course.language


def text(row: Translated, field: str, language: str | None) -> Any:
    """A translated row's `field` as read in `language`: its translation where the row has
    one, else its own value."""
    translated = (row.translations or {}).get(language or "", {})
    return translated[field] if field in translated else getattr(row, field)


def title_for_page(row: Translated) -> str:
    """A course, module or lesson title in this page's language, where its course is written
    in it (for templates that list rows of many courses: `title_for_page(cert.course)`)."""
    course = row if isinstance(row, Course) else row.course
    return text(row, "title", language_for_page(course))


def language_for_page(course: Course) -> str:
    """The language a course's texts are shown in on this page (for `lang` attributes)."""
    return reading_language(course, str(get_locale()))


def init_localize(app: Flask) -> None:
    app.jinja_env.globals["title_for_page"] = title_for_page
    app.jinja_env.globals["language_for_page"] = language_for_page


def localized(column: InstrumentedAttribute[str], language: str | None) -> ColumnElement[str]:
    """A translated text column as read in `language`, computed in SQL: its translation where
    the row has one, else its own value. The language is an argument so that a statement can
    be built once per language."""
    if not language:
        return column
    translation = column.class_.translations[(language, column.key)].as_string()
    return func.coalesce(translation, column).label(column.key)


@dataclass(frozen=True)
class CourseText:
    """A course as its pages show it in one language. `language` is that language (the page's
    `lang`); `main_language` the one the course was written in first."""

    id: int
    slug: str
    content_hash: str
    language: str
    main_language: str
    languages: str
    topic: str
    minutes: int
    title: str
    summary_html: str
    glossary: list[dict[str, str]]
    reading_grade: float | None
    reading_ease: float | None
    reviewed_on: date | None
    review_due: date | None
    # From course.yml's authors and reviewers (health professionals): [{name, role, date}].
    authors: tuple[dict[str, str], ...] = field(default=())
    reviewers: tuple[dict[str, str], ...] = field(default=())
    credits_language: str = ""  # the translation's, when it gives the credits in its words

    @property
    def language_list(self) -> list[str]:
        return self.languages.split() or [self.main_language]


def _credits(course: Course, name: str, language: str) -> tuple[dict[str, Any], ...]:
    """Authors or reviewers in `language` where the translation gives them, with their dates
    as dates, for the page to format."""
    entries = (text(course, "credits", language) or {}).get(name, ())
    return tuple({**entry, "date": date.fromisoformat(entry["date"])} for entry in entries)


def course_text(course: Course, language: str | None) -> CourseText:
    """The course in the reader's language where it is written in it, else its main one."""
    read_in = reading_language(course, language)
    return CourseText(
        id=course.id,
        slug=course.slug,
        content_hash=course.content_hash,
        language=read_in,
        main_language=course.language,
        languages=course.languages,
        topic=course.topic,
        minutes=course.minutes,
        title=text(course, "title", read_in),
        summary_html=text(course, "summary_html", read_in),
        glossary=text(course, "glossary", read_in),
        reading_grade=text(course, "reading_grade", read_in),
        reading_ease=text(course, "reading_ease", read_in),
        reviewed_on=course.reviewed_on,
        review_due=course.review_due,
        authors=_credits(course, "authors", read_in),
        reviewers=_credits(course, "reviewers", read_in),
        credits_language=(
            read_in
            if "credits" in (course.translations or {}).get(read_in, {})
            else course.language
        ),
    )


@dataclass(frozen=True)
class LessonText:
    id: int
    key: str
    title: str
    body_html: str
    glossary: list[dict[str, str]]
    minutes: int
    main_message: str = ""
    media: dict[str, Any] | None = None


def lesson_text(lesson: Lesson, language: str) -> LessonText:
    """The lesson in `language` (one its course is written in: see reading_language)."""
    return LessonText(
        lesson.id,
        lesson.key,
        text(lesson, "title", language),
        text(lesson, "body_html", language),
        text(lesson, "glossary", language),
        lesson.minutes,
        text(lesson, "main_message", language),
        text(lesson, "media", language),
    )
