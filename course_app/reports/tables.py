"""Report tables: the same columns, rows, hiding and order for the screen and the CSV file.

A view builds a `Table` from a report's rows; the template and the CSV writer both read it,
so a download always matches the page it came from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern
from flask_babel import get_locale, gettext

from course_app.reports.privacy import HIDDEN, HIDDEN_TOO, sort_key, suppress_rows


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = True
    suffix: str = ""  # "%" for rates
    decimals: int = 0
    # The column holding the learner count this figure rests on; None: never hidden.
    learners: str | None = None


def also_hidden_text() -> str:
    """What a cell hidden only so that a small one cannot be worked out shows."""
    return gettext("hidden")


@lru_cache(maxsize=8)
def _number_pattern(decimals: int) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


@dataclass
class Table:
    id: str
    caption: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    # Filled by `finish`: hidden cells and order.
    threshold: int = 5
    sort: str | None = None
    descending: bool = False
    # The reader's locale, looked up once: a page formats hundreds of numbers.
    _locale: Locale | None = field(default=None, init=False, repr=False, compare=False)

    def finish(self, hide_small: bool, threshold: int, sort: str | None, descending: bool):
        """Hides small counts (when asked) and sorts; sorting by a hidden value tells nothing."""
        self.threshold = threshold
        if hide_small:
            counts = {c.key: c.learners for c in self.columns if c.learners}
            # Rows with the same "_group" add up to a total shown elsewhere (a library
            # system's branches); without one, the whole table is one group.
            self.rows = suppress_rows(
                self.rows, counts, threshold, group=lambda row: row.get("_group")
            )
        if sort in {c.key for c in self.columns}:
            self.sort, self.descending = sort, descending
            first = self.columns[0].key
            self.rows.sort(key=lambda row: str(row.get(first, "")))
            self.rows.sort(key=lambda row: sort_key(row.get(sort)), reverse=descending)
        return self

    def hidden_text(self) -> str:
        return f"< {self.threshold}"

    def screen_cell(self, row: dict[str, Any], column: Column) -> str:
        value = row.get(column.key)
        if value is HIDDEN:
            return self.hidden_text()
        if value is HIDDEN_TOO:
            return also_hidden_text()
        if value is None:
            return "—" if column.numeric else ""
        if column.numeric:
            if self._locale is None:
                self._locale = get_locale()
            # What flask_babel.format_decimal does, without parsing the pattern every time.
            return _number_pattern(column.decimals).apply(value, self._locale) + column.suffix
        return str(value)

    def screen_rows(self) -> list[tuple[dict[str, Any], list[tuple[str, bool]]]]:
        """Each row with its cells as the page shows them, (text, numeric) per column: one
        call from the template per table rather than one per cell."""
        return [
            (row, [(self.screen_cell(row, column), column.numeric) for column in self.columns])
            for row in self.rows
        ]

    def csv_cell(self, row: dict[str, Any], column: Column) -> object:
        value = row.get(column.key)
        if value is HIDDEN:
            return self.hidden_text()
        if value is HIDDEN_TOO:
            return also_hidden_text()
        if value is None:
            return ""
        if column.numeric and column.decimals:
            return f"{value:.{column.decimals}f}"
        return value

    def csv_header(self) -> list[str]:
        return [c.label + (f" ({c.suffix})" if c.suffix else "") for c in self.columns]

    def csv_rows(self) -> Iterator[list[object]]:
        for row in self.rows:
            yield [self.csv_cell(row, c) for c in self.columns]
