"""A library with a class, patrons and a course, built through the real services."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select

from course_app.accounts.models import User
from course_app.classes.models import LearningClass
from course_app.classes.services import add_members, create_class
from course_app.content.models import Course, Lesson, Quiz
from course_app.extensions import db
from course_app.learning.services import record_quiz_result
from course_app.libraries.models import Organisation
from course_app.libraries.services import set_user_library
from course_app.quizzes.models import QuizAttempt
from tests.factories import complete_lesson, make_course, make_library_tree, make_user


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def place(u: User, organisation_id: int) -> User:
    set_user_library(None, u, db.session.get(Organisation, organisation_id))
    return u


def class_world(patrons: int = 3, course_slug: str = "assigned") -> dict:
    """Librarian "lib" at north-a with class "Tuesday Digital Skills" holding patrons p1..pN
    (north-a), plus "southlib" and patron "southpat" in the other library system, a patron
    "northb" at north-b not in the class, and a course with two modules of two lessons and
    a quiz each. Returns ids."""
    libraries = make_library_tree()
    lib = place(make_user("lib", "librarian"), libraries["north-a"])
    place(make_user("southlib", "librarian"), libraries["south-a"])
    place(make_user("southpat", display_name="South Patron"), libraries["south-a"])
    place(make_user("northb", display_name="North B Patron"), libraries["north-b"])
    members = [
        place(make_user(f"p{n}", display_name=f"Patron {n:02d}"), libraries["north-a"])
        for n in range(1, patrons + 1)
    ]
    course = make_course(course_slug, modules=2, lessons_per_module=2)
    north_a = db.session.get(Organisation, libraries["north-a"])
    learning_class = create_class(lib, north_a, "Tuesday Digital Skills", "Tuesdays 10 am")
    if members:
        add_members(lib, learning_class, [m.id for m in members])
    db.session.flush()
    return {
        **libraries,
        "class_id": learning_class.id,
        "course_id": course.id,
        "lib_id": lib.id,
        "patron_ids": [m.id for m in members],
    }


def get_class(world: dict) -> LearningClass:
    return db.session.get(LearningClass, world["class_id"])


def get_course(world: dict) -> Course:
    return db.session.get(Course, world["course_id"])


def complete_lessons(u: User, course: Course, module_key: str | None = None) -> None:
    """Marks every lesson (of one module, if given) done for the user."""
    lessons = db.session.scalars(
        select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
    ).all()
    for lesson in lessons:
        if module_key is None or lesson.key.startswith(module_key + "-"):
            complete_lesson(u.learner, lesson)


def add_attempt(u: User, course: Course, quiz_key: str, score: int, at: datetime | None = None):
    """A quiz attempt row as the quiz service would leave it."""
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.key == quiz_key))
    attempt = QuizAttempt(
        learner_id=u.learner.id,
        quiz_id=quiz.id,
        course_id=course.id,
        submission_token=secrets.token_hex(8),
        correct_count=score // 20,
        question_count=5,
        score=score,
        passed=score >= quiz.pass_mark,
    )
    if at is not None:
        attempt.submitted_at = at
    db.session.add(attempt)
    db.session.flush()
    record_quiz_result(u.learner, course, quiz.id, attempt.passed)
    return attempt
