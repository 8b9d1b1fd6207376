"""Keeping `report_course_cells` in step with progress, so the course report reads a few
thousand summed rows instead of every answer a year of learners gave.

One SELECT (`course_items`) counts the course report's items for any group of enrolments
(the cohort): one learner's, the learners who started in a few days a date range cuts out of
a month, or everybody, grouped by cell. A change for one learner and course computes that
learner's items again and adds the difference to the cells; the learner's last share is
kept in `report_course_learners` so the difference can be taken.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Subquery,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite

from course_app.accounts.models import Learner, User
from course_app.certificates.models import Certificate
from course_app.content.models import Lesson, Module, Quiz
from course_app.db import Prepared
from course_app.extensions import db
from course_app.learning.models import Enrolment, LessonProgress
from course_app.learning.rules import counted_lessons, counted_quizzes
from course_app.quizzes.models import AttemptAnswer, QuizAttempt
from course_app.reports.models import ITEM_COLUMNS, ReportCourseCell, ReportCourseLearner
from course_app.reports.modules import finished, module_needs
from course_app.reports.sql import joined_text, month_of

CELL_KEYS = ("course_id", "month", "organisation_id", "language")
ENROLMENT, LESSON, MODULE, QUESTION, CERTIFICATE = "E", "L", "M", "Q", "C"

Counts = tuple[int, int, int, int]


def cohort(
    learner_id: int | None = None,
    course_id: int | None = None,
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
    enrolments, grouped by the keys (columns of `enrolments`) and the item."""
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
        select(*part(CERTIFICATE, 0, func.count()))
        .select_from(en)
        .join(Certificate, _of_enrolment(en, Certificate))
        .where(Certificate.revoked_at.is_(None))
        .group_by(*key_columns)
    )
    return union_all(enrolled, lessons, _modules(en, keys, part), questions, certificates)


def _of_enrolment(en: Subquery, table: Any) -> ColumnElement[bool]:
    """The join of a learner's rows in a course (lessons, attempts, certificates) to their
    enrolment."""
    return and_(table.learner_id == en.c.learner_id, table.course_id == en.c.course_id)


def _modules(en: Subquery, keys: Sequence[str], part) -> Select:
    """Per module: learners who did any counted step in it, and who finished it."""
    key_columns = [en.c[name] for name in keys]
    steps = union_all(
        select(
            *key_columns,
            en.c.learner_id.label("who"),
            Lesson.module_id,
            func.count().label("lessons"),
            literal(0).label("passed"),
        )
        .select_from(en)
        .join(LessonProgress, _of_enrolment(en, LessonProgress))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(*counted_lessons())
        .group_by(*key_columns, en.c.learner_id, Lesson.module_id),
        select(
            *key_columns,
            en.c.learner_id.label("who"),
            Quiz.module_id,
            literal(0).label("lessons"),
            func.max(QuizAttempt.passed.cast(Integer)).label("passed"),
        )
        .select_from(en)
        .join(QuizAttempt, _of_enrolment(en, QuizAttempt))
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .join(Module, Module.id == Quiz.module_id)
        .where(*counted_quizzes())
        .group_by(*key_columns, en.c.learner_id, Quiz.module_id),
    ).subquery("steps")
    per = (
        select(
            *[steps.c[name] for name in keys],
            steps.c.module_id,
            func.sum(steps.c.lessons).label("lessons"),
            func.sum(steps.c.passed).label("passed"),
        )
        .group_by(*[steps.c[name] for name in keys], steps.c.who, steps.c.module_id)
        .subquery("per")
    )
    need_lessons, need_quizzes = module_needs()
    done = func.sum(case((finished(per, need_lessons, need_quizzes), 1), else_=0))
    per_keys = [per.c[name] for name in keys]
    return (
        select(
            *per_keys,
            literal(MODULE).label("kind"),
            cast(per.c.module_id, Integer).label("item_id"),
            func.count().label("learners"),
            literal(0).label("answers"),
            literal(0).label("correct"),
            done.label("finished"),
        )
        .outerjoin(need_lessons, need_lessons.c.module_id == per.c.module_id)
        .outerjoin(need_quizzes, need_quizzes.c.module_id == per.c.module_id)
        .group_by(*per_keys, per.c.module_id)
    )


# --- one learner's share ----------------------------------------------------------------


def _parse(items: str) -> dict[tuple[str, int], Counts]:
    share: dict[tuple[str, int], Counts] = {}
    for token in items.split():
        kind, item, *values = token.split(":")
        share[(kind, int(item))] = tuple(int(v) for v in values)  # type: ignore[assignment]
    return share


def _format(share: dict[tuple[str, int], Counts]) -> str:
    return " ".join(
        f"{kind}:{item}:" + ":".join(str(v) for v in values)
        for (kind, item), values in sorted(share.items())
    )


def _upsert(model: Any, keys: Sequence[str], set_: Callable[[Any, Any], dict]) -> Prepared:
    """INSERT of one row with ON CONFLICT (keys) DO UPDATE, in each database's own words."""
    columns = [column.name for column in model.__table__.columns]

    def build(dialect: str) -> Any:
        insert_into = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert_into(model).values({name: bindparam(name) for name in columns})
        return stmt.on_conflict_do_update(
            index_elements=list(keys), set_=set_(model.__table__.c, stmt.excluded)
        )

    return Prepared(build)


_READ_SHARE = Prepared(
    lambda _dialect: (
        select(
            ReportCourseLearner.month,
            ReportCourseLearner.organisation_id,
            ReportCourseLearner.language,
            ReportCourseLearner.items,
        )
        .where(
            ReportCourseLearner.learner_id == bindparam("learner_id"),
            ReportCourseLearner.course_id == bindparam("course_id"),
        )
        .with_for_update()
    )
)
_MY_ITEMS = Prepared(
    lambda _dialect: course_items(
        cohort(learner_id=bindparam("learner_id"), course_id=bindparam("course_id")).subquery(
            "mine"
        ),
        CELL_KEYS,
    )
)
_ADD_TO_CELL = _upsert(
    ReportCourseCell,
    (*CELL_KEYS, "kind", "item_id"),
    lambda table, excluded: {name: table[name] + excluded[name] for name in ITEM_COLUMNS},
)
_WRITE_SHARE = _upsert(
    ReportCourseLearner,
    ("learner_id", "course_id"),
    lambda table, excluded: {
        name: excluded[name] for name in ("month", "organisation_id", "language", "items")
    },
)
_DELETE_SHARE = Prepared(
    lambda _dialect: delete(ReportCourseLearner).where(
        ReportCourseLearner.learner_id == bindparam("learner_id"),
        ReportCourseLearner.course_id == bindparam("course_id"),
    )
)


def refresh_course_share(learner_id: int, course_id: int) -> None:
    """Counts the learner's items in the course again and adds the change to the cells."""
    db.session.flush()
    ids = {"learner_id": learner_id, "course_id": course_id}
    kept = _READ_SHARE.execute(db.session, ids).first()
    rows = _MY_ITEMS.execute(db.session, ids).all()
    new_key = tuple(rows[0][:4]) if rows else None
    new = {(row[4], row[5]): tuple(int(v or 0) for v in row[6:]) for row in rows}
    changes: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    if kept is not None:
        old_key = (course_id, *kept[:3])
        for (kind, item), values in _parse(kept[3]).items():
            change = changes[(*old_key, kind, item)]
            for i, value in enumerate(values):
                change[i] -= value
    if new_key is not None:
        for (kind, item), values in new.items():
            change = changes[(*new_key, kind, item)]
            for i, value in enumerate(values):
                change[i] += value
    # In key order, so that two learners' changes to the same cells lock them in the same
    # order on PostgreSQL (no deadlock between them).
    add_to_cells((key, values) for key, values in sorted(changes.items()) if any(values))
    if new_key is None:
        if kept is not None:
            _DELETE_SHARE.execute(db.session, ids)
        return
    _, month, organisation_id, language = new_key
    _WRITE_SHARE.execute(
        db.session,
        ids
        | {
            "month": month,
            "organisation_id": organisation_id,
            "language": language,
            "items": _format(new),
        },
    )


def add_to_cells(changes: Iterable[tuple[tuple, Sequence[int]]]) -> None:
    """Adds each change to its cell, creating cells as needed."""
    rows = [
        dict(zip((*CELL_KEYS, "kind", "item_id"), key, strict=True))
        | dict(zip(ITEM_COLUMNS, values, strict=True))
        for key, values in changes
    ]
    if rows:
        _ADD_TO_CELL.execute(db.session, rows)


def refresh_learner_shares(learner_id: int) -> None:
    """Every course share of one learner (after a merge or a move to another library)."""
    db.session.flush()
    courses = set(
        db.session.scalars(select(Enrolment.course_id).where(Enrolment.learner_id == learner_id))
    ) | set(
        db.session.scalars(
            select(ReportCourseLearner.course_id).where(
                ReportCourseLearner.learner_id == learner_id
            )
        )
    )
    for course_id in sorted(courses):
        refresh_course_share(learner_id, course_id)


# --- everything, or one course, at once ---------------------------------------------------


def rebuild_course_cells(course_id: int | None = None) -> int:
    """Counts the cells and every learner's share again from the source tables, for one
    course (after its content changed what finishing a module takes) or all."""
    db.session.flush()
    for model in (ReportCourseCell, ReportCourseLearner):
        stmt = delete(model)
        if course_id is not None:
            stmt = stmt.where(model.course_id == course_id)
        db.session.execute(stmt)
    everyone = cohort(course_id=course_id).subquery("everyone")
    items = course_items(everyone, CELL_KEYS).subquery("items")
    db.session.execute(
        insert(ReportCourseCell).from_select(
            [*CELL_KEYS, "kind", "item_id", *ITEM_COLUMNS],
            select(*items.c),
        )
    )
    per_learner = course_items(everyone, ("learner_id", *CELL_KEYS)).subquery("per_learner")
    token = per_learner.c.kind + ":" + cast(per_learner.c.item_id, String)
    for name in ITEM_COLUMNS:
        token = token + ":" + cast(per_learner.c[name], String)
    db.session.execute(
        insert(ReportCourseLearner).from_select(
            ["learner_id", *CELL_KEYS, "items"],
            select(
                per_learner.c.learner_id,
                *[per_learner.c[name] for name in CELL_KEYS],
                joined_text(token, " "),
            ).group_by(per_learner.c.learner_id, *[per_learner.c[name] for name in CELL_KEYS]),
        )
    )
    count = select(func.count()).select_from(ReportCourseCell)
    if course_id is not None:
        count = count.where(ReportCourseCell.course_id == course_id)
    return db.session.scalar(count) or 0
