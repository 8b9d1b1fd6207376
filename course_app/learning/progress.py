"""Progress: what learners have done in courses, read in one statement, and the one rule of
when a module or a course is finished.

Every page that shows progress (the course page, a lesson, My learning, class pages and
their CSV, the certificate check) reads it here, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from sqlalchemy import Select, String, bindparam, cast, literal, null, select, union_all
from sqlalchemy.sql.elements import BindParameter

from course_app.db import UTCDateTime
from course_app.extensions import db
from course_app.learning.models import Enrolment, LessonProgress, Milestone, MilestoneKind
from course_app.learning.plan import LESSON, QUIZ, CoursePlan, Step

StepRef = tuple[str, int]


def finished(steps: Iterable[Step], done: Collection[StepRef]) -> bool:
    """The completion rule: a module or a course is finished when it counts at least one step
    and every step it counts is done (a lesson marked done, a quiz passed).

    It decides only when a completion is recorded; once recorded, a completion stands (see
    CourseProgress.completed_at and courses/README.md)."""
    counted = [s for s in steps if s.counts]
    return bool(counted) and all(s.ref in done for s in counted)


@dataclass(frozen=True)
class EnrolmentFacts:
    started_at: datetime
    last_activity_at: datetime
    completed_at: datetime | None
    language: str | None
    last_lesson_id: int | None


@dataclass(frozen=True)
class ModuleProgress:
    done: int
    total: int
    started: bool
    completed_at: datetime | None

    @property
    def percent(self) -> int:
        return min(100, (100 * self.done) // self.total) if self.total else 0

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


@dataclass
class CourseProgress:
    """One learner in one course: steps done, the next one, quizzes passed, completion."""

    plan: CoursePlan
    learner_id: int | None
    enrolment: EnrolmentFacts | None = None
    lessons_done: dict[int, datetime] = field(default_factory=dict)
    milestones: dict[tuple[str, int], datetime] = field(default_factory=dict)

    @cached_property
    def done(self) -> frozenset[StepRef]:
        """Every step done: lessons marked done and quizzes passed (counted or not)."""
        passed = {
            (QUIZ, item) for kind, item in self.milestones if kind == MilestoneKind.QUIZ_PASSED
        }
        return frozenset({(LESSON, lesson_id) for lesson_id in self.lessons_done} | passed)

    def is_done(self, step: Step) -> bool:
        return step.ref in self.done

    def quiz_tried(self, quiz_id: int) -> bool:
        return (MilestoneKind.QUIZ_TRIED, quiz_id) in self.milestones

    def quiz_passed(self, quiz_id: int) -> bool:
        return (MilestoneKind.QUIZ_PASSED, quiz_id) in self.milestones

    @property
    def started(self) -> bool:
        return self.enrolment is not None

    @property
    def steps_total(self) -> int:
        return len(self.plan.counted)

    @property
    def steps_done(self) -> int:
        return len(self.done & self.plan.counted_refs)

    @property
    def percent(self) -> int:
        total = self.steps_total
        return min(100, (100 * self.steps_done) // total) if total else 0

    @property
    def completed_at(self) -> datetime | None:
        """When the course was finished; it stays finished when a re-import adds steps."""
        return self.enrolment.completed_at if self.enrolment else None

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    @property
    def all_done(self) -> bool:
        """Every step the course counts now is done (the rule, applied to today's content)."""
        return finished(self.plan.counted, self.done)

    @cached_property
    def next_step(self) -> Step | None:
        """The first step in course order that is not done; None when all are."""
        return next((s for s in self.plan.counted if s.ref not in self.done), None)

    @property
    def new_since_completion(self) -> list[Step]:
        """Steps added after the learner finished the course and not done yet."""
        if not self.is_complete:
            return []
        return [s for s in self.plan.counted if s.ref not in self.done]

    def module(self, module_id: int) -> ModuleProgress:
        plan = self.plan.module(module_id)
        completed_at = self.milestones.get((MilestoneKind.MODULE_FINISHED, module_id))
        if plan is None:
            return ModuleProgress(0, 0, False, completed_at)
        # Set operations on the plan's refs: a class page asks this for every patron.
        done = self.done
        milestones = self.milestones
        tried = bool(milestones) and any(
            (MilestoneKind.QUIZ_TRIED, quiz_id) in milestones for quiz_id in plan.quiz_ids
        )
        return ModuleProgress(
            done=len(done & plan.counted_refs),
            total=len(plan.counted_refs),
            started=tried or not done.isdisjoint(plan.refs),
            completed_at=completed_at,
        )

    def modules_to_record(self) -> list[int]:
        """Modules the rule says are finished that have no completion recorded yet."""
        return [
            m.id
            for m in self.plan.modules
            if (MilestoneKind.MODULE_FINISHED, m.id) not in self.milestones
            and finished(m.steps, self.done)
        ]

    @property
    def last_activity_at(self) -> datetime | None:
        return self.enrolment.last_activity_at if self.enrolment else None


# --- reading -------------------------------------------------------------------------------


def _progress_rows(learner_ids, course_ids) -> Select:
    """Enrolments ("E"), lessons done ("L") and milestones (their kind) of the learners in the
    courses, as one UNION ALL: one round trip for one learner or a whole class."""
    no_time = cast(null(), UTCDateTime())
    no_text = cast(null(), String)
    enrolments = select(
        Enrolment.learner_id,
        Enrolment.course_id,
        literal("E").label("kind"),
        Enrolment.last_lesson_id.label("item_id"),
        Enrolment.started_at.label("at"),
        Enrolment.completed_at,
        Enrolment.last_activity_at.label("last_at"),
        Enrolment.language,
    )
    lessons = select(
        LessonProgress.learner_id,
        LessonProgress.course_id,
        literal("L"),
        LessonProgress.lesson_id,
        LessonProgress.completed_at,
        no_time,
        no_time,
        no_text,
    )
    milestones = select(
        Milestone.learner_id,
        Milestone.course_id,
        Milestone.kind,
        Milestone.item_id,
        Milestone.at,
        no_time,
        no_time,
        no_text,
    )
    parts = []
    for part, table in (
        (enrolments, Enrolment),
        (lessons, LessonProgress),
        (milestones, Milestone),
    ):
        parts.append(
            part.where(_within(table.learner_id, learner_ids), _within(table.course_id, course_ids))
        )
    return union_all(*parts)


def _within(column, values):
    if isinstance(values, int | BindParameter):
        return column == values
    return column.in_(values)


# Built once: it runs on every lesson a signed-in learner reads.
_ONE_LEARNER_ONE_COURSE = _progress_rows(bindparam("learner_id"), bindparam("course_id"))


@dataclass
class ProgressBook:
    """Progress of many learners in many courses, from one read."""

    plans: dict[int, CoursePlan]
    entries: dict[tuple[int, int], CourseProgress]
    # Learners with nothing in a course, kept apart from `entries` (which holds only what was
    # read) so that a page asking several times about them builds their progress once.
    _blank: dict[tuple[int, int], CourseProgress] = field(
        default_factory=dict, init=False, repr=False
    )

    def get(self, learner_id: int, course_id: int) -> CourseProgress:
        key = (learner_id, course_id)
        found = self.entries.get(key) or self._blank.get(key)
        if found is None:
            found = self._blank[key] = CourseProgress(self.plans[course_id], learner_id)
        return found


def read_progress(
    learner_ids: int | Iterable[int] | Select, plans: Iterable[CoursePlan]
) -> ProgressBook:
    """Progress of the learners (ids, or a SELECT of ids) in the planned courses, in one
    statement."""
    plans = {plan.course_id: plan for plan in plans}
    entries: dict[tuple[int, int], CourseProgress] = {}
    if not plans:
        return ProgressBook(plans, entries)
    if not isinstance(learner_ids, int | Select):
        learner_ids = list(learner_ids)
        if not learner_ids:
            return ProgressBook(plans, entries)
    course_ids = next(iter(plans)) if len(plans) == 1 else sorted(plans)
    if isinstance(learner_ids, int) and isinstance(course_ids, int):
        statement, params = (
            _ONE_LEARNER_ONE_COURSE,
            {"learner_id": learner_ids, "course_id": course_ids},
        )
    else:
        statement, params = _progress_rows(learner_ids, course_ids), {}
    # Rows are unpacked as plain tuples and filed straight into their entry: a class page
    # reads thousands of them, and looking columns up by name cost more than the query.
    for row in db.session.execute(statement, params).tuples():
        learner_id, course_id, kind, item_id, at, completed_at, last_at, language = row
        key = (learner_id, course_id)
        progress = entries.get(key)
        if progress is None:
            progress = entries[key] = CourseProgress(plans[course_id], learner_id)
        if kind == "L":
            progress.lessons_done[item_id] = at
        elif kind == "E":
            progress.enrolment = EnrolmentFacts(at, last_at, completed_at, language, item_id)
        else:
            progress.milestones[(kind, item_id)] = at
    return ProgressBook(plans, entries)


def read_one(learner_id: int | None, plan: CoursePlan) -> CourseProgress:
    """One learner's progress in one course (nothing to read for a guest with no learner)."""
    if learner_id is None:
        return CourseProgress(plan, None)
    return read_progress(learner_id, [plan]).get(learner_id, plan.course_id)
