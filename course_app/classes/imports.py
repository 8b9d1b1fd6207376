"""Importing patrons from a CSV file straight into a class, through the desk's import.

The desk's flow (desk/patron_import.py) does the reading, checking and account making; a
class's place narrows it: only branches of the class's library system, and every new patron
put in the class in the same transaction as their account. Functions flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from course_app.accounts.models import User
from course_app.classes.models import LearningClass
from course_app.classes.services import ClassError, add_members, library_system_ids
from course_app.desk.import_errors import PatronImportError
from course_app.desk.patron_import import ImportPlace
from course_app.desk.services import visible_branches
from course_app.extensions import db


@dataclass(frozen=True)
class ClassImportPlace(ImportPlace):
    """A class's place: rows name branches of its library system; everyone joins the class."""

    learning_class: LearningClass

    @property
    def class_id(self) -> int | None:
        return self.learning_class.id

    def welcome(self, actor: User, patrons: list[User]) -> None:
        """Puts every new patron in the class; one who cannot join undoes the whole import."""
        try:
            add_members(actor, self.learning_class, [p.id for p in patrons])
        except ClassError as error:
            raise PatronImportError(PatronImportError.CHANGED_SINCE_PREVIEW) from error


def class_import_place(actor: User, learning_class: LearningClass) -> ClassImportPlace:
    """The branches the actor may see in the class's library system, by name; the class's
    own branch first chosen (when the class belongs to a whole system, its first branch)."""
    system = set(db.session.scalars(library_system_ids(learning_class.organisation)))
    branches = [b for b in visible_branches(actor) if b.id in system]
    own = [b for b in branches if b.id == learning_class.organisation_id]
    default = own[0] if own else (branches[0] if branches else None)
    return ClassImportPlace(branches=branches, default=default, learning_class=learning_class)
