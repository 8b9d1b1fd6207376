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
from course_app.classes.models import Assignment, ClassMember, HelpFlagMark, LearningClass
from course_app.classes.progress import load_progress_facts
from course_app.classes.status import (
    HelpFlag,
    HelpRules,
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
    user: Patron
    cells: list[Cell | None]  # None where the assignment is for someone else
    last_activity: datetime | None
    flags: list[HelpFlag] = field(default_factory=list)
    # When a librarian marked the flags handled (until the patron's next activity).
    handled_at: datetime | None = None

    @property
    def needs_help(self) -> bool:
        return bool(self.flags) and self.handled_at is None


@dataclass
class ClassTable:
    assignments: list[Assignment]
    rows: list[PatronRow]
    rules: HelpRules = field(default_factory=HelpRules)


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


@dataclass(frozen=True)
class Patron:
    """The little the class table needs about a patron, read as plain columns."""

    id: int
    display_name: str
    username: str
    learner_id: int
    added_at: datetime


def class_patrons(learning_class: LearningClass) -> list[Patron]:
    """The class's patrons by name, as plain rows (a class may have hundreds)."""
    rows = db.session.execute(
        select(User.id, User.display_name, User.username, Learner.id, ClassMember.added_at)
        .join(ClassMember, ClassMember.user_id == User.id)
        .join(Learner, Learner.user_id == User.id)
        .where(ClassMember.class_id == learning_class.id)
        .order_by(User.display_name, User.username_key)
    )
    return [Patron(*row) for row in rows]


def help_marks(learning_class: LearningClass) -> dict[int, datetime]:
    """user id -> when their help flags in the class were last marked handled."""
    return dict(
        db.session.execute(
            select(HelpFlagMark.user_id, HelpFlagMark.handled_at).where(
                HelpFlagMark.class_id == learning_class.id
            )
        ).all()
    )


def class_table(
    learning_class: LearningClass,
    now: datetime,
    rules: HelpRules = HelpRules(),  # noqa: B008 - frozen
) -> ClassTable:
    """Per patron and per assignment: status, percent, quizzes, last activity, help flags.

    A fixed number of queries whatever the number of patrons and assignments.
    """
    assignments = class_assignments(learning_class)
    patrons = class_patrons(learning_class)
    learner_ids = (
        select(Learner.id)
        .join(ClassMember, ClassMember.user_id == Learner.user_id)
        .where(ClassMember.class_id == learning_class.id)
    )
    course_ids = {a.course_id for a in assignments}
    facts = load_progress_facts(learner_ids, course_ids if patrons else set())
    today = now.date()
    marks = help_marks(learning_class)
    # Plain values, read once: the loop below runs patrons x assignments times.
    plan = [(a, a.user_id, a.course_id, a.module_id, a.due_on, a.created_at) for a in assignments]
    rows = []
    for patron in patrons:
        learner_id = patron.learner_id
        cells: list[Cell | None] = []
        quiz_seen: dict[str, QuizRecord] = {}
        waiting_since = None
        unfinished_due = []
        courses = set()
        for assignment, user_id, course_id, module_id, due_on, created_at in plan:
            if user_id is not None and user_id != patron.id:
                cells.append(None)
                continue
            courses.add(course_id)
            progress = facts.progress(learner_id, course_id, module_id)
            status = assignment_status(progress, due_on, today)
            quizzes = facts.quiz_records(learner_id, course_id, module_id)
            cells.append(Cell(assignment, progress, status, quizzes))
            for record in quizzes:
                quiz_seen.setdefault(record.title, record)
            if status != Status.COMPLETED:
                unfinished_due.append(due_on)
                given = max(created_at, patron.added_at)
                waiting_since = given if waiting_since is None else min(waiting_since, given)
        last_activity = facts.last_activity(learner_id, courses)
        flags = help_flags(
            list(quiz_seen.values()), last_activity, waiting_since, unfinished_due, now, rules
        )
        handled = marks.get(patron.id)
        if handled is not None and last_activity is not None and last_activity > handled:
            handled = None  # they did something new since: a flag now is a new one
        rows.append(PatronRow(patron, cells, last_activity, flags, handled if flags else None))
    return ClassTable(assignments, rows, rules)


@dataclass(frozen=True)
class MyAssignment:
    assignment: Assignment
    progress: Progress
    status: Status


def _my_order(item: MyAssignment):
    a = item.assignment
    module_position = a.module.position if a.module else -1
    return (a.due_on is None, a.due_on, a.title.casefold(), module_position)


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
