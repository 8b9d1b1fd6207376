"""The class progress table and a patron's "Assigned to me" list, in a fixed number of queries.

Both read progress through `load_progress_facts` (SQL GROUP BY over lessons done and quiz
attempts) and decide status and help flags with the pure rules in `status`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from course_app.accounts.models import Learner, User
from course_app.classes.models import Assignment, ClassMember, LearningClass
from course_app.classes.progress import ProgressFacts, load_progress_facts
from course_app.classes.status import (
    HelpFlag,
    Progress,
    QuizRecord,
    Status,
    assignment_status,
    help_flags,
)
from course_app.extensions import db


@dataclass(frozen=True)
class Cell:
    """One patron's standing in one assignment."""

    assignment: Assignment
    progress: Progress
    status: Status
    quizzes: list[QuizRecord]


@dataclass
class PatronRow:
    user: User
    cells: list[Cell | None]  # None where the assignment is for someone else
    last_activity: datetime | None
    flags: list[HelpFlag] = field(default_factory=list)


@dataclass
class ClassTable:
    assignments: list[Assignment]
    rows: list[PatronRow]


def _assignments_query():
    return select(Assignment).options(
        joinedload(Assignment.course), joinedload(Assignment.module), joinedload(Assignment.user)
    )


def class_assignments(learning_class: LearningClass) -> list[Assignment]:
    """The class's assignments, those due soonest first, then in the order they were made."""
    return list(
        db.session.scalars(
            _assignments_query()
            .where(Assignment.class_id == learning_class.id)
            .order_by(Assignment.due_on.is_(None), Assignment.due_on, Assignment.id)
        )
    )


def class_members(learning_class: LearningClass) -> list[ClassMember]:
    """The class's patrons by name, each with their user and learner loaded."""
    return list(
        db.session.scalars(
            select(ClassMember)
            .options(joinedload(ClassMember.user))
            .join(User, User.id == ClassMember.user_id)
            .where(ClassMember.class_id == learning_class.id)
            .order_by(User.display_name, User.username_key)
        )
    )


def _cell(facts: ProgressFacts, learner_id: int, assignment: Assignment, now: datetime) -> Cell:
    progress = facts.progress(learner_id, assignment.course_id, assignment.module_id)
    return Cell(
        assignment=assignment,
        progress=progress,
        status=assignment_status(progress, assignment.due_on, now.date()),
        quizzes=facts.quiz_records(learner_id, assignment.course_id, assignment.module_id),
    )


def class_table(learning_class: LearningClass, now: datetime) -> ClassTable:
    """Per patron and per assignment: status, percent, quizzes, last activity, help flags.

    Seven queries whatever the number of patrons and assignments.
    """
    assignments = class_assignments(learning_class)
    members = class_members(learning_class)
    learner_ids = (
        select(Learner.id)
        .join(ClassMember, ClassMember.user_id == Learner.user_id)
        .where(ClassMember.class_id == learning_class.id)
    )
    course_ids = {a.course_id for a in assignments}
    facts = load_progress_facts(learner_ids, course_ids) if members else ProgressFacts()
    rows = []
    for member in members:
        user = member.user
        mine = [a for a in assignments if a.user_id in (None, user.id)]
        cells: list[Cell | None] = []
        quiz_seen: dict[str, QuizRecord] = {}
        waiting_since = None
        for assignment in assignments:
            if assignment not in mine:
                cells.append(None)
                continue
            cell = _cell(facts, user.learner.id, assignment, now)
            cells.append(cell)
            for record in cell.quizzes:
                quiz_seen.setdefault(record.title, record)
            if cell.status != Status.COMPLETED:
                given = max(assignment.created_at, member.added_at)
                waiting_since = given if waiting_since is None else min(waiting_since, given)
        last_activity = facts.last_activity(user.learner.id, {a.course_id for a in mine})
        flags = help_flags(
            list(quiz_seen.values()),
            last_activity,
            waiting_since,
            has_unfinished=waiting_since is not None,
            now=now,
        )
        rows.append(PatronRow(user, cells, last_activity, flags))
    return ClassTable(assignments, rows)


@dataclass(frozen=True)
class MyAssignment:
    assignment: Assignment
    progress: Progress
    status: Status


def _my_order(item: MyAssignment):
    a = item.assignment
    module_position = a.module.position if a.module else -1
    return (a.due_on is None, a.due_on, a.course.title.casefold(), module_position)


def my_assignments(user: User, now: datetime) -> list[MyAssignment]:
    """The patron's assignments from active classes: due dates first, then by course.

    The same course or module set twice is shown once, with the earliest due date.
    """
    member_of = select(ClassMember.class_id).where(ClassMember.user_id == user.id)
    assignments = db.session.scalars(
        _assignments_query()
        .join(LearningClass, LearningClass.id == Assignment.class_id)
        .where(
            Assignment.class_id.in_(member_of),
            LearningClass.archived.is_(False),
            or_(Assignment.user_id.is_(None), Assignment.user_id == user.id),
        )
        .order_by(Assignment.due_on.is_(None), Assignment.due_on, Assignment.id)
    ).all()
    chosen: dict[tuple[int, int | None], Assignment] = {}
    for a in assignments:
        chosen.setdefault((a.course_id, a.module_id), a)
    if not chosen:
        return []
    facts = load_progress_facts([user.learner.id], {a.course_id for a in chosen.values()})
    items = []
    for a in chosen.values():
        progress = facts.progress(user.learner.id, a.course_id, a.module_id)
        items.append(MyAssignment(a, progress, assignment_status(progress, a.due_on, now.date())))
    return sorted(items, key=_my_order)
