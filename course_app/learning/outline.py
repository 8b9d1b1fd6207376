"""Finding the published course a page is about, and splitting a lesson body at its checks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import abort
from sqlalchemy import bindparam, select

from course_app.content.models import Course
from course_app.extensions import db

# Built once: nearly every page starts with this lookup, and building the statement costs
# about as much as running it.
_ACTIVE_COURSE_BY_SLUG = select(Course).where(
    Course.slug == bindparam("slug"), Course.is_active.is_(True)
)


_ACTIVE_COURSE_VERSION_BY_SLUG = select(
    Course.id, Course.slug, Course.content_hash, Course.language, Course.languages
).where(Course.slug == bindparam("slug"), Course.is_active.is_(True))


@dataclass(frozen=True)
class CourseVersion:
    """What pages cached per course version need: enough for the course's plan too."""

    id: int
    slug: str
    content_hash: str
    language: str
    languages: str

    @property
    def language_list(self) -> list[str]:
        return self.languages.split() or [self.language]


def active_course_version_or_404(slug: str) -> CourseVersion:
    """The published course's id and content version: one plain row, no ORM object.

    Enough for pages whose content is cached per version (see lesson_cache); a re-import
    changes the hash, so such pages never outlive the content they were made from.
    """
    row = db.session.execute(_ACTIVE_COURSE_VERSION_BY_SLUG, {"slug": slug}).first()
    if row is None:
        abort(404)
    return CourseVersion(*row)


def find_active_course(slug: str) -> Course | None:
    return db.session.scalar(_ACTIVE_COURSE_BY_SLUG, {"slug": slug})


def active_course_or_404(slug: str) -> Course:
    """The published course with this slug; a 404 page for anything else."""
    course = find_active_course(slug)
    if course is None:
        abort(404)
    return course


_CHECK_MARKER = re.compile(r"<!-- check:([a-z0-9-]+) -->")


def split_body(body_html: str) -> list[tuple[str, str]]:
    """The lesson body as ("html", text) and ("check", key) parts, in reading order."""
    parts: list[tuple[str, str]] = []
    pos = 0
    for match in _CHECK_MARKER.finditer(body_html):
        if match.start() > pos:
            parts.append(("html", body_html[pos : match.start()]))
        parts.append(("check", match.group(1)))
        pos = match.end()
    if pos < len(body_html):
        parts.append(("html", body_html[pos:]))
    return parts
