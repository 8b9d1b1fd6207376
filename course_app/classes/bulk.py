"""Acting on several patrons of a class at once: removing them, or setting them the same work.

Each patron's change is the one-patron service's, so each is audited the same way.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from course_app.accounts.models import User
from course_app.classes.models import Assignment, ClassMember, LearningClass
from course_app.classes.services import ClassError, create_assignment, remove_member
from course_app.content.models import Course, Module
from course_app.extensions import db


def chosen_members(learning_class: LearningClass, user_ids: list[int]) -> list[User]:
    """The chosen patrons who are in the class, by name; ids of anyone else are ignored."""
    if not user_ids:
        return []
    return list(
        db.session.scalars(
            select(User)
            .join(ClassMember, ClassMember.user_id == User.id)
            .where(ClassMember.class_id == learning_class.id, User.id.in_(set(user_ids)))
            .order_by(User.display_name, User.username_key)
        )
    )


def remove_members(actor: User, learning_class: LearningClass, patrons: list[User]) -> int:
    """Takes every chosen patron out of the class; returns how many."""
    if not patrons:
        raise ClassError(ClassError.NOBODY_CHOSEN)
    for patron in patrons:
        remove_member(actor, learning_class, patron)
    return len(patrons)


def assign_to_patrons(
    actor: User,
    learning_class: LearningClass,
    course: Course,
    module: Module | None,
    patrons: list[User],
    due_on: date | None,
    note: str | None,
    today: date,
) -> list[Assignment]:
    """The same work set for each chosen patron alone (one assignment each)."""
    if not patrons:
        raise ClassError(ClassError.NOBODY_CHOSEN)
    return [
        create_assignment(actor, learning_class, course, module, p, due_on, note, today)
        for p in patrons
    ]
