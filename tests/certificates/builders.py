"""Builders for certificate tests: a tiny course made straight from the models, and completion.

They run inside an app context and flush; the test commits when it needs the rows in a request.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from course_app.accounts.models import Learner, User
from course_app.certificates.models import Certificate
from course_app.certificates.services import issue_certificate
from course_app.content.models import Course, Lesson, Module
from course_app.extensions import db
from tests.factories import complete_lesson


def build_course(
    slug: str = "first-steps-online",
    title: str = "First steps online",
    lesson_count: int = 2,
    language: str = "en",
) -> Course:
    """An active course with one module of required lessons and no quiz."""
    course = Course(
        slug=slug, language=language, title=title, topic="digital", content_hash=uuid.uuid4().hex
    )
    db.session.add(course)
    db.session.flush()
    module = Module(course_id=course.id, key="m1", position=1, title="Getting started")
    db.session.add(module)
    db.session.flush()
    for position in range(1, lesson_count + 1):
        db.session.add(
            Lesson(
                course_id=course.id,
                module_id=module.id,
                key=f"lesson-{position}",
                position=position,
                title=f"Lesson {position}",
                required=True,
                body_html="<p>Hello.</p>",
            )
        )
    db.session.flush()
    return course


def course_by_slug(slug: str = "first-steps-online") -> Course:
    return db.session.scalar(select(Course).where(Course.slug == slug))


def learner_of(username: str) -> Learner:
    user = db.session.scalar(select(User).where(User.username == username))
    assert user is not None and user.learner is not None
    return user.learner


def complete_course(learner: Learner, course: Course) -> None:
    """Marks every lesson of the course done through the one progress service."""
    lessons = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)).all()
    for lesson in lessons:
        complete_lesson(learner, lesson)


def certificate_for(
    username: str, course: Course, name: str = "Zoë O'Brien-Núñez", language: str = "en"
) -> Certificate:
    """The user's certificate for the course, completing the course first."""
    learner = learner_of(username)
    complete_course(learner, course)
    return issue_certificate(learner, course, name, language)
