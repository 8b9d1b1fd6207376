"""Seeded generation of demo rows as plain dicts, ready for bulk inserts. No Flask, no database.

Everything is drawn from one random.Random(seed) in a fixed order, so the same seed, learner
count, courses, first ids and `now` give the same rows whatever the chunk size. Each learner's
story follows the app's rules: lessons in course order, a module's quiz after its lessons, a
course complete exactly when every counted lesson is done and every counted quiz passed.
"""

from __future__ import annotations

import base64
import math
import random
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from course_app.demo import names
from course_app.demo.responses import ResponseChoices, plausible_responses
from course_app.quizzes.grading import has_passed, score_percent

# Parents before children, so each batch can be inserted in this order.
TABLE_ORDER = (
    "organisations",
    "users",
    "learners",
    "classes",
    "class_members",
    "assignments",
    "enrolments",
    "lesson_progress",
    "quiz_attempts",
    "attempt_answers",
    "certificates",
)

HISTORY_DAYS = 730  # learners arrive over the last 24 months
GROWTH = 3.0  # four times as many learners arrive in the last month as in the first
GUEST_SHARE = 0.10
SPANISH_SHARE = 0.20
COURSE_COUNTS = (1, 2, 3)
COURSE_COUNT_WEIGHTS = (0.15, 0.25, 0.6)
NEXT_COURSE_DAYS = 14  # mean days between starting one course and the next
FIRST_LESSON_DONE = 0.96  # the others viewed the first lesson only
KEEP_GOING = (0.86, 0.92)  # chance of doing each next lesson, drawn per enrolment
TAKE_QUIZ = 0.97  # chance of taking a module's quiz after its lessons
SKIP_OPTIONAL = 0.35
HARD_QUESTION_SHARE = 0.25
LEARNING_PER_ATTEMPT = 0.08
RETRY_CHANCE = (1.0, 0.9, 0.75, 0.6)  # of a 2nd, 3rd, 4th attempt after failing
CERTIFICATE_SHARE = 0.95
REVOKED_SHARE = 0.01
CLASS_JOIN_SHARE = 0.08
TINY_BRANCHES = 3  # with fewer than 5 patrons, so reports' privacy suppression shows
STAFF_USERS = 2


@dataclass(frozen=True)
class QuestionShape:
    id: int
    type: str
    data: Mapping[str, Any]


@dataclass(frozen=True)
class QuizShape:
    id: int
    pass_mark: int
    questions: tuple[QuestionShape, ...]


@dataclass(frozen=True)
class LessonShape:
    id: int
    counted: bool  # counts towards completion (required, active, in an active module)


@dataclass(frozen=True)
class ModuleShape:
    id: int
    lessons: tuple[LessonShape, ...]
    quiz: QuizShape | None  # only a quiz that counts towards completion


@dataclass(frozen=True)
class CourseShape:
    """An active course as learners meet it: active modules, lessons and quizzes in order."""

    id: int
    language: str
    languages: tuple[str, ...]
    modules: tuple[ModuleShape, ...]

    @property
    def steps(self) -> list[LessonShape | QuizShape]:
        steps: list[LessonShape | QuizShape] = []
        for module in self.modules:
            steps.extend(module.lessons)
            if module.quiz is not None:
                steps.append(module.quiz)
        return steps


@dataclass(frozen=True)
class Conventions:
    """What the app's own code decides, handed in so this module needs none of it."""

    password_hash: str
    username_key: Callable[[str], str]
    join_code_alphabet: str
    join_code_length: int
    certificate_code_bytes: int
    taken_usernames: frozenset[str] = frozenset()
    taken_join_codes: frozenset[str] = frozenset()


@dataclass
class _Course:
    shape: CourseShape
    steps: list[LessonShape | QuizShape]
    last_counted: int  # index of the last step that counts; optional lessons after it are skipped
    counted_lessons: frozenset[int]
    quiz_ids: frozenset[int]
    first_lesson_id: int | None
    module_ids: list[int]


@dataclass(eq=False)
class _Class:
    id: int
    created_at: datetime
    created_by_id: int
    ready_at: datetime  # when its class-wide assignments exist
    capacity: int = 0
    course_ids: list[int] = field(default_factory=list)
    members: list[tuple[int, datetime]] = field(default_factory=list)


@dataclass(eq=False)
class _Branch:
    id: int
    name: str
    librarians: list[tuple[int, str]] = field(default_factory=list)  # (user id, username)
    classes: list[_Class] = field(default_factory=list)


def _new_batch() -> dict[str, list[dict[str, Any]]]:
    return {name: [] for name in TABLE_ORDER}


def _cumulative(weights) -> list[float]:
    total, cumulative = 0.0, []
    for weight in weights:
        total += weight
        cumulative.append(total)
    return cumulative


def _ascii_name(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


class DemoPlan:
    """The rows of one demo network, yielded in batches by `batches()`."""

    def __init__(
        self,
        *,
        seed: int,
        learners: int,
        courses: list[CourseShape],
        now: datetime,
        first_ids: Mapping[str, int],
        conventions: Conventions,
    ):
        if learners < 1:
            raise ValueError("at least one learner is needed")
        self.rng = random.Random(seed)
        self.learners = learners
        self.now = now
        self.start = now - timedelta(days=HISTORY_DAYS)
        self.conventions = conventions
        self.counts: Counter[str] = Counter()
        self.learners_done = 0
        self.staff_username = ""
        self.librarian_username = ""
        self.librarian_branch = ""
        self._next_ids = {name: first_ids.get(name, 1) for name in TABLE_ORDER}
        self._courses = [self._course(c) for c in courses]
        self._courses = [c for c in self._courses if c.counted_lessons or c.quiz_ids]
        if not self._courses:
            raise ValueError("no course has a lesson or quiz that counts towards completion")
        self._by_id = {c.shape.id: c for c in self._courses}
        self._responses: dict[int, tuple[float, ResponseChoices]] = {}
        self._course_cum: list[float] = []
        self._branches: list[_Branch] = []
        self._tiny: dict[int, _Branch] = {}
        self._open_branches: list[_Branch] = []
        self._branch_cum: list[float] = []
        self._classes: list[_Class] = []
        self._join_codes = set(conventions.taken_join_codes)

    def batches(self, chunk_size: int = 2000) -> Iterator[dict[str, list[dict[str, Any]]]]:
        """The network first, then the learners chunk by chunk, then per-patron assignments.

        Each batch maps table names to rows, parents first (TABLE_ORDER); empty tables left out.
        """
        yield self._finish(self._setup())
        for first in range(0, self.learners, chunk_size):
            batch = _new_batch()
            last = min(first + chunk_size, self.learners)
            for index in range(first, last):
                self._learner(batch, index)
            self.learners_done = last
            yield self._finish(batch)
        yield self._finish(self._patron_assignments())

    def _finish(self, batch: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
        batch = {name: rows for name, rows in batch.items() if rows}
        for name, rows in batch.items():
            self.counts[name] += len(rows)
        return batch

    def _take_id(self, table: str) -> int:
        value = self._next_ids[table]
        self._next_ids[table] = value + 1
        return value

    # The network: courses' and questions' character, libraries, staff, classes.

    def _course(self, shape: CourseShape) -> _Course:
        steps = shape.steps
        lessons = [s for s in steps if isinstance(s, LessonShape)]
        counted = [n for n, s in enumerate(steps) if isinstance(s, QuizShape) or s.counted]
        return _Course(
            shape=shape,
            steps=steps,
            last_counted=counted[-1] if counted else -1,
            counted_lessons=frozenset(s.id for s in lessons if s.counted),
            quiz_ids=frozenset(s.id for s in steps if isinstance(s, QuizShape)),
            first_lesson_id=lessons[0].id if lessons else None,
            module_ids=[m.id for m in shape.modules],
        )

    def _setup(self) -> dict[str, list[dict[str, Any]]]:
        rng, batch = self.rng, _new_batch()
        for course in self._courses:
            for step in course.steps:
                if isinstance(step, QuizShape):
                    for question in step.questions:
                        hard = rng.random() < HARD_QUESTION_SHARE
                        chance = rng.uniform(0.5, 0.72) if hard else rng.uniform(0.82, 0.97)
                        choices = plausible_responses(question.type, question.data)
                        self._responses[question.id] = (chance, choices)
        self._course_cum = _cumulative(rng.uniform(0.4, 3.0) for _ in self._courses)
        network = self._organisation(batch, "network", "Demo Library Network", "demo-network")
        for n in range(1, STAFF_USERS + 1):
            _, username = self._staff(batch, f"demo-staff-{n}", "staff", network)
            self.staff_username = self.staff_username or username
        for system_name, system_code in rng.sample(names.LIBRARY_SYSTEMS, rng.randint(4, 6)):
            code = f"demo-{system_code}"
            system = self._organisation(batch, "system", system_name, code, network)
            for name, branch_code in rng.sample(names.BRANCHES, rng.randint(3, 6)):
                org_id = self._organisation(batch, "branch", name, f"{code}-{branch_code}", system)
                branch = _Branch(org_id, name)
                for _ in range(rng.randint(1, 2)):
                    username = f"demo-librarian-{self._next_ids['users']}"
                    branch.librarians.append(self._staff(batch, username, "librarian", org_id))
                self._branches.append(branch)
        self._place_patrons()
        for branch in self._branches:
            for name in rng.sample(names.CLASS_NAMES, rng.randint(1, 4)):
                self._learning_class(batch, branch, name)
        return batch

    def _organisation(
        self, batch, kind: str, name: str, code: str, parent_id: int | None = None
    ) -> int:
        org_id = self._take_id("organisations")
        batch["organisations"].append(
            {
                "id": org_id,
                "parent_id": parent_id,
                "kind": kind,
                "name": name,
                "code": code,
                "created_at": self.start - timedelta(days=90),
                "is_active": True,
            }
        )
        return org_id

    def _staff(self, batch, username: str, role: str, organisation_id: int) -> tuple[int, str]:
        first, last = self._person_name(self.rng.random() < SPANISH_SHARE)
        user_id, username = self._take_id("users"), self._free_username(username)
        joined = self.start - timedelta(days=60)
        self._user(batch, user_id, username, f"{first} {last}", role, organisation_id, joined)
        return user_id, username

    def _place_patrons(self) -> None:
        """Tiny branches get a handful of patrons at set places in the run; the others share
        the rest unevenly."""
        rng = self.rng
        tiny = rng.sample(self._branches, min(TINY_BRANCHES, len(self._branches) - 1))
        sizes = [rng.randint(1, 4) for _ in tiny]
        slots = iter(rng.sample(range(self.learners), min(sum(sizes), self.learners)))
        for branch, size in zip(tiny, sizes, strict=True):
            for slot in [next(slots, None) for _ in range(size)]:
                if slot is not None:
                    self._tiny[slot] = branch
        self._open_branches = [b for b in self._branches if all(b is not t for t in tiny)]
        weights = [rng.lognormvariate(0.0, 1.0) for _ in self._open_branches]
        self._branch_cum = _cumulative(weights)
        biggest = self._open_branches[weights.index(max(weights))]
        self.librarian_username = biggest.librarians[0][1]
        self.librarian_branch = biggest.name

    def _learning_class(self, batch, branch: _Branch, name: str) -> None:
        rng = self.rng
        created_by_id = rng.choice(branch.librarians)[0]
        created_at = self.now - timedelta(days=rng.uniform(30, 540))
        learning_class = _Class(self._take_id("classes"), created_at, created_by_id, created_at)
        batch["classes"].append(
            {
                "id": learning_class.id,
                "organisation_id": branch.id,
                "name": name,
                "schedule_note": rng.choice(names.SCHEDULE_NOTES),
                "join_code": self._join_code(),
                "created_by_id": created_by_id,
                "created_at": learning_class.created_at,
                "archived": rng.random() < 0.1,
            }
        )
        for _ in range(rng.randint(1, 3)):
            at = learning_class.created_at + timedelta(minutes=rng.uniform(1, 120))
            course = self._assignment(batch, learning_class, None, at)
            learning_class.ready_at = max(learning_class.ready_at, at)
            if course.shape.id not in learning_class.course_ids:
                learning_class.course_ids.append(course.shape.id)
        learning_class.capacity = rng.randint(6, 30)
        branch.classes.append(learning_class)
        self._classes.append(learning_class)

    def _assignment(
        self, batch, learning_class: _Class, user_id: int | None, created_at: datetime
    ) -> _Course:
        """A course (or, one time in three, one of its modules) set for the class or a patron,
        due two weeks to three months later."""
        rng = self.rng
        course = self._pick_course()
        module_id = rng.choice(course.module_ids) if rng.random() < 0.3 else None
        due = created_at + timedelta(days=rng.uniform(14, 90))
        batch["assignments"].append(
            {
                "id": self._take_id("assignments"),
                "class_id": learning_class.id,
                "user_id": user_id,
                "course_id": course.shape.id,
                "module_id": module_id,
                "due_on": due.date() if rng.random() < 0.9 else None,
                "note": rng.choice(names.ASSIGNMENT_NOTES),
                "created_by_id": learning_class.created_by_id,
                "created_at": created_at,
            }
        )
        return course

    def _patron_assignments(self) -> dict[str, list[dict[str, Any]]]:
        rng, batch = self.rng, _new_batch()
        for learning_class in self._classes:
            if not learning_class.members or rng.random() >= 0.5:
                continue
            for _ in range(rng.randint(1, 2)):
                user_id, added_at = rng.choice(learning_class.members)
                at = max(added_at, learning_class.created_at) + timedelta(days=rng.uniform(1, 30))
                self._assignment(batch, learning_class, user_id, min(at, self.now))
        return batch

    def _join_code(self) -> str:
        alphabet, length = self.conventions.join_code_alphabet, self.conventions.join_code_length
        while True:
            code = "".join(self.rng.choice(alphabet) for _ in range(length))
            if code not in self._join_codes:
                self._join_codes.add(code)
                return code

    # People.

    def _person_name(self, spanish: bool) -> tuple[str, str]:
        rng = self.rng
        if spanish:
            return rng.choice(names.FIRST_NAMES_ES), rng.choice(names.LAST_NAMES_ES)
        last_names = names.LAST_NAMES_ES if rng.random() < 0.15 else names.LAST_NAMES
        return rng.choice(names.FIRST_NAMES_EN), rng.choice(last_names)

    def _free_username(self, username: str) -> str:
        """The username, with a number after it if an existing account has it already."""
        taken, key = self.conventions.taken_usernames, self.conventions.username_key
        candidate, n = username, 1
        while key(candidate) in taken:
            n += 1
            candidate = f"{username}-{n}"
        return candidate

    def _user(
        self,
        batch,
        user_id: int,
        username: str,
        display_name: str,
        role: str,
        organisation_id: int,
        created_at: datetime,
        last_sign_in_at: datetime | None = None,
        language: str = "en",
    ) -> None:
        batch["users"].append(
            {
                "id": user_id,
                "username": username,
                "username_key": self.conventions.username_key(username),
                "display_name": display_name,
                "email": None,
                "password_hash": self.conventions.password_hash,
                "role": role,
                "language": language,
                "is_active_account": True,
                "must_change_password": False,
                "created_at": created_at,
                "last_sign_in_at": last_sign_in_at,
                "organisation_id": organisation_id,
                "sees_whole_system": False,
            }
        )

    def _arrival(self) -> datetime:
        """When a learner first came: over the last 24 months, more of them lately."""
        u = self.rng.random()
        x = (math.sqrt(1 + 2 * GROWTH * u * (1 + GROWTH / 2)) - 1) / GROWTH
        return self.start + timedelta(days=HISTORY_DAYS * x)

    def _learner(self, batch, index: int) -> None:
        rng = self.rng
        joined = self._arrival()
        branch = self._tiny.get(index)
        if branch is None and rng.random() >= GUEST_SHARE and self._open_branches:
            branch = rng.choices(self._open_branches, cum_weights=self._branch_cum)[0]
        spanish = rng.random() < SPANISH_SHARE
        first, last = self._person_name(spanish)
        display_name = f"{first} {last}"
        ability = rng.gauss(0.0, 0.06)
        learner_id = self._take_id("learners")
        user_id = None
        course_ids: list[int] = []
        if branch is not None:
            user_id = self._take_id("users")
            learning_class = self._class_to_join(branch, joined)
            if learning_class is not None:
                learning_class.members.append((user_id, joined))
                batch["class_members"].append(
                    {
                        "id": self._take_id("class_members"),
                        "class_id": learning_class.id,
                        "user_id": user_id,
                        "added_at": joined,
                    }
                )
                course_ids = [c for c in learning_class.course_ids if rng.random() < 0.85]
        wanted = rng.choices(COURSE_COUNTS, weights=COURSE_COUNT_WEIGHTS)[0]
        wanted = min(max(wanted, len(course_ids)), len(self._courses))
        while len(course_ids) < wanted:
            course_id = self._pick_course().shape.id
            if course_id not in course_ids:
                course_ids.append(course_id)
        last_active = started = joined
        for n, course_id in enumerate(course_ids):
            if n:
                started += timedelta(days=rng.expovariate(1 / NEXT_COURSE_DAYS))
            if started > self.now:
                break
            course = self._by_id[course_id]
            shape = course.shape
            language = "es" if spanish and "es" in shape.languages else shape.language
            done_at = self._enrolment(
                batch, learner_id, course, started, language, ability, display_name
            )
            last_active = max(last_active, done_at)
        batch["learners"].append(
            {
                "id": learner_id,
                "user_id": user_id,
                "created_at": joined,
                "last_active_at": last_active,
            }
        )
        if branch is not None and user_id is not None:
            username = self._free_username(f"{_ascii_name(first)}.{_ascii_name(last)}{index + 1}")
            language = "es" if spanish else "en"
            self._user(
                batch,
                user_id,
                username,
                display_name,
                "learner",
                branch.id,
                joined,
                last_active,
                language,
            )

    def _class_to_join(self, branch: _Branch, joined: datetime) -> _Class | None:
        if not branch.classes or self.rng.random() >= CLASS_JOIN_SHARE:
            return None
        open_classes = [
            c for c in branch.classes if c.ready_at <= joined and len(c.members) < c.capacity
        ]
        return self.rng.choice(open_classes) if open_classes else None

    def _pick_course(self) -> _Course:
        return self.rng.choices(self._courses, cum_weights=self._course_cum)[0]

    # Progress.

    def _lesson_gap(self) -> timedelta:
        """Minutes within a sitting, hours within a day, or days between visits."""
        rng = self.rng
        u = rng.random()
        if u < 0.6:
            return timedelta(minutes=rng.uniform(3, 25))
        if u < 0.88:
            return timedelta(hours=rng.uniform(1, 20))
        return timedelta(days=rng.uniform(1, 21))

    def _retry_gap(self) -> timedelta:
        rng = self.rng
        u = rng.random()
        if u < 0.5:
            return timedelta(minutes=rng.uniform(2, 30))
        if u < 0.8:
            return timedelta(hours=rng.uniform(1, 24))
        return timedelta(days=rng.uniform(1, 14))

    def _enrolment(
        self,
        batch,
        learner_id: int,
        course: _Course,
        started: datetime,
        language: str,
        ability: float,
        recipient_name: str,
    ) -> datetime:
        """One learner's way through one course, stopping where they gave up or at `now`;
        returns the time of the last thing done."""
        rng, now = self.rng, self.now
        enrolment_id = self._take_id("enrolments")
        course_id = course.shape.id
        keep_going = rng.uniform(*KEEP_GOING)
        done: set[int] = set()
        passed: set[int] = set()
        last_lesson_id = course.first_lesson_id
        last_at = at = started
        progress = batch["lesson_progress"]
        for n, step in enumerate(course.steps):
            is_lesson = isinstance(step, LessonShape)
            skippable = is_lesson and not step.counted
            if skippable and (n > course.last_counted or rng.random() < SKIP_OPTIONAL):
                continue
            if at == started:
                go_on = FIRST_LESSON_DONE if is_lesson else TAKE_QUIZ
            else:
                go_on = keep_going if is_lesson else TAKE_QUIZ
            if rng.random() >= go_on:
                break
            if at == started:
                at += timedelta(minutes=rng.uniform(2, 15))
            elif is_lesson:
                at += self._lesson_gap()
            else:
                at += timedelta(minutes=rng.uniform(1, 10))
            if at > now:
                break
            if is_lesson:
                progress.append(
                    {
                        "id": self._take_id("lesson_progress"),
                        "learner_id": learner_id,
                        "course_id": course_id,
                        "lesson_id": step.id,
                        "completed_at": at,
                    }
                )
                done.add(step.id)
                last_lesson_id, last_at = step.id, at
                continue
            quiz_passed, attempted_at = self._quiz(batch, learner_id, course_id, step, at, ability)
            if attempted_at is not None:
                last_at = at = attempted_at
            if not quiz_passed:
                break
            passed.add(step.id)
        complete = course.counted_lessons <= done and course.quiz_ids <= passed
        batch["enrolments"].append(
            {
                "id": enrolment_id,
                "learner_id": learner_id,
                "course_id": course_id,
                "started_at": started,
                "last_activity_at": last_at,
                "last_lesson_id": last_lesson_id,
                "completed_at": last_at if complete else None,
                "language": language,
            }
        )
        if complete and rng.random() < CERTIFICATE_SHARE:
            self._certificate(batch, learner_id, course_id, last_at, language, recipient_name)
        return last_at

    def _quiz(
        self, batch, learner_id: int, course_id: int, quiz: QuizShape, at: datetime, ability: float
    ) -> tuple[bool, datetime | None]:
        """Attempts until passed or given up; (passed, time of the last attempt or None)."""
        rng = self.rng
        attempts, answers = batch["quiz_attempts"], batch["attempt_answers"]
        total = len(quiz.questions)
        last_at = None
        for number, retry_chance in enumerate(RETRY_CHANCE):
            if not total:
                break
            if number:
                if rng.random() >= retry_chance:
                    break
                at += self._retry_gap()
                if at > self.now:
                    break
            attempt_id = self._take_id("quiz_attempts")
            correct = 0
            for position, question in enumerate(quiz.questions):
                chance, choices = self._responses[question.id]
                right = not choices.wrong or (
                    rng.random() < chance + ability + LEARNING_PER_ATTEMPT * number
                )
                answers.append(
                    {
                        "id": self._take_id("attempt_answers"),
                        "attempt_id": attempt_id,
                        "question_id": question.id,
                        "position": position,
                        "response": choices.right if right else rng.choice(choices.wrong),
                        "is_correct": right,
                    }
                )
                correct += right
            quiz_passed = has_passed(correct, total, quiz.pass_mark)
            attempts.append(
                {
                    "id": attempt_id,
                    "learner_id": learner_id,
                    "quiz_id": quiz.id,
                    "course_id": course_id,
                    "submission_token": self._token(32),
                    "submitted_at": at,
                    "correct_count": correct,
                    "question_count": total,
                    "score": score_percent(correct, total),
                    "passed": quiz_passed,
                }
            )
            last_at = at
            if quiz_passed:
                return True, last_at
        return False, last_at

    def _certificate(
        self,
        batch,
        learner_id: int,
        course_id: int,
        completed_at: datetime,
        language: str,
        recipient_name: str,
    ) -> None:
        rng = self.rng
        if rng.random() < 0.8:
            delay = timedelta(minutes=rng.uniform(1, 30))
        else:
            delay = timedelta(days=rng.uniform(1, 30))
        issued_at = min(self.now, completed_at + delay)
        revoked_at = revoked_reason = None
        if rng.random() < REVOKED_SHARE:
            revoked_at = min(self.now, issued_at + timedelta(days=rng.uniform(1, 60)))
            revoked_reason = "Issued by mistake (demo data)."
        batch["certificates"].append(
            {
                "id": self._take_id("certificates"),
                "code": self._token(self.conventions.certificate_code_bytes),
                "learner_id": learner_id,
                "course_id": course_id,
                "recipient_name": recipient_name,
                "language": language,
                "issued_at": issued_at,
                "revoked_at": revoked_at,
                "revoked_reason": revoked_reason,
            }
        )

    def _token(self, size: int) -> str:
        """Like secrets.token_urlsafe(size), from the seeded generator; never starts with '-'."""
        while True:
            raw = self.rng.getrandbits(8 * size).to_bytes(size, "big")
            token = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
            if not token.startswith("-"):
                return token
