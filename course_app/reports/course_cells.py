"""Keeping `report_course_cells` in step with progress, so the course report reads a few
thousand summed rows instead of every answer a year of learners gave.

One SELECT (`course_items`) counts the course report's items for any group of enrolments
(the cohort): one learner's, the learners who started in a few days a date range cuts out of
a month, or everybody, grouped by cell. A change for one learner and course counts that
learner's items again and adds the difference from their last share (kept as rows in
`report_course_shares`) to the cells: two statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Subquery,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)

from course_app.accounts.models import Learner, User
from course_app.certificates.models import Certificate
from course_app.content.models import Lesson, Quiz
from course_app.db import CompiledOnce, insert_in
from course_app.extensions import db
from course_app.learning.models import Enrolment, LessonProgress, Milestone, MilestoneKind
from course_app.quizzes.models import AttemptAnswer, QuizAttempt
from course_app.reports.models import ITEM_COLUMNS, ReportCourseCell, ReportCourseShare
from course_app.reports.sql import month_of

CELL_KEYS = ("course_id", "month", "organisation_id", "language")
ENROLMENT, LESSON, MODULE, QUESTION, CERTIFICATE = "E", "L", "M", "Q", "C"
ITEM_KEYS = (*CELL_KEYS, "kind", "item_id")


def cohort(
    learner_id: Any = None,
    course_id: Any = None,
    since: Any = None,
    before: Any = None,
) -> Select:
    """Enrolments with their cell: learner, course, start month, library (0: none) and
    reading language ("": unknown), optionally one learner's, one course's or a span's."""
    stmt = (
        select(
            Enrolment.learner_id,
            Enrolment.course_id,
            month_of(Enrolment.started_at).label("month"),
            func.coalesce(User.organisation_id, 0).label("organisation_id"),
            func.coalesce(Enrolment.language, "").label("language"),
            case((Enrolment.completed_at.is_not(None), 1), else_=0).label("completed"),
        )
        .join(Learner, Learner.id == Enrolment.learner_id)
        .outerjoin(User, User.id == Learner.user_id)
    )
    if learner_id is not None:
        stmt = stmt.where(Enrolment.learner_id == learner_id)
    if course_id is not None:
        stmt = stmt.where(Enrolment.course_id == course_id)
    if since is not None:
        stmt = stmt.where(Enrolment.started_at >= since)
    if before is not None:
        stmt = stmt.where(Enrolment.started_at < before)
    return stmt


def course_items(enrolments: Subquery, keys: Sequence[str]) -> Select:
    """(*keys, kind, item_id, learners, answers, correct, finished) summed over the
    enrolments, grouped by the keys (columns of `enrolments`) and the item. Every cohort has
    an "E" and a "C" row, even at zero, so a share always covers both."""
    en = enrolments
    key_columns = [en.c[name] for name in keys]

    def part(kind: str, item: Any, learners: Any, answers: Any = 0, correct: Any = 0, done=0):
        values = [learners, answers, correct, done]
        return [
            *key_columns,
            literal(kind).label("kind"),
            cast(item, Integer).label("item_id"),
            *[
                (value if isinstance(value, ColumnElement) else literal(value)).label(name)
                for value, name in zip(values, ITEM_COLUMNS, strict=True)
            ],
        ]

    enrolled = (
        select(*part(ENROLMENT, 0, func.count(), done=func.sum(en.c.completed)))
        .select_from(en)
        .group_by(*key_columns)
    )
    lessons = (
        select(*part(LESSON, LessonProgress.lesson_id, func.count()))
        .select_from(en)
        .join(LessonProgress, _of_enrolment(en, LessonProgress))
        .group_by(*key_columns, LessonProgress.lesson_id)
    )
    questions = (
        select(
            *part(
                QUESTION,
                AttemptAnswer.question_id,
                func.count(QuizAttempt.learner_id.distinct()),
                func.count(),
                func.sum(AttemptAnswer.is_correct.cast(Integer)),
            )
        )
        .select_from(en)
        .join(QuizAttempt, _of_enrolment(en, QuizAttempt))
        .join(AttemptAnswer, AttemptAnswer.attempt_id == QuizAttempt.id)
        .group_by(*key_columns, AttemptAnswer.question_id)
    )
    certificates = (
        select(*part(CERTIFICATE, 0, func.count(Certificate.id)))
        .select_from(en)
        .outerjoin(
            Certificate, and_(_of_enrolment(en, Certificate), Certificate.revoked_at.is_(None))
        )
        .group_by(*key_columns)
    )
    return union_all(enrolled, lessons, _modules(en, keys), questions, certificates)


def _of_enrolment(en: Subquery, table: Any) -> ColumnElement[bool]:
    """The join of a learner's rows in a course (lessons, attempts, certificates) to their
    enrolment."""
    return and_(table.learner_id == en.c.learner_id, table.course_id == en.c.course_id)


def _modules(en: Subquery, keys: Sequence[str]) -> Select:
    """Per module: learners who did a lesson or tried the quiz in it, and learners who
    finished it (as recorded by learning when it happened)."""
    key_columns = [en.c[name] for name in keys]
    who = en.c.learner_id.label("who")

    def kind_of(kind: str) -> ColumnElement[bool]:
        return and_(_of_enrolment(en, Milestone), Milestone.kind == kind)

    steps = union_all(
        select(*key_columns, who, Lesson.module_id, literal(0).label("done"))
        .select_from(en)
        .join(LessonProgress, _of_enrolment(en, LessonProgress))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id),
        select(*key_columns, who, Quiz.module_id, literal(0))
        .select_from(en)
        .join(Milestone, kind_of(MilestoneKind.QUIZ_TRIED))
        .join(Quiz, Quiz.id == Milestone.item_id),
        select(*key_columns, who, Milestone.item_id, literal(1))
        .select_from(en)
        .join(Milestone, kind_of(MilestoneKind.MODULE_FINISHED)),
    ).subquery("steps")
    step_keys = [steps.c[name] for name in keys]
    per = (
        select(*step_keys, steps.c.module_id, func.max(steps.c.done).label("done"))
        .group_by(*step_keys, steps.c.who, steps.c.module_id)
        .subquery("per")
    )
    per_keys = [per.c[name] for name in keys]
    return select(
        *per_keys,
        literal(MODULE).label("kind"),
        cast(per.c.module_id, Integer).label("item_id"),
        func.count().label("learners"),
        literal(0).label("answers"),
        literal(0).label("correct"),
        func.sum(per.c.done).label("finished"),
    ).group_by(*per_keys, per.c.module_id)


# --- one learner's share ----------------------------------------------------------------


def _mine() -> Subquery:
    """The learner's items in the course now, keyed by their cell (bound: learner_id,
    course_id)."""
    return course_items(
        cohort(bindparam("learner_id"), bindparam("course_id")).subquery("mine"), CELL_KEYS
    ).subquery("mine_items")


def _refresh_cells(dialect: str) -> Any:
    """INSERT INTO cells the learner's items now minus their last share, per cell and item."""
    kept = ReportCourseShare.__table__.c
    old = select(
        *[kept[name] for name in ITEM_KEYS],
        *[(-kept[name]).label(name) for name in ITEM_COLUMNS],
    ).where(kept.learner_id == bindparam("learner_id"), kept.course_id == bindparam("course_id"))
    return _adding_to_cells(dialect, union_all(select(_mine()), old).subquery("change"))


def _refresh_share(dialect: str) -> Any:
    """The learner's share made their items now (a vanished item stays, at zero)."""
    mine = _mine()
    insert = insert_in(dialect, ReportCourseShare.__table__)
    rows = select(bindparam("learner_id", type_=Integer), *mine.c).where(true())
    stmt = insert.from_select(["learner_id", *ITEM_KEYS, *ITEM_COLUMNS], rows)
    return stmt.on_conflict_do_update(
        index_elements=["learner_id", "course_id", "kind", "item_id"],
        set_={name: stmt.excluded[name] for name in (*CELL_KEYS[1:], *ITEM_COLUMNS)},
    )


_REFRESH_CELLS = CompiledOnce(_refresh_cells)
_REFRESH_SHARE = CompiledOnce(_refresh_share)


def refresh_course_share(learner_id: int, course_id: int) -> None:
    """Counts the learner's items in the course again, adds the difference from their last
    share to the cells, and keeps the new share: two statements."""
    ids = {"learner_id": learner_id, "course_id": course_id}
    _REFRESH_CELLS.execute(db.session, ids)
    _REFRESH_SHARE.execute(db.session, ids)


def drop_learner_shares(learner_id: int) -> None:
    """Takes every share of the learner out of the cells and forgets it (a guest merged into
    an account: their steps are counted again under the account)."""
    kept = ReportCourseShare.__table__.c
    gone = select(
        *[kept[name] for name in ITEM_KEYS],
        *[(-kept[name]).label(name) for name in ITEM_COLUMNS],
    ).where(kept.learner_id == learner_id)
    dialect = db.session.get_bind().dialect.name
    db.session.execute(_adding_to_cells(dialect, gone.subquery("gone")))
    db.session.execute(delete(ReportCourseShare).where(ReportCourseShare.learner_id == learner_id))


def refresh_learners_shares(course_id: int, learner_ids: list[int]) -> None:
    """refresh_course_share for many learners of one course at once (four statements): their
    items now minus their last shares go to the cells, and their shares are written anew, so
    items that vanished with a re-import (a lesson moved to another module) go too."""
    batch = cohort(course_id=course_id).where(Enrolment.learner_id.in_(learner_ids))
    now = course_items(batch.subquery("batch"), ("learner_id", *CELL_KEYS)).subquery("now")
    kept = ReportCourseShare.__table__.c
    theirs = and_(kept.course_id == course_id, kept.learner_id.in_(learner_ids))
    old = select(
        *[kept[name] for name in ITEM_KEYS],
        *[(-kept[name]).label(name) for name in ITEM_COLUMNS],
    ).where(theirs)
    new = select(*[now.c[name] for name in (*ITEM_KEYS, *ITEM_COLUMNS)])
    dialect = db.session.get_bind().dialect.name
    db.session.execute(_adding_to_cells(dialect, union_all(new, old).subquery("change")))
    db.session.execute(delete(ReportCourseShare).where(theirs))
    db.session.execute(
        ReportCourseShare.__table__.insert().from_select(
            ["learner_id", *ITEM_KEYS, *ITEM_COLUMNS], select(now)
        )
    )


def _adding_to_cells(dialect: str, changes: Subquery) -> Any:
    """Adds the changes, summed per cell and item, to the cells (creating cells as needed), in
    key order, so that two learners' changes lock shared cells in the same order."""
    keys = [changes.c[name] for name in ITEM_KEYS]
    sums = [func.sum(changes.c[name]).label(name) for name in ITEM_COLUMNS]
    summed = (
        select(*keys, *sums)
        .where(true())
        .group_by(*keys)
        .having(or_(*[sum_ != 0 for sum_ in sums]))
        .order_by(*keys)
    )
    insert = insert_in(dialect, ReportCourseCell.__table__)
    stmt = insert.from_select([*ITEM_KEYS, *ITEM_COLUMNS], summed)
    cells = ReportCourseCell.__table__.c
    return stmt.on_conflict_do_update(
        index_elements=list(ITEM_KEYS),
        set_={name: cells[name] + stmt.excluded[name] for name in ITEM_COLUMNS},
    )


# --- everything at once -------------------------------------------------------------------


def rebuild_course_cells() -> int:
    """Counts the cells and every learner's share again from the source tables."""
    db.session.flush()
    for model in (ReportCourseCell, ReportCourseShare):
        db.session.execute(delete(model))
    everyone = cohort().subquery("everyone")
    items = course_items(everyone, CELL_KEYS).subquery("items")
    db.session.execute(
        ReportCourseCell.__table__.insert().from_select([*ITEM_KEYS, *ITEM_COLUMNS], select(items))
    )
    per_learner = course_items(everyone, ("learner_id", *CELL_KEYS)).subquery("per_learner")
    db.session.execute(
        ReportCourseShare.__table__.insert().from_select(
            ["learner_id", *ITEM_KEYS, *ITEM_COLUMNS], select(per_learner)
        )
    )
    return db.session.scalar(select(func.count()).select_from(ReportCourseCell)) or 0
