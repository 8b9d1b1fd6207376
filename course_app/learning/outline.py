"""A course's active modules, lessons and quizzes in order, loaded in a fixed number of queries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import bindparam, select
from sqlalchemy.orm import defer

from course_app.content.models import Course, Lesson, Module, Quiz
from course_app.db import DriverRead
from course_app.extensions import db


@dataclass
class ModuleOutline:
    module: Module
    lessons: list[Lesson] = field(default_factory=list)
    quiz: Quiz | None = None


@dataclass
class Step:
    """One stop on the path through a course: a lesson or a quiz."""

    kind: str  # "lesson" or "quiz"
    key: str
    title: str
    module: Module


@dataclass
class Outline:
    course: Course
    modules: list[ModuleOutline]

    @property
    def steps(self) -> list[Step]:
        steps = []
        for m in self.modules:
            steps += [Step("lesson", le.key, le.title, m.module) for le in m.lessons]
            if m.quiz is not None:
                steps.append(Step("quiz", m.quiz.key, m.quiz.title, m.module))
        return steps

    def neighbours(self, kind: str, key: str) -> tuple[Step | None, Step | None]:
        steps = self.steps
        for n, step in enumerate(steps):
            if step.kind == kind and step.key == key:
                before = steps[n - 1] if n > 0 else None
                after = steps[n + 1] if n + 1 < len(steps) else None
                return before, after
        return None, None

    @property
    def lessons(self) -> list[Lesson]:
        return [le for m in self.modules for le in m.lessons]

    def first_lesson(self) -> Lesson | None:
        lessons = self.lessons
        return lessons[0] if lessons else None


def load_outline(course: Course) -> Outline:
    """Three queries, whatever the size of the course."""
    modules = db.session.scalars(
        select(Module)
        .where(Module.course_id == course.id, Module.is_active.is_(True))
        .order_by(Module.position)
    ).all()
    outlines = {m.id: ModuleOutline(m) for m in modules}
    for lesson in db.session.scalars(
        select(Lesson)
        .options(defer(Lesson.body_html))  # only the lesson on screen needs its text
        .where(Lesson.course_id == course.id, Lesson.is_active.is_(True))
        .order_by(Lesson.position)
    ):
        if lesson.module_id in outlines:
            outlines[lesson.module_id].lessons.append(lesson)
    for quiz in db.session.scalars(
        select(Quiz).where(Quiz.course_id == course.id, Quiz.is_active.is_(True))
    ):
        if quiz.module_id in outlines:
            outlines[quiz.module_id].quiz = quiz
    return Outline(course, list(outlines.values()))


# Built once: nearly every page starts with this lookup, and building the statement costs
# about as much as running it.
_ACTIVE_COURSE_BY_SLUG = select(Course).where(
    Course.slug == bindparam("slug"), Course.is_active.is_(True)
)


_ACTIVE_COURSE_VERSION_BY_SLUG = DriverRead(
    select(Course.__table__.c.id, Course.__table__.c.content_hash).where(
        Course.__table__.c.slug == bindparam("slug"), Course.__table__.c.is_active.is_(True)
    )
)


@dataclass(frozen=True)
class CourseVersion:
    id: int
    content_hash: str


def active_course_version_or_404(slug: str) -> CourseVersion:
    """The published course's id and content version: one plain row, no ORM object.

    Enough for pages whose content is cached per version (see lesson_cache); a re-import
    changes the hash, so such pages never outlive the content they were made from.
    """
    # On a pooled connection of its own, returned at once: a page that needs nothing else
    # from the database then never starts an ORM session transaction.
    row = _ACTIVE_COURSE_VERSION_BY_SLUG.first(db.engine, {"slug": slug})
    if row is None:
        abort(404)
    course_id, content_hash = row
    return CourseVersion(course_id, content_hash)


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
