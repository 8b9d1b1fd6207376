"""The choices the class forms offer, and turning a chosen value back into rows."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from course_app.accounts.models import User
from course_app.classes.models import LearningClass
from course_app.classes.services import find_member
from course_app.classes.table import class_members
from course_app.content.localize import title_for_page
from course_app.content.models import Course, Module
from course_app.extensions import db
from course_app.libraries.access import visible_organisation_ids
from course_app.libraries.services import organisation_tree


def library_choices(user: User) -> list[tuple[int, str]]:
    """The libraries the user may see, as an indented tree."""
    return [
        (row.organisation.id, "— " * row.depth + row.organisation.name)
        for row in organisation_tree(visible_organisation_ids(user))
    ]


def what_choices() -> list[tuple[str, str]]:
    """Every active course, each followed by its active modules."""
    courses = db.session.scalars(
        select(Course)
        .options(selectinload(Course.modules))
        .where(Course.is_active.is_(True))
        .order_by(Course.title)
    ).all()
    choices = []
    for course in courses:
        title = title_for_page(course)
        choices.append((f"course-{course.id}", _("%(title)s (whole course)", title=title)))
        choices += [
            (f"module-{module.id}", f"— {title_for_page(module)}")
            for module in course.modules
            if module.is_active
        ]
    return choices


def who_choices(learning_class: LearningClass) -> list[tuple[int, str]]:
    everyone = [(0, _("Everyone in the class"))]
    return everyone + [
        (m.user.id, f"{m.user.display_name} ({m.user.username})")
        for m in class_members(learning_class)
    ]


def assignment_target(
    learning_class: LearningClass, what: str, who: int
) -> tuple[Course, Module | None, User | None]:
    """The course, module and patron a validated form names (the choices were checked)."""
    kind, _sep, raw_id = what.partition("-")
    if kind == "module":
        module = db.session.get(Module, int(raw_id))
        if module is None:
            abort(400)
        course = module.course
    else:
        module = None
        course = db.session.get(Course, int(raw_id))
        if course is None:
            abort(400)
    patron = find_member(learning_class, who) if who else None
    return course, module, patron
