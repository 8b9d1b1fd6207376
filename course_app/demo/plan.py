"""Seeded generation of a demo network as plain dicts, ready for bulk inserts. No Flask, no
database.

Everything is drawn from one random.Random(seed) in a fixed order, so the same seed, learner
count, courses, first ids and `now` give the same rows whatever the chunk size. Learners are
made a chunk at a time, so memory stays flat however many there are.
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from course_app.demo import names
from course_app.demo.progress import CoursePath, CourseProgress
from course_app.demo.rows import Batch, Ids, new_batch
from course_app.demo.shapes import Conventions, CourseShape

HISTORY_DAYS = 730  # learners arrive over the last 24 months
GROWTH = 3.0  # four times as many learners arrive in the last month as in the first
GUEST_SHARE = 0.10
SPANISH_SHARE = 0.20
COURSE_COUNTS = (1, 2, 3)
COURSE_COUNT_WEIGHTS = (0.15, 0.25, 0.6)
NEXT_COURSE_DAYS = 14  # mean days between starting one course and the next
CLASS_JOIN_SHARE = 0.08
TINY_BRANCHES = 3  # with fewer than 5 patrons, so reports' privacy suppression shows
STAFF_USERS = 2


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
        paths = [p for p in map(CoursePath.of, courses) if p.can_be_completed]
        if not paths:
            raise ValueError("no course has a lesson or quiz that counts towards completion")
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
        self.ids = Ids(first_ids)
        self._courses = paths
        self._by_id = {p.shape.id: p for p in paths}
        self._progress = CourseProgress(
            self.rng, self.ids, now, paths, conventions.certificate_code_bytes
        )
        self._course_cum = _cumulative(self.rng.uniform(0.4, 3.0) for _ in paths)
        self._branches: list[_Branch] = []
        self._tiny: dict[int, _Branch] = {}
        self._open_branches: list[_Branch] = []
        self._branch_cum: list[float] = []
        self._classes: list[_Class] = []
        self._join_codes = set(conventions.taken_join_codes)

    def batches(self, chunk_size: int = 2000) -> Iterator[Batch]:
        """The network first, then the learners chunk by chunk, then per-patron assignments.

        Each batch maps table names to rows, parents first (TABLE_ORDER); empty tables left out.
        """
        yield self._finish(self._network())
        for first in range(0, self.learners, chunk_size):
            batch = new_batch()
            last = min(first + chunk_size, self.learners)
            for index in range(first, last):
                self._learner(batch, index)
            self.learners_done = last
            yield self._finish(batch)
        yield self._finish(self._patron_assignments())

    def _finish(self, batch: Batch) -> Batch:
        batch = {name: rows for name, rows in batch.items() if rows}
        for name, rows in batch.items():
            self.counts[name] += len(rows)
        return batch

    # The network: libraries, staff, classes.

    def _network(self) -> Batch:
        rng, batch = self.rng, new_batch()
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
                    username = f"demo-librarian-{self.ids.peek('users')}"
                    branch.librarians.append(self._staff(batch, username, "librarian", org_id))
                self._branches.append(branch)
        self._place_patrons()
        for branch in self._branches:
            for name in rng.sample(names.CLASS_NAMES, rng.randint(1, 4)):
                self._learning_class(batch, branch, name)
        return batch

    def _organisation(
        self, batch: Batch, kind: str, name: str, code: str, parent_id: int | None = None
    ) -> int:
        org_id = self.ids.take("organisations")
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

    def _staff(
        self, batch: Batch, username: str, role: str, organisation_id: int
    ) -> tuple[int, str]:
        first, last = self._person_name(self.rng.random() < SPANISH_SHARE)
        user_id, username = self.ids.take("users"), self._free_username(username)
        joined = self.start - timedelta(days=60)
        self._user(batch, user_id, username, f"{first} {last}", role, organisation_id, joined)
        return user_id, username

    def _place_patrons(self) -> None:
        """Tiny branches get a handful of patrons at fixed places in the run; the others
        share the rest unevenly."""
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

    def _learning_class(self, batch: Batch, branch: _Branch, name: str) -> None:
        rng = self.rng
        created_by_id = rng.choice(branch.librarians)[0]
        created_at = self.now - timedelta(days=rng.uniform(30, 540))
        learning_class = _Class(self.ids.take("classes"), created_at, created_by_id, created_at)
        batch["classes"].append(
            {
                "id": learning_class.id,
                "organisation_id": branch.id,
                "name": name,
                "schedule_note": rng.choice(names.SCHEDULE_NOTES),
                "join_code": self._join_code(),
                "created_by_id": created_by_id,
                "created_at": created_at,
                "archived": rng.random() < 0.1,
            }
        )
        for _ in range(rng.randint(1, 3)):
            at = created_at + timedelta(minutes=rng.uniform(1, 120))
            course = self._assignment(batch, learning_class, None, at)
            learning_class.ready_at = max(learning_class.ready_at, at)
            if course.shape.id not in learning_class.course_ids:
                learning_class.course_ids.append(course.shape.id)
        learning_class.capacity = rng.randint(6, 30)
        branch.classes.append(learning_class)
        self._classes.append(learning_class)

    def _assignment(
        self, batch: Batch, learning_class: _Class, user_id: int | None, created_at: datetime
    ) -> CoursePath:
        """A course (or, one time in three, one of its modules) set for the class or a patron,
        mostly due two weeks to three months later."""
        rng = self.rng
        course = self._pick_course()
        module_id = rng.choice(course.module_ids) if rng.random() < 0.3 else None
        due = created_at + timedelta(days=rng.uniform(14, 90))
        batch["assignments"].append(
            {
                "id": self.ids.take("assignments"),
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

    def _patron_assignments(self) -> Batch:
        rng, batch = self.rng, new_batch()
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

    def _pick_course(self) -> CoursePath:
        return self.rng.choices(self._courses, cum_weights=self._course_cum)[0]

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
        batch: Batch,
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
                "temporary_password_expires_at": None,
                "created_at": created_at,
                "last_sign_in_at": last_sign_in_at,
                "flagged_inactive_at": None,
                "failed_sign_ins": 0,
                "last_failed_sign_in_at": None,
                "organisation_id": organisation_id,
                "sees_whole_system": False,
            }
        )

    def _arrival(self) -> datetime:
        """When a learner first came: over the last 24 months, more of them lately."""
        u = self.rng.random()
        x = (math.sqrt(1 + 2 * GROWTH * u * (1 + GROWTH / 2)) - 1) / GROWTH
        return self.start + timedelta(days=HISTORY_DAYS * x)

    def _learner(self, batch: Batch, index: int) -> None:
        """A patron (a user in a branch) or a guest, with one to three courses started."""
        rng = self.rng
        joined = self._arrival()
        branch = self._tiny.get(index)
        if branch is None and rng.random() >= GUEST_SHARE and self._open_branches:
            branch = rng.choices(self._open_branches, cum_weights=self._branch_cum)[0]
        spanish = rng.random() < SPANISH_SHARE
        first, last = self._person_name(spanish)
        display_name = f"{first} {last}"
        ability = rng.gauss(0.0, 0.06)
        learner_id = self.ids.take("learners")
        user_id = None
        course_ids: list[int] = []
        if branch is not None:
            user_id = self.ids.take("users")
            learning_class = self._class_to_join(branch, joined)
            if learning_class is not None:
                learning_class.members.append((user_id, joined))
                batch["class_members"].append(
                    {
                        "id": self.ids.take("class_members"),
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
            languages = course.shape.languages
            language = "es" if spanish and "es" in languages else course.shape.language
            done_at = self._progress.enrolment(
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
            self._user(
                batch,
                user_id,
                username,
                display_name,
                "learner",
                branch.id,
                joined,
                last_active,
                "es" if spanish else "en",
            )

    def _class_to_join(self, branch: _Branch, joined: datetime) -> _Class | None:
        """Now and then a class of the branch that exists by the time the patron comes."""
        if not branch.classes or self.rng.random() >= CLASS_JOIN_SHARE:
            return None
        open_classes = [
            c for c in branch.classes if c.ready_at <= joined and len(c.members) < c.capacity
        ]
        return self.rng.choice(open_classes) if open_classes else None
