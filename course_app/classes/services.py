"""Creating classes, adding patrons, joining by code, and making or removing assignments.

Every change a librarian makes is audited. Functions flush and never commit.
"""

from __future__ import annotations

import secrets
import unicodedata
from datetime import date, timedelta

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import joinedload

from course_app.accounts.models import Role, User
from course_app.audit.services import record_event
from course_app.classes.models import Assignment, ClassMember, LearningClass
from course_app.content.models import Course, Module
from course_app.db import utc_now
from course_app.domain_errors import DomainError
from course_app.extensions import db
from course_app.libraries.access import subtree_ids, visible_organisation_ids
from course_app.libraries.models import Organisation, OrganisationKind

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G: easy to read aloud and to type from a handout.
JOIN_CODE_ALPHABET = "ACDEFHJKMNPQRTUVWXY34679"
# 24**10 is about 2**46: with the join page's limits nobody guesses a class's code.
JOIN_CODE_LENGTH = 10
NAME_MAX_LENGTH = 120
SCHEDULE_MAX_LENGTH = 200
NOTE_MAX_LENGTH = 500
CLASS_NOTES_MAX_LENGTH = 1000
PICKER_LIMIT = 50


class ClassError(DomainError):
    """A change to a class that cannot be done; `reason` names the rule that refused it."""

    NAME_EMPTY = "name-empty"
    NAME_TOO_LONG = "name-too-long"
    # Unknown, expired and another library's codes get this one answer: a code that exists
    # elsewhere must look like one that does not.
    CODE_UNKNOWN = "code-unknown"
    CLASS_ARCHIVED = "class-archived"
    PATRON_NOT_FOUND = "patron-not-found"
    NOBODY_CHOSEN = "nobody-chosen"
    MODULE_NOT_IN_COURSE = "module-not-in-course"
    NOT_A_MEMBER = "not-a-member"
    DUE_IN_PAST = "due-in-past"


def _clean_text(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def new_join_code() -> str:
    """A join code no other class has."""
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        taken = db.session.scalar(select(LearningClass.id).where(LearningClass.join_code == code))
        if taken is None:
            return code


def normalise_join_code(text: str | None) -> str:
    """What the patron typed, upper case, without spaces or dashes: " abc-def " -> "ABCDEF"."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def library_system_ids(organisation: Organisation):
    """The ids of the library system the organisation belongs to (a query)."""
    if organisation.kind == OrganisationKind.BRANCH.value and organisation.parent_id:
        return subtree_ids(organisation.parent_id)
    return subtree_ids(organisation.id)


def create_class(
    actor: User, organisation: Organisation, name: str, schedule_note: str | None
) -> LearningClass:
    """A new class in the organisation with a fresh join code; audited."""
    name = _clean_text(name)
    if not name:
        raise ClassError(ClassError.NAME_EMPTY)
    if len(name) > NAME_MAX_LENGTH:
        raise ClassError(ClassError.NAME_TOO_LONG)
    learning_class = LearningClass(
        organisation_id=organisation.id,
        name=name,
        schedule_note=_clean_text(schedule_note)[:SCHEDULE_MAX_LENGTH] or None,
        join_code=new_join_code(),
        created_by_id=actor.id,
    )
    db.session.add(learning_class)
    db.session.flush()
    record_event(actor, "class.created", learning_class, organisation, name=name)
    return learning_class


def update_class(
    actor: User,
    learning_class: LearningClass,
    name: str,
    schedule_note: str | None,
    notes: str | None,
) -> bool:
    """Renames the class and sets when it meets and the librarians' notes; audited with what
    changed. False when nothing did."""
    name = _clean_text(name)
    if not name:
        raise ClassError(ClassError.NAME_EMPTY)
    if len(name) > NAME_MAX_LENGTH:
        raise ClassError(ClassError.NAME_TOO_LONG)
    wanted = {
        "name": name,
        "schedule_note": _clean_text(schedule_note)[:SCHEDULE_MAX_LENGTH] or None,
        "notes": (notes or "").strip()[:CLASS_NOTES_MAX_LENGTH] or None,
    }
    changes = {
        key: {"from": getattr(learning_class, key), "to": value}
        for key, value in wanted.items()
        if getattr(learning_class, key) != value
    }
    if not changes:
        return False
    for key, change in changes.items():
        setattr(learning_class, key, change["to"])
    db.session.flush()
    record_event(actor, "class.updated", learning_class, learning_class.organisation, **changes)
    return True


def change_join_code(
    actor: User, learning_class: LearningClass, valid_days: int | None = None
) -> str:
    """Gives the class a new join code, working for valid_days (None: until changed again);
    the old one stops working. Audited."""
    learning_class.join_code = new_join_code()
    learning_class.join_code_expires_at = (
        utc_now() + timedelta(days=valid_days) if valid_days else None
    )
    db.session.flush()
    record_event(
        actor,
        "class.join_code_changed",
        learning_class,
        learning_class.organisation,
        valid_days=valid_days or None,
    )
    return learning_class.join_code


def set_class_archived(actor: User, learning_class: LearningClass, archived: bool) -> None:
    """Archives a class (hidden from patrons, code stops working) or brings it back; audited."""
    if learning_class.archived == archived:
        return
    learning_class.archived = archived
    db.session.flush()
    action = "class.archived" if archived else "class.restored"
    record_event(actor, action, learning_class, learning_class.organisation)


def patrons_for_picking(
    actor: User, learning_class: LearningClass, search: str | None, page: int = 1
) -> Pagination:
    """Patrons of the class's library system that the actor may see and who are not in the
    class yet, matching the search in name or username; by name, 50 a page, with the total
    that match (two queries whatever the page)."""
    query = (
        select(User)
        .where(
            User.role == Role.LEARNER.value,
            User.organisation_id.in_(visible_organisation_ids(actor)),
            User.organisation_id.in_(library_system_ids(learning_class.organisation)),
            User.id.not_in(
                select(ClassMember.user_id).where(ClassMember.class_id == learning_class.id)
            ),
        )
        .order_by(User.display_name, User.username_key, User.id)
    )
    words = _clean_text(search)
    if words:
        pattern = "%" + words.replace("%", "").replace("_", "").casefold() + "%"
        query = query.where(or_(User.display_name.ilike(pattern), User.username_key.ilike(pattern)))
    return db.paginate(query, page=max(page, 1), per_page=PICKER_LIMIT, error_out=False)


def add_members(actor: User, learning_class: LearningClass, user_ids: list[int]) -> list[User]:
    """Adds the chosen patrons; all or none: any id the actor may not pick refuses them all."""
    wanted = set(user_ids)
    if not wanted:
        raise ClassError(ClassError.NOBODY_CHOSEN)
    patrons = list(
        db.session.scalars(
            select(User).where(
                User.id.in_(wanted),
                User.role == Role.LEARNER.value,
                User.organisation_id.in_(visible_organisation_ids(actor)),
                User.organisation_id.in_(library_system_ids(learning_class.organisation)),
            )
        )
    )
    if len(patrons) != len(wanted):
        raise ClassError(ClassError.PATRON_NOT_FOUND)
    present = set(
        db.session.scalars(
            select(ClassMember.user_id).where(
                ClassMember.class_id == learning_class.id, ClassMember.user_id.in_(wanted)
            )
        )
    )
    added = [p for p in patrons if p.id not in present]
    for patron in added:
        db.session.add(ClassMember(class_id=learning_class.id, user_id=patron.id))
    db.session.flush()
    for patron in added:
        record_event(
            actor,
            "class.member_added",
            learning_class,
            learning_class.organisation,
            user_id=patron.id,
            username=patron.username,
        )
    return added


def remove_member(actor: User, learning_class: LearningClass, patron: User) -> None:
    """Takes the patron out of the class with the work set for them alone; audited."""
    db.session.execute(
        delete(Assignment).where(
            Assignment.class_id == learning_class.id, Assignment.user_id == patron.id
        )
    )
    db.session.execute(
        delete(ClassMember).where(
            ClassMember.class_id == learning_class.id, ClassMember.user_id == patron.id
        )
    )
    db.session.flush()
    record_event(
        actor,
        "class.member_removed",
        learning_class,
        learning_class.organisation,
        user_id=patron.id,
        username=patron.username,
    )


def find_member(learning_class: LearningClass, user_id: int) -> User | None:
    """The patron when they are in this class; None otherwise (ids cannot be probed)."""
    return db.session.scalar(
        select(User)
        .join(ClassMember, ClassMember.user_id == User.id)
        .where(ClassMember.class_id == learning_class.id, User.id == user_id)
    )


def join_class_by_code(patron: User, code: str) -> tuple[LearningClass, bool]:
    """Puts the patron in the class with this code; returns it and whether they were new.

    Refused for an unknown, expired or archived code, and for a patron placed in another
    library system (patrons with no library yet may join); another library's code is refused
    exactly as an unknown one.
    """
    learning_class = db.session.scalar(
        select(LearningClass).where(LearningClass.join_code == normalise_join_code(code))
    )
    expires = learning_class.join_code_expires_at if learning_class is not None else None
    if learning_class is None or (expires is not None and expires <= utc_now()):
        raise ClassError(ClassError.CODE_UNKNOWN)
    if learning_class.archived:
        raise ClassError(ClassError.CLASS_ARCHIVED)
    if patron.organisation_id is not None:
        same_system = db.session.scalar(
            library_system_ids(learning_class.organisation).where(
                Organisation.id == patron.organisation_id
            )
        )
        if same_system is None:
            raise ClassError(ClassError.CODE_UNKNOWN)
    if find_member(learning_class, patron.id) is not None:
        return learning_class, False
    db.session.add(ClassMember(class_id=learning_class.id, user_id=patron.id))
    db.session.flush()
    record_event(
        patron,
        "class.member_joined",
        learning_class,
        learning_class.organisation,
        user_id=patron.id,
        username=patron.username,
    )
    return learning_class, True


def create_assignment(
    actor: User,
    learning_class: LearningClass,
    course: Course,
    module: Module | None,
    patron: User | None,
    due_on: date | None,
    note: str | None,
    today: date,
) -> Assignment:
    """Sets a course or one of its modules for the class or one patron in it; audited."""
    if module is not None and module.course_id != course.id:
        raise ClassError(ClassError.MODULE_NOT_IN_COURSE)
    if patron is not None and find_member(learning_class, patron.id) is None:
        raise ClassError(ClassError.NOT_A_MEMBER)
    if due_on is not None and due_on < today:
        raise ClassError(ClassError.DUE_IN_PAST)
    assignment = Assignment(
        class_id=learning_class.id,
        course_id=course.id,
        module_id=module.id if module else None,
        user_id=patron.id if patron else None,
        due_on=due_on,
        note=(note or "").strip()[:NOTE_MAX_LENGTH] or None,
        created_by_id=actor.id,
    )
    db.session.add(assignment)
    db.session.flush()
    record_event(
        actor,
        "assignment.created",
        assignment,
        learning_class.organisation,
        class_id=learning_class.id,
        course=course.slug,
        module=module.key if module else None,
        user_id=patron.id if patron else None,
        due_on=due_on.isoformat() if due_on else None,
    )
    return assignment


def remove_assignment(actor: User, assignment: Assignment) -> None:
    """Deletes the assignment (progress stays with the patrons); audited."""
    learning_class = assignment.learning_class
    details = {
        "class_id": learning_class.id,
        "course_id": assignment.course_id,
        "module_id": assignment.module_id,
        "user_id": assignment.user_id,
    }
    record_event(actor, "assignment.removed", assignment, learning_class.organisation, **details)
    db.session.delete(assignment)
    db.session.flush()


def visible_classes(actor: User) -> list[LearningClass]:
    """The classes of the libraries the actor may see, active first, then by name."""
    return list(
        db.session.scalars(
            select(LearningClass)
            .options(joinedload(LearningClass.organisation))
            .where(LearningClass.organisation_id.in_(visible_organisation_ids(actor)))
            .order_by(LearningClass.archived, LearningClass.name, LearningClass.id)
        )
    )
