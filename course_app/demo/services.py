"""Writing a demo network into the database: the imported courses in, bulk inserts out.

Rows come from DemoPlan as plain dicts and go in with SQLAlchemy Core executemany, a chunk
of learners at a time, all in the caller's transaction: flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from operator import itemgetter
from typing import Any

from psycopg import sql
from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection

from course_app.accounts.models import User
from course_app.accounts.passwords import hash_password
from course_app.accounts.services import username_key
from course_app.certificates.services import CODE_BYTES
from course_app.classes.models import LearningClass
from course_app.classes.services import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH
from course_app.content.models import Course, Lesson, Module, Question, Quiz
from course_app.demo.plan import DemoPlan
from course_app.demo.rows import TABLE_ORDER
from course_app.demo.shapes import (
    Conventions,
    CourseShape,
    LessonShape,
    ModuleShape,
    QuestionShape,
    QuizShape,
)
from course_app.domain_errors import DomainError
from course_app.extensions import db
from course_app.learning.rules import counted_lessons, counted_quizzes
from course_app.libraries.models import Organisation
from course_app.reports.rollup import rebuild_all

DEMO_NETWORK_CODE = "demo-network"
# Every demo account signs in with this; demo data is refused in production (see the CLI).
DEMO_PASSWORD = "library-demo-data"  # noqa: S105
CHUNK_LEARNERS = 2000


class DemoError(DomainError):
    """Demo data that cannot be made; `reason` names the rule that refused it."""

    NO_COURSES = "no-courses"
    COURSES_UNUSABLE = "courses-unusable"  # the cause says why
    ALREADY_THERE = "already-there"


@dataclass(frozen=True)
class DemoReport:
    counts: dict[str, int]
    report_rows: int
    staff_username: str
    librarian_username: str
    librarian_branch: str
    password: str


def demo_tables() -> dict[str, Table]:
    """The tables demo data is written to, parents first."""
    return {name: db.metadata.tables[name] for name in TABLE_ORDER}


def start_of_today() -> datetime:
    """Midnight UTC today: runs on the same day with the same seed write the same rows."""
    return datetime.combine(datetime.now(UTC).date(), time(), tzinfo=UTC)


def course_shapes() -> list[CourseShape]:
    """The active courses as learners meet them, with what counts towards completion decided
    by the app's own rules (learning.rules)."""
    counted_lesson_ids = set(db.session.scalars(select(Lesson.id).where(*counted_lessons())))
    quizzes = {
        quiz.module_id: quiz for quiz in db.session.scalars(select(Quiz).where(*counted_quizzes()))
    }
    questions: dict[int, list[QuestionShape]] = {}
    for question in db.session.scalars(
        select(Question)
        .where(Question.quiz_id.in_(list(q.id for q in quizzes.values())))
        .where(Question.is_active.is_(True))
        .order_by(Question.quiz_id, Question.position)
    ):
        questions.setdefault(question.quiz_id, []).append(
            QuestionShape(question.id, question.type, question.data)
        )
    lessons: dict[int, list[LessonShape]] = {}
    for lesson in db.session.scalars(
        select(Lesson).where(Lesson.is_active.is_(True)).order_by(Lesson.position, Lesson.id)
    ):
        lessons.setdefault(lesson.module_id, []).append(
            LessonShape(lesson.id, lesson.id in counted_lesson_ids)
        )
    modules: dict[int, list[ModuleShape]] = {}
    for module in db.session.scalars(
        select(Module).where(Module.is_active.is_(True)).order_by(Module.position, Module.id)
    ):
        quiz = quizzes.get(module.id)
        quiz_shape = None
        if quiz is not None:
            quiz_shape = QuizShape(quiz.id, quiz.pass_mark, tuple(questions.get(quiz.id, ())))
        modules.setdefault(module.course_id, []).append(
            ModuleShape(module.id, tuple(lessons.get(module.id, ())), quiz_shape)
        )
    return [
        CourseShape(course.id, course.language, tuple(course.language_list), tuple(found))
        for course in db.session.scalars(
            select(Course).where(Course.is_active.is_(True)).order_by(Course.id)
        )
        if (found := modules.get(course.id))
    ]


def first_free_ids(connection: Connection, tables: dict[str, Table]) -> dict[str, int]:
    """One past the highest id in use in each table."""
    return {
        name: connection.scalar(select(func.coalesce(func.max(table.c.id), 0))) + 1
        for name, table in tables.items()
    }


def reset_id_sequences(connection: Connection, tables: dict[str, Table]) -> None:
    """PostgreSQL hands out ids from sequences; move them past the ids given here."""
    if connection.dialect.name != "postgresql":
        return
    for name, table in tables.items():
        highest = select(func.max(table.c.id)).scalar_subquery()
        connection.execute(select(func.setval(func.pg_get_serial_sequence(name, "id"), highest)))


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Core executemany; on PostgreSQL, COPY, since psycopg sends an executemany without
    RETURNING as one INSERT per row. Every row has the same keys."""
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), rows)
        return
    dialect = connection.dialect
    columns = list(rows[0])
    # The same conversions an insert() would make (aware datetimes to naive UTC, JSON).
    processors = [
        (n, process)
        for n, name in enumerate(columns)
        if (process := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    ]
    values = itemgetter(*columns)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    cursor = connection.connection.driver_connection.cursor()
    with cursor, cursor.copy(statement) as copy:
        for row in rows:
            record = list(values(row))
            for n, process in processors:
                if record[n] is not None:
                    record[n] = process(record[n])
            copy.write_row(record)


def generate_demo_data(
    learners: int,
    seed: int = 1,
    *,
    now: datetime | None = None,
    chunk_size: int | None = None,
    on_chunk: Callable[[int], None] | None = None,
) -> DemoReport:
    """Writes a demo network with `learners` learners and their progress, the same rows for
    the same seed, courses and `now` (default: midnight UTC today); refuses when there are no
    usable courses or demo data is already there. Writes in the session's transaction and
    never commits, so the caller keeps all of it or none."""
    if db.session.scalar(select(Organisation.id).where(Organisation.code == DEMO_NETWORK_CODE)):
        raise DemoError(DemoError.ALREADY_THERE)
    courses = course_shapes()
    if not courses:
        raise DemoError(DemoError.NO_COURSES)
    connection = db.session.connection()
    tables = demo_tables()
    conventions = Conventions(
        password_hash=hash_password(DEMO_PASSWORD),
        username_key=username_key,
        join_code_alphabet=JOIN_CODE_ALPHABET,
        join_code_length=JOIN_CODE_LENGTH,
        certificate_code_bytes=CODE_BYTES,
        taken_usernames=frozenset(db.session.scalars(select(User.username_key))),
        taken_join_codes=frozenset(db.session.scalars(select(LearningClass.join_code))),
    )
    try:
        plan = DemoPlan(
            seed=seed,
            learners=learners,
            courses=courses,
            now=now or start_of_today(),
            first_ids=first_free_ids(connection, tables),
            conventions=conventions,
        )
    except ValueError as error:  # no course can be completed, or a question type it cannot answer
        raise DemoError(DemoError.COURSES_UNUSABLE) from error
    for batch in plan.batches(chunk_size or CHUNK_LEARNERS):
        for name, rows in batch.items():
            insert_rows(connection, tables[name], rows)
        if on_chunk is not None:
            on_chunk(plan.learners_done)
    reset_id_sequences(connection, {name: tables[name] for name in plan.counts})
    report_rows = rebuild_all()  # the rows went in around the services that keep these
    return DemoReport(
        counts={name: plan.counts[name] for name in TABLE_ORDER},
        report_rows=report_rows,
        staff_username=plan.staff_username,
        librarian_username=plan.librarian_username,
        librarian_branch=plan.librarian_branch,
        password=DEMO_PASSWORD,
    )
