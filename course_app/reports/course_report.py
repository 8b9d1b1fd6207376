"""One course: how many started and finished each module, where learners stop, and which
quiz questions are missed most. The learners counted are those who started the course in
the date range (and match the other filters), so every figure is about the same people."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from flask_babel import get_locale
from sqlalchemy import (
    CompoundSelect,
    and_,
    bindparam,
    func,
    literal,
    select,
    union_all,
)

from course_app.accounts.models import Learner, User
from course_app.caching import cache
from course_app.content.localize import localized
from course_app.content.models import Course, Lesson, Module, Question, Quiz
from course_app.db import utc_now
from course_app.extensions import db
from course_app.learning.models import Enrolment
from course_app.libraries.access import subtree_ids
from course_app.reports.course_cells import (
    CERTIFICATE,
    ENROLMENT,
    LESSON,
    MODULE,
    QUESTION,
    cohort,
    course_items,
)
from course_app.reports.courses import ReportCourse
from course_app.reports.filters import ReportFilter, ReportScope
from course_app.reports.models import ITEM_COLUMNS, ReportCourseCell
from course_app.reports.monthly import split_range

# The kind of the rows counting where unfinished learners stopped (the cells' kinds are
# single letters too).
STOPPED = "S"

# What the report shows of the course's modules, lessons and questions: a few columns read
# in the reader's language, never whole rows (a lesson's row carries its body in every
# language).


class ModuleItem(NamedTuple):
    id: int
    position: int
    title: str


class LessonItem(NamedTuple):
    id: int
    key: str
    title: str


class QuestionItem(NamedTuple):
    id: int
    position: int
    prompt_html: str


@dataclass
class LessonLine:
    lesson: LessonItem
    completed: int = 0
    stopped_here: int = 0


@dataclass
class ModuleLine:
    module: ModuleItem
    started: int = 0
    completed: int = 0
    lessons: list[LessonLine] = field(default_factory=list)


@dataclass
class QuestionLine:
    question: QuestionItem
    module: ModuleItem
    answers: int
    correct: int
    learners: int

    @property
    def percent_correct(self) -> int | None:
        return round(100 * self.correct / self.answers) if self.answers else None


@dataclass
class CourseReport:
    course: Course | ReportCourse
    started: int
    completed: int
    certificates: int
    modules: list[ModuleLine]
    questions: list[QuestionLine]

    @property
    def funnel(self) -> list[tuple[str, int]]:
        steps = [("started", self.started)]
        steps += [(f"module:{line.module.id}", line.completed) for line in self.modules]
        return steps + [("completed", self.completed), ("certificate", self.certificates)]

    @property
    def drop_off(self) -> LessonLine | None:
        """The lesson most unfinished learners opened last; none when nobody stopped."""
        lines = [lesson for module in self.modules for lesson in module.lessons]
        worst = max(lines, key=lambda line: line.stopped_here, default=None)
        return worst if worst is not None and worst.stopped_here else None


def _figures(
    course: Course | ReportCourse, f: ReportFilter, scope: ReportScope
) -> dict[tuple[str, int], tuple]:
    """(kind, item) -> (learners, answers, correct, finished) for the learners who started the
    course in the range: whole months from the cells, the days a range cuts out of a month
    counted from the source tables, summed; and (STOPPED, lesson) -> (learners, 0, 0, 0) for
    those of them who have not finished and opened that lesson last. One query."""
    if f.topic is not None and f.topic != course.topic:
        return {}  # the course is not in the chosen topic: nobody is counted
    months, spans = split_range(f.start_at, f.end_before, utc_now())
    params = {"course_id": course.id, "start_at": f.start_at, "end_before": f.end_before}
    if months:
        params |= {"first_month": months[0], "last_month": months[-1]}
    for n, (since, before) in enumerate(spans):
        params |= {f"since_{n}": since, f"before_{n}": before}
    if f.organisation_id is not None:
        params["organisation_id"] = f.organisation_id
    if scope.system is not None:
        params["system_id"] = scope.system.id
    if f.language is not None:
        params["language"] = f.language
    statement = _figures_statement(
        bool(months),
        len(spans),
        f.organisation_id is not None,
        scope.system is not None,
        f.language is not None,
    )
    return {
        (kind, item): tuple(int(v or 0) for v in values)
        for kind, item, *values in db.session.execute(statement, params)
    }


# Built once per shape of filter, the values bound at run time: building and keying this
# statement costs about a millisecond, on every course report.
@lru_cache(maxsize=64)
def _figures_statement(
    months: bool, spans: int, library: bool, system: bool, language: bool
) -> CompoundSelect:
    def filters(organisation_id: Any, language_column: Any) -> list:
        found = []
        if library:
            found.append(organisation_id.in_(subtree_ids(bindparam("organisation_id"))))
        if system:
            found.append(organisation_id.in_(ReportScope.ids_under(bindparam("system_id"))))
        if language:
            found.append(language_column == bindparam("language"))
        return found

    parts = []
    if months:
        cell = ReportCourseCell
        parts.append(
            select(cell.kind, cell.item_id, *[cell.__table__.c[n] for n in ITEM_COLUMNS]).where(
                cell.course_id == bindparam("course_id"),
                cell.month >= bindparam("first_month"),
                cell.month <= bindparam("last_month"),
                *filters(cell.organisation_id, cell.language),
            )
        )
    for i in range(spans):
        span = cohort(
            course_id=bindparam("course_id"),
            since=bindparam(f"since_{i}"),
            before=bindparam(f"before_{i}"),
        ).subquery("span")
        chosen = select(span).where(*filters(span.c.organisation_id, span.c.language))
        items = course_items(chosen.subquery("chosen"), ()).subquery("items")
        parts.append(select(items.c.kind, items.c.item_id, *[items.c[n] for n in ITEM_COLUMNS]))
    rows = union_all(*parts).subquery("rows") if len(parts) > 1 else parts[0].subquery("rows")
    summed = select(
        rows.c.kind, rows.c.item_id, *[func.sum(rows.c[n]) for n in ITEM_COLUMNS]
    ).group_by(rows.c.kind, rows.c.item_id)

    # Where unfinished learners stopped: counted now from their enrolments (the cells keep
    # no last lesson); the library filters read the learner's library as the cells do.
    stopped = select(
        literal(STOPPED),
        Enrolment.last_lesson_id,
        func.count(),
        *[literal(0) for _ in ITEM_COLUMNS[1:]],
    ).where(
        Enrolment.course_id == bindparam("course_id"),
        Enrolment.started_at >= bindparam("start_at"),
        Enrolment.started_at < bindparam("end_before"),
        Enrolment.completed_at.is_(None),
        Enrolment.last_lesson_id.is_not(None),
    )
    if library or system:
        stopped = stopped.outerjoin(Learner, Learner.id == Enrolment.learner_id).outerjoin(
            User, User.id == Learner.user_id
        )
    stopped = stopped.where(*filters(User.organisation_id, Enrolment.language))
    return union_all(summed, stopped.group_by(Enrolment.last_lesson_id))


def course_report(
    course: Course | ReportCourse, f: ReportFilter, scope: ReportScope
) -> CourseReport:
    """The whole course report in two queries, whatever the number of learners."""
    figures = _figures(course, f, scope)
    modules, questions = _contents(course)
    zero = (0, 0, 0, 0)
    enrolled = figures.get((ENROLMENT, 0), zero)
    lines = []
    for module, lessons in modules:
        started_module, _, _, completed_module = figures.get((MODULE, module.id), zero)
        line = ModuleLine(module=module, started=started_module, completed=completed_module)
        line.lessons = [
            LessonLine(
                lesson,
                figures.get((LESSON, lesson.id), zero)[0],
                figures.get((STOPPED, lesson.id), zero)[0],
            )
            for lesson in lessons
        ]
        lines.append(line)
    return CourseReport(
        course=course,
        started=enrolled[0],
        completed=enrolled[3],
        certificates=figures.get((CERTIFICATE, 0), zero)[0],
        modules=lines,
        questions=_questions(figures, questions),
    )


Contents = tuple[
    tuple[tuple[ModuleItem, tuple[LessonItem, ...]], ...],
    tuple[tuple[QuestionItem, ModuleItem], ...],
]


def _contents(course: Course | ReportCourse) -> Contents:
    """The active modules in order, each with its active lessons in order; and the questions
    of their quizzes, each with its module."""
    language = str(get_locale())
    key = (course.id, course.content_hash, language)
    # Kept per course version and language (caching.py): only an import changes a course's
    # modules, lessons and questions, and it changes the course's content hash with them.
    return cache("report-contents").get_or_make(key, lambda: _contents_of(course.id, language))


def _contents_of(course_id: int, language: str | None) -> Contents:
    rows = db.session.execute(_contents_statement(language), {"course_id": course_id})
    modules: dict[int, tuple[ModuleItem, list[LessonItem]]] = {}
    found: list[tuple[QuestionItem, ModuleItem]] = []
    for module_id, module_position, title, kind, item_id, position, key, text in rows:
        module, lessons_in = modules.setdefault(
            module_id, (ModuleItem(module_id, module_position, title), [])
        )
        if kind == QUESTION:
            found.append((QuestionItem(item_id, position, text), module))
        elif item_id is not None:
            lessons_in.append(LessonItem(item_id, key, text))
    return tuple((module, tuple(lessons)) for module, lessons in modules.values()), tuple(found)


# Built once per language: building and keying this union costs about as much as running it.
@lru_cache(maxsize=8)
def _contents_statement(language: str | None) -> CompoundSelect:
    module_columns = [
        Module.id.label("module_id"),
        Module.position.label("module_position"),
        localized(Module.title, language),
    ]
    in_course = (Module.course_id == bindparam("course_id"), Module.is_active.is_(True))
    lessons = (
        select(
            *module_columns,
            literal(LESSON).label("kind"),
            Lesson.id.label("item_id"),
            Lesson.position.label("item_position"),
            Lesson.key,
            localized(Lesson.title, language).label("text"),
        )
        .outerjoin(Lesson, and_(Lesson.module_id == Module.id, Lesson.is_active.is_(True)))
        .where(*in_course)
    )
    questions = (
        select(
            *module_columns,
            literal(QUESTION),
            Question.id,
            Question.position,
            Question.key,
            localized(Question.prompt_html, language),
        )
        .join(Quiz, Quiz.module_id == Module.id)
        .join(Question, Question.quiz_id == Quiz.id)
        .where(*in_course)
    )
    return union_all(lessons, questions).order_by(
        "module_position", "module_id", "kind", "item_position"
    )


def _questions(
    figures: dict[tuple[str, int], tuple], questions: tuple[tuple[QuestionItem, ModuleItem], ...]
) -> list[QuestionLine]:
    """The answered quiz questions, most missed first (lowest share of right answers)."""
    lines: list[QuestionLine] = []
    for question, module in questions:
        learners, answers, correct, _ = figures.get((QUESTION, question.id), (0, 0, 0, 0))
        if answers:
            lines.append(QuestionLine(question, module, answers, correct, learners))
    lines.sort(
        key=lambda line: (line.percent_correct, line.module.position, line.question.position)
    )
    return lines
