"""Batches of demo rows by table, and the ids handed out to them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Parents before children, so a batch can be inserted in this order.
TABLE_ORDER = (
    "organisations",
    "users",
    "learners",
    "classes",
    "class_members",
    "assignments",
    "enrolments",
    "lesson_progress",
    "milestones",
    "quiz_attempts",
    "attempt_answers",
    "certificates",
)

Batch = dict[str, list[dict[str, Any]]]


def new_batch() -> Batch:
    return {name: [] for name in TABLE_ORDER}


class Ids:
    """The next id of each table, counting up from the first free ones."""

    def __init__(self, first_ids: Mapping[str, int]):
        self._next = {name: first_ids.get(name, 1) for name in TABLE_ORDER}

    def peek(self, table: str) -> int:
        return self._next[table]

    def take(self, table: str) -> int:
        value = self._next[table]
        self._next[table] = value + 1
        return value
