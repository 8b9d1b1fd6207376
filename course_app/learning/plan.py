"""A course's path: its active modules, lessons and quizzes in order, which steps count
towards finishing, and their titles in one language.

Plain frozen values, read in three queries and kept per course version and language (see
caching.py), so pages and the progress rule never load content rows to walk a course.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import and_, select

from course_app.caching import cache
from course_app.content.localize import localized, reading_language
from course_app.content.models import Course, Lesson, Module, Quiz
from course_app.extensions import db
from course_app.learning.rules import counted_lessons, counted_quizzes

LESSON = "lesson"
QUIZ = "quiz"


@dataclass(frozen=True)
class Step:
    """One stop on the path: a lesson or a module's quiz."""

    kind: str  # LESSON or QUIZ
    id: int
    key: str
    title: str
    module_id: int
    counts: bool  # counts towards finishing its module and the course
    minutes: int = 0

    @property
    def ref(self) -> tuple[str, int]:
        return (self.kind, self.id)

    @property
    def endpoint(self) -> str:
        return "learning.lesson" if self.kind == LESSON else "quizzes.take"


@dataclass(frozen=True)
class ModulePlan:
    id: int
    key: str
    title: str
    steps: tuple[Step, ...]

    @property
    def lessons(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.kind == LESSON)

    @property
    def quiz(self) -> Step | None:
        return next((s for s in self.steps if s.kind == QUIZ), None)

    @property
    def counted(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.counts)

    @cached_property
    def refs(self) -> frozenset[tuple[str, int]]:
        return frozenset(s.ref for s in self.steps)

    @cached_property
    def counted_refs(self) -> frozenset[tuple[str, int]]:
        return frozenset(s.ref for s in self.steps if s.counts)

    @cached_property
    def quiz_ids(self) -> tuple[int, ...]:
        return tuple(s.id for s in self.steps if s.kind == QUIZ)


@dataclass(frozen=True)
class CoursePlan:
    course_id: int
    slug: str
    content_hash: str
    language: str
    title: str
    modules: tuple[ModulePlan, ...]

    @cached_property
    def steps(self) -> tuple[Step, ...]:
        return tuple(s for m in self.modules for s in m.steps)

    @cached_property
    def counted(self) -> tuple[Step, ...]:
        """The steps that finishing the course takes, in course order."""
        return tuple(s for s in self.steps if s.counts)

    @cached_property
    def counted_refs(self) -> frozenset[tuple[str, int]]:
        """The counted steps' refs, to count a learner's done steps with one set operation."""
        return frozenset(s.ref for s in self.counted)

    @cached_property
    def quiz_ids(self) -> frozenset[int]:
        return frozenset(s.id for s in self.steps if s.kind == QUIZ)

    @cached_property
    def lessons(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.kind == LESSON)

    def find(self, kind: str, key: str) -> Step | None:
        return next((s for s in self.steps if s.kind == kind and s.key == key), None)

    def module(self, module_id: int) -> ModulePlan | None:
        return self._modules_by_id.get(module_id)

    @cached_property
    def _modules_by_id(self) -> dict[int, ModulePlan]:
        return {m.id: m for m in self.modules}

    def neighbours(self, step: Step) -> tuple[Step | None, Step | None]:
        steps = self.steps
        n = steps.index(step)
        return (steps[n - 1] if n > 0 else None, steps[n + 1] if n + 1 < len(steps) else None)

    @property
    def first_step(self) -> Step | None:
        return self.steps[0] if self.steps else None


def course_plan(course: Course, language: str | None = None) -> CoursePlan:
    """The course's path with titles in `language` (the course's own when it has no such
    translation)."""
    return course_plans([course], language)[0]


def course_plans(courses: Sequence[Course], language: str | None = None) -> list[CoursePlan]:
    """The plans of several courses, in their order: those not kept yet are read together,
    in four queries whatever their number."""
    plans = cache("course-plans")
    keys = [(c.id, c.content_hash, reading_language(c, language)) for c in courses]
    found = {key: plans.get(key) for key in keys}
    missing = [key for key, plan in found.items() if plan is None]
    if missing:
        by_language: dict[str, list[tuple]] = defaultdict(list)
        for key in missing:
            by_language[key[2]].append(key)
        slugs = {c.id: c.slug for c in courses}
        for lang, lang_keys in by_language.items():
            for plan in _read_plans({key[0]: (slugs[key[0]], key[1]) for key in lang_keys}, lang):
                found[(plan.course_id, plan.content_hash, lang)] = plan
                plans.put((plan.course_id, plan.content_hash, lang), plan)
    return [found[key] for key in keys]


def _read_plans(versions: dict[int, tuple[str, str]], language: str) -> list[CoursePlan]:
    """Plans of the courses {id: (slug, content hash)} in one language: four queries."""
    ids = sorted(versions)
    titles = dict(
        db.session.execute(
            select(Course.id, localized(Course.title, language)).where(Course.id.in_(ids))
        ).all()
    )
    modules = db.session.execute(
        select(Module.course_id, Module.id, Module.key, localized(Module.title, language))
        .where(Module.course_id.in_(ids), Module.is_active.is_(True))
        .order_by(Module.course_id, Module.position)
    ).all()
    steps: dict[int, list[Step]] = {module_id: [] for _c, module_id, _k, _t in modules}
    for row in db.session.execute(
        select(
            Lesson.id,
            Lesson.key,
            localized(Lesson.title, language),
            Lesson.module_id,
            and_(*counted_lessons()).label("counts"),
            Lesson.minutes,
        )
        .join(Module, Module.id == Lesson.module_id)
        .where(Lesson.course_id.in_(ids), Lesson.is_active.is_(True))
        .order_by(Lesson.position)
    ):
        if row.module_id in steps:
            steps[row.module_id].append(Step(LESSON, *row[:4], bool(row.counts), row.minutes))
    for row in db.session.execute(
        select(
            Quiz.id,
            Quiz.key,
            localized(Quiz.title, language),
            Quiz.module_id,
            and_(*counted_quizzes()).label("counts"),
        )
        .join(Module, Module.id == Quiz.module_id)
        .where(Quiz.course_id.in_(ids), Quiz.is_active.is_(True))
    ):
        if row.module_id in steps:
            steps[row.module_id].append(Step(QUIZ, *row[:4], bool(row.counts)))
    per_course: dict[int, list[ModulePlan]] = defaultdict(list)
    for course_id, module_id, key, title in modules:
        per_course[course_id].append(ModulePlan(module_id, key, title, tuple(steps[module_id])))
    return [
        CoursePlan(
            course_id,
            versions[course_id][0],
            versions[course_id][1],
            language,
            titles[course_id],
            tuple(per_course[course_id]),
        )
        for course_id in ids
    ]
