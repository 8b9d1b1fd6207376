"""Small-count suppression. Pure: no Flask, no database.

A cell that counts fewer learners than the threshold, in a breakdown that could point at a
library's patrons, is shown as "< threshold" on screen and in CSV. Zero is shown: it says
nothing about any person. A rate or median rests on its own count of learners and is hidden
with it.

Complementary suppression: a hidden cell could be found again by subtraction (a system's
total minus its visible branches). So in every group of cells that add up to a total shown
elsewhere, when exactly one cell is hidden the next smallest one is hidden too
(HIDDEN_TOO); the hidden cells' sum is then all that subtraction gives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


class Hidden:
    """A value hidden for privacy; it sorts as the smallest value and prints as "< n"."""

    _instances: dict[str, Hidden] = {}
    name = "HIDDEN"

    def __new__(cls) -> Hidden:
        if cls.name not in cls._instances:
            cls._instances[cls.name] = super().__new__(cls)
        return cls._instances[cls.name]

    def __repr__(self) -> str:
        return self.name


class HiddenToo(Hidden):
    """A value that is not small, hidden so that a small one cannot be found by subtraction;
    it prints as "hidden", not as "< n" (it is not small)."""

    name = "HIDDEN_TOO"


HIDDEN = Hidden()
HIDDEN_TOO = HiddenToo()


def hidden_cells(counts: Sequence[int | None], threshold: int) -> dict[int, Hidden]:
    """Which of one group's counts to hide, by position: every small one, and when exactly
    one is small, also the smallest other count above zero (the first of equals), so that
    the group's total minus the visible counts never gives a hidden one. (A zero would not
    do: hidden beside a small count, the difference would still be the small count.)"""
    hidden: dict[int, Hidden] = {
        i: HIDDEN for i, count in enumerate(counts) if is_small(count, threshold)
    }
    if len(hidden) == 1:
        others = [(count, i) for i, count in enumerate(counts) if i not in hidden and count]
        if others:
            hidden[min(others)[1]] = HIDDEN_TOO
    return hidden


def suppress_rows(
    rows: list[dict[str, Any]],
    counts: dict[str, str],
    threshold: int,
    group: Callable[[dict[str, Any]], Any] = lambda row: None,
) -> list[dict[str, Any]]:
    """The rows with small counts and their complements hidden, within each group of rows.

    `counts` maps each column to the column holding the number of learners behind it (a
    count column maps to itself); every column resting on a hidden count is hidden with it.
    """
    hidden_rows = [dict(row) for row in rows]
    groups: dict[Any, list[int]] = {}
    for index, row in enumerate(rows):
        groups.setdefault(group(row), []).append(index)
    for base in set(counts.values()):
        for members in groups.values():
            marks = hidden_cells([rows[i].get(base) for i in members], threshold)
            for position, mark in marks.items():
                row = hidden_rows[members[position]]
                for column, column_base in counts.items():
                    if column_base == base and row.get(column) is not HIDDEN:
                        row[column] = mark
    return hidden_rows


def is_small(count: int | None, threshold: int) -> bool:
    return count is not None and 0 < count < threshold


def suppress_row(row: dict[str, Any], counts: dict[str, str], threshold: int) -> dict[str, Any]:
    """The row with every value whose learner count is small replaced by HIDDEN.

    `counts` maps each column to the column holding the number of learners behind it (a
    count column maps to itself).
    """
    hidden = dict(row)
    for column, base in counts.items():
        if is_small(row.get(base), threshold):
            hidden[column] = HIDDEN
    return hidden


def sort_key(value: Any) -> tuple[int, Any]:
    """Hidden and missing values sort together below every number, so order tells nothing."""
    if isinstance(value, Hidden) or value is None:
        return (0, 0)
    return (1, value)
