"""The rules for an assignment's status and for flagging a patron who may need help.

Pure: no Flask, no database, so the boundaries (14 days, two failed tries, the due date)
are tested on their own.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class HelpRules:
    """When a patron may need help; the thresholds are settings (HELP_* in config.py).

    The defaults flag a patron who is stuck with work due, not everyone who has not logged
    in for two weeks: on the demo network the old rule (any unfinished work) flagged 16 of
    17 patrons.
    """

    idle_days: int = 14  # no activity for more than this many days ...
    due_within_days: int = 7  # ... while unfinished work is due within this many days (or past)
    failed_tries: int = 2  # a quiz failed this many times and never passed
    # Work overdue longer than this is an old class's, not a reason to call today: a class
    # that ended months ago would otherwise flag everyone in it.
    overdue_within_days: int = 30


class Status(enum.StrEnum):
    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Progress:
    """Steps done of steps counted (required lessons and quizzes) in an assignment's scope,
    and whether learning recorded it as finished (a completion stands after a re-import)."""

    done: int
    total: int
    started: bool
    completed: bool = False

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return min(100, (100 * self.done) // self.total)

    @property
    def is_complete(self) -> bool:
        return self.completed


def assignment_status(progress: Progress, due_on: date | None, today: date) -> Status:
    """Completed wins; unfinished work past its due date (the day after) is overdue."""
    if progress.is_complete:
        return Status.COMPLETED
    if due_on is not None and today > due_on:
        return Status.OVERDUE
    if progress.started or progress.done:
        return Status.IN_PROGRESS
    return Status.NOT_STARTED


class HelpReason(enum.StrEnum):
    FAILED_QUIZ = "failed-quiz"
    NO_ACTIVITY = "no-activity"
    PAST_DUE = "past-due"


@dataclass(frozen=True)
class HelpFlag:
    reason: HelpReason
    quiz_title: str | None = None
    failures: int = 0
    idle_days: int = 0
    due_on: date | None = None


@dataclass(frozen=True)
class QuizRecord:
    """A patron's tries at one quiz."""

    title: str
    attempts: int
    failures: int
    passed: bool
    best_score: int | None


def help_flags(
    quizzes: list[QuizRecord],
    last_activity: datetime | None,
    waiting_since: datetime | None,
    unfinished_due: list[date | None],
    now: datetime,
    rules: HelpRules = HelpRules(),  # noqa: B008 - frozen, so one shared default is safe
) -> list[HelpFlag]:
    """Why a patron may need help, by three rules:

    - a quiz failed `failed_tries` times and never passed;
    - unfinished work past its due date, by up to `overdue_within_days` (the earliest named);
    - no activity for more than `idle_days` (counted from when the work was given if they
      never started) while unfinished work is due within `due_within_days` or already past.
    Work with no due date, or overdue for longer than `overdue_within_days`, never makes a
    patron look stuck.
    """
    today = now.date()
    flags = [
        HelpFlag(HelpReason.FAILED_QUIZ, quiz_title=q.title, failures=q.failures)
        for q in quizzes
        if q.failures >= rules.failed_tries and not q.passed
    ]
    oldest = today - timedelta(days=rules.overdue_within_days)
    dated = [d for d in unfinished_due if d is not None and d >= oldest]
    past = [d for d in dated if d < today]
    if past:
        flags.append(HelpFlag(HelpReason.PAST_DUE, due_on=min(past)))
    since = last_activity or waiting_since
    due_soon = any(d <= today + timedelta(days=rules.due_within_days) for d in dated)
    if due_soon and since is not None and now - since > timedelta(days=rules.idle_days):
        flags.append(HelpFlag(HelpReason.NO_ACTIVITY, idle_days=(now - since).days))
    return flags
