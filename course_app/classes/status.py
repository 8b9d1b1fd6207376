"""The rules for an assignment's status and for flagging a patron who may need help.

Pure: no Flask, no database, so the boundaries (14 days, two failed tries, the due date)
are tested on their own.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

# A patron with unfinished work and no activity for longer than this may need help.
STUCK_AFTER = timedelta(days=14)
# Failing the same quiz this many times without passing it may mean the patron needs help.
FAILED_TRIES_FOR_HELP = 2


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


@dataclass(frozen=True)
class HelpFlag:
    reason: HelpReason
    quiz_title: str | None = None
    failures: int = 0
    idle_days: int = 0


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
    has_unfinished: bool,
    now: datetime,
) -> list[HelpFlag]:
    """Why a patron may need help: a quiz failed twice and never passed, or no activity
    for more than 14 days while an assignment is unfinished (counted from when the work
    was given if they never started)."""
    flags = [
        HelpFlag(HelpReason.FAILED_QUIZ, quiz_title=q.title, failures=q.failures)
        for q in quizzes
        if q.failures >= FAILED_TRIES_FOR_HELP and not q.passed
    ]
    since = last_activity or waiting_since
    if has_unfinished and since is not None and now - since > STUCK_AFTER:
        flags.append(HelpFlag(HelpReason.NO_ACTIVITY, idle_days=(now - since).days))
    return flags
