"""Importing patrons from a CSV file straight into a class.

The desk import does the reading, checking and account making (desk/services.py); this adds
what a class needs: only branches of the class's library system, and every new patron put in
the class in the same transaction as their account. Functions flush and never commit.
"""

from __future__ import annotations

from course_app.accounts.models import User
from course_app.classes.models import LearningClass
from course_app.classes.services import add_members, library_system_ids
from course_app.desk.csv_import import ParsedCsv, Problem
from course_app.desk.services import (
    CreatedPatron,
    ImportRow,
    check_import,
    import_patrons,
    visible_branches,
)
from course_app.extensions import db
from course_app.libraries.models import Organisation


def class_branches(actor: User, learning_class: LearningClass) -> list[Organisation]:
    """The branches the actor may see that are in the class's library system, by name."""
    system = set(db.session.scalars(library_system_ids(learning_class.organisation)))
    return [b for b in visible_branches(actor) if b.id in system]


def class_default_branch(
    learning_class: LearningClass, branches: list[Organisation]
) -> Organisation | None:
    """The class's own branch; when the class belongs to a whole system, its first branch."""
    own = [b for b in branches if b.id == learning_class.organisation_id]
    return own[0] if own else (branches[0] if branches else None)


def check_class_import(
    actor: User, learning_class: LearningClass, default: Organisation, parsed: ParsedCsv
) -> tuple[list[ImportRow], list[Problem]]:
    """The desk's checks, plus: a row's branch must be in the class's library system (a
    patron of another system could never be in the class). Rows come back only when all is
    well."""
    rows, _ = check_import(actor, default, parsed)
    allowed = {b.code for b in class_branches(actor, learning_class)}
    for row in parsed.rows:
        known = not any(p.column == "branch" for p in row.problems)
        if row.branch_code and known and row.branch_code not in allowed:
            row.problems.append(
                Problem(row.line, "branch", "branch-outside-class", {"code": row.branch_code})
            )
    problems = parsed.problems
    return ([] if problems else rows), problems


def import_into_class(
    actor: User,
    learning_class: LearningClass,
    organisation: Organisation,
    rows: list[ImportRow],
    *,
    batch: str,
) -> list[CreatedPatron]:
    """Makes every row's account and puts them all in the class; the caller commits once, so
    accounts and memberships are saved together or not at all. The import's audit event
    names the class.

    Raises ClassError when a patron cannot join the class (nothing must then be committed).
    """
    created = import_patrons(actor, organisation, rows, batch=batch, class_id=learning_class.id)
    add_members(actor, learning_class, [c.user.id for c in created])
    return created
