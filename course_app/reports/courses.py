"""The courses as the report pages name them: a few columns, never the course rows, whose
texts and translations the reports do not show."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select

from course_app.content.localize import localized
from course_app.content.models import Course
from course_app.extensions import db


class ReportCourse(NamedTuple):
    id: int
    slug: str
    title: str  # in the reader's language
    topic: str


def report_courses() -> list[ReportCourse]:
    """Every course, by slug, in one query: the filter's choices and the course pages' lookup."""
    rows = db.session.execute(
        select(Course.id, Course.slug, localized(Course.title), Course.topic).order_by(Course.slug)
    )
    return [ReportCourse(*row) for row in rows]
