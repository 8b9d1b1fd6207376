"""A patron with a little of everything, at north-a, for the patron page tests."""

from __future__ import annotations

from datetime import date

from course_app.classes.services import create_assignment
from course_app.extensions import db
from tests.certificates.builders import certificate_for
from tests.classes.builders import (
    add_attempt,
    class_world,
    complete_lessons,
    get_class,
    get_course,
    user,
)
from tests.factories import make_course, make_user


def patron_world() -> dict:
    """class_world (librarian "lib" at north-a, patrons p1..p3 in "Tuesday Digital Skills",
    "southlib" in the other system) plus: p1 has done module 1's lessons of the class
    course, failed then passed quiz m1-quiz, and holds a certificate for "cert-course" in
    the name "Ana Smiht"; the class course is assigned to the class; "boss" is staff."""
    world = class_world()
    course = get_course(world)
    create_assignment(user("lib"), get_class(world), course, None, None, None, None, date.today())
    p1 = user("p1")
    complete_lessons(p1, course, "m1")
    add_attempt(p1, course, "m1-quiz", 40)
    add_attempt(p1, course, "m1-quiz", 100)
    done = make_course("cert-course", modules=1, lessons_per_module=1, with_quiz=False)
    cert = certificate_for("p1", done, name="Ana Smiht")
    make_user("boss", "staff")
    db.session.flush()
    return {**world, "p1": p1.id, "certificate_id": cert.id, "code": cert.code}
