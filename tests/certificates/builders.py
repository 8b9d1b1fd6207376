"""Builders for certificate tests: a tiny course made straight from the models, and completion.

They run inside an app context and flush; the test commits when it needs the rows in a request.
"""

from __future__ import annotations

from sqlalchemy import select

from course_app.accounts.models import Learner, User
from course_app.certificates.models import Certificate
from course_app.certificates.services import issue_certificate
from course_app.content.models import Course, Lesson
from course_app.extensions import db
from tests.factories import complete_lesson, make_course


def build_course(
    slug: str = "first-steps-online",
    title: str = "First steps online",
    lesson_count: int = 2,
    language: str = "en",
) -> Course:
    """An active course with one module of required lessons and no quiz."""
    return make_course(
        slug,
        modules=1,
        lessons_per_module=lesson_count,
        with_quiz=False,
        language=language,
        title=title,
    )


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
