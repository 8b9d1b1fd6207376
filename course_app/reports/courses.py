"""The courses as the report pages name them: a few columns, never the course rows, whose
texts and translations the reports do not show."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from flask_babel import get_locale
from sqlalchemy import Select, select

from course_app.content.localize import localized
from course_app.content.models import Course
from course_app.extensions import db


class ReportCourse(NamedTuple):
    id: int
    slug: str
    title: str  # in the reader's language
    topic: str
    content_hash: str  # changes whenever an import changes the course's content


def report_courses() -> list[ReportCourse]:
    """Every course, by slug, in one query: the filter's choices and the course pages' lookup."""
    return [ReportCourse(*row) for row in db.session.execute(_courses(str(get_locale())))]


# Built once per language: every report page runs it.
@lru_cache(maxsize=8)
def _courses(language: str | None) -> Select:
    return select(
        Course.id, Course.slug, localized(Course.title, language), Course.topic, Course.content_hash
    ).order_by(Course.slug)
