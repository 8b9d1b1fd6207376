"""Small-count suppression. Pure: no Flask, no database.

A cell that counts fewer learners than the threshold, in a breakdown that could point at a
library's patrons, is shown as "< threshold" on screen and in CSV. Zero is shown: it says
nothing about any person. A rate or median rests on its own count of learners and is hidden
with it.
"""

from __future__ import annotations

from typing import Any


class Hidden:
    """A value hidden for privacy; it sorts as the smallest value and prints as "< n"."""

    _instance: Hidden | None = None

    def __new__(cls) -> Hidden:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "HIDDEN"


HIDDEN = Hidden()


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
    if value is HIDDEN or value is None:
        return (0, 0)
    return (1, value)
