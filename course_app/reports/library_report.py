"""Per library system and branch: patrons, classes, assignments, and how much assigned work
was finished by its due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import CTE, Integer, Select, Subquery, and_, case, func, select, union_all

from course_app.accounts.models import Learner
from course_app.classes.models import Assignment, ClassMember, LearningClass
from course_app.extensions import db
from course_app.learning.models import Enrolment, Milestone, MilestoneKind
from course_app.libraries.access import subtree_ids
from course_app.libraries.models import Organisation
from course_app.libraries.services import organisation_tree
from course_app.reports.filters import ReportFilter, ReportScope


@dataclass
class LibraryLine:
    organisation: Organisation
    depth: int
    patrons: int = 0
    classes: int = 0
    assignments: int = 0
    due: int = 0
    on_time: int = 0
    due_learners: int = 0

    @property
    def on_time_rate(self) -> int | None:
        return round(100 * self.on_time / self.due) if self.due else None

    def add(self, other: LibraryLine) -> None:
        for name in ("patrons", "classes", "assignments", "due", "on_time", "due_learners"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _visible(f: ReportFilter, scope: ReportScope) -> Select[tuple[int]]:
    ids = select(Organisation.id)
    if f.organisation_id is not None:
        ids = ids.where(Organisation.id.in_(subtree_ids(f.organisation_id)))
    scope_ids = scope.organisation_ids()
    if scope_ids is not None:
        ids = ids.where(Organisation.id.in_(scope_ids))
    return ids


def _assigned_pairs(f: ReportFilter, visible: Select[tuple[int]], today: date) -> CTE:
    """(assignment, patron) for work due in the range and already due, with the library.

    A CTE, not a subquery: the report reads it three times (the pairs, and the learners whose
    lessons and quizzes to look at). PostgreSQL then finds each patron's learner once; as
    three subqueries it planned three hash joins over the whole learners table.
    """
    columns = (
        Assignment.id.label("assignment_id"),
        LearningClass.organisation_id,
        Assignment.course_id,
        Assignment.module_id,
        Assignment.due_on,
    )
    conditions = [
        Assignment.due_on >= f.start,
        Assignment.due_on <= f.end,
        Assignment.due_on < today,
        LearningClass.organisation_id.in_(visible),
    ]
    if f.course_id is not None:
        conditions.append(Assignment.course_id == f.course_id)
    whole_class = (
        select(*columns, ClassMember.user_id)
        .select_from(Assignment)
        .join(LearningClass, LearningClass.id == Assignment.class_id)
        .join(ClassMember, ClassMember.class_id == Assignment.class_id)
        .where(Assignment.user_id.is_(None), *conditions)
    )
    one_patron = (
        select(*columns, Assignment.user_id)
        .select_from(Assignment)
        .join(LearningClass, LearningClass.id == Assignment.class_id)
        .where(Assignment.user_id.is_not(None), *conditions)
    )
    pairs = union_all(whole_class, one_patron).subquery("pairs")
    return (
        select(pairs, Learner.id.label("learner_id"))
        .outerjoin(Learner, Learner.user_id == pairs.c.user_id)
        .cte("assigned")
    )


def _modules_done(assigned: CTE) -> Subquery:
    """(learner, module, when it was finished) for the assigned learners' finished modules,
    as learning recorded them."""
    learners = select(assigned.c.learner_id).where(assigned.c.learner_id.is_not(None))
    return (
        select(
            Milestone.learner_id,
            Milestone.item_id.label("module_id"),
            Milestone.at,
        )
        .where(Milestone.learner_id.in_(learners), Milestone.kind == MilestoneKind.MODULE_FINISHED)
        .subquery("modules_done")
    )


def _on_time(f: ReportFilter, visible: Select[tuple[int]], today: date) -> dict[int, tuple]:
    """organisation id -> (assigned pieces of work due, done on time, learners behind them)."""
    assigned = _assigned_pairs(f, visible, today)
    modules_done = _modules_done(assigned)
    done_at = case(
        (assigned.c.module_id.is_(None), Enrolment.completed_at), else_=modules_done.c.at
    )
    on_time = case((func.date(done_at) <= assigned.c.due_on, 1), else_=0)
    stmt = (
        select(
            assigned.c.organisation_id,
            func.count(),
            func.sum(on_time.cast(Integer)),
            func.count(assigned.c.user_id.distinct()),
        )
        .outerjoin(
            Enrolment,
            and_(
                Enrolment.learner_id == assigned.c.learner_id,
                Enrolment.course_id == assigned.c.course_id,
            ),
        )
        .outerjoin(
            modules_done,
            and_(
                modules_done.c.learner_id == assigned.c.learner_id,
                modules_done.c.module_id == assigned.c.module_id,
            ),
        )
        .group_by(assigned.c.organisation_id)
    )
    return {
        org_id: (due, done or 0, learners)
        for org_id, due, done, learners in db.session.execute(stmt)
    }


def library_report(f: ReportFilter, scope: ReportScope, today: date) -> list[LibraryLine]:
    """Every library in scope in tree order; a library system's row adds up its branches."""
    visible = _visible(f, scope)
    tree = organisation_tree(visible)
    classes = dict(
        db.session.execute(
            select(LearningClass.organisation_id, func.count())
            .where(LearningClass.organisation_id.in_(visible), LearningClass.archived.is_(False))
            .group_by(LearningClass.organisation_id)
        ).all()
    )
    assignments_stmt = (
        select(LearningClass.organisation_id, func.count())
        .select_from(Assignment)
        .join(LearningClass, LearningClass.id == Assignment.class_id)
        .where(
            LearningClass.organisation_id.in_(visible),
            Assignment.created_at >= f.start_at,
            Assignment.created_at < f.end_before,
        )
        .group_by(LearningClass.organisation_id)
    )
    if f.course_id is not None:
        assignments_stmt = assignments_stmt.where(Assignment.course_id == f.course_id)
    assignments = dict(db.session.execute(assignments_stmt).all())
    on_time = _on_time(f, visible, today)
    lines: list[LibraryLine] = []
    for row in tree:
        org = row.organisation
        due, done, learners = on_time.get(org.id, (0, 0, 0))
        line = LibraryLine(
            organisation=org,
            depth=row.depth,
            patrons=row.patrons,
            classes=classes.get(org.id, 0),
            assignments=assignments.get(org.id, 0),
            due=due,
            on_time=done,
            due_learners=learners,
        )
        lines.append(line)
    # Roll branches up into their system (and systems into the network), deepest first.
    totals = {line.organisation.id: LibraryLine(line.organisation, line.depth) for line in lines}
    for line in lines:
        totals[line.organisation.id].add(line)
    for line in sorted(lines, key=lambda item: -item.depth):
        parent_id = line.organisation.parent_id
        if parent_id in totals:
            totals[parent_id].add(totals[line.organisation.id])
    return [totals[line.organisation.id] for line in lines]
