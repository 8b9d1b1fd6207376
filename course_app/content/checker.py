"""Reading the fields of one course file, with every problem reported by file and line.

Pure: no Flask, no database. The validator and each question type check their fields with it.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime
from typing import Any

from course_app.content.loader import Problem, YamlList, YamlMap, YamlStr
from course_app.content.renderer import find_unsafe, picture_refs

MAX_TITLE = 200
MAX_KEY = 80
_KEY = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")


def describe(value: Any) -> str:
    """What a value is, in an author's words, for problems about a value of the wrong kind."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "yes/no value"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, date):
        return "date"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "group of fields"
    return "text"


class Checker:
    """Problems for one file, and the keys already used anywhere in the course."""

    def __init__(self, file: str, keys: dict[str, tuple[str, int]], problems: list[Problem]):
        self.file = file
        self.keys = keys
        self.problems = problems

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, max(line, 1), message))

    def fields(self, data: Any, line: int, what: str, spec: tuple[tuple, tuple]) -> YamlMap:
        """data as a mapping, after reporting repeated, unknown and missing fields."""
        required, optional = spec
        if not isinstance(data, YamlMap):
            self.add(line, f"{what} must be a set of 'name: value' lines, not {describe(data)}")
            return YamlMap(line)
        for name, first, again in data.duplicates:
            self.add(again, f"the field '{name}' is given twice (first on line {first})")
        known = required + optional
        for name in data:
            if name not in known:
                message = f"unknown field '{name}' in {what}"
                close = difflib.get_close_matches(str(name), known, n=1)
                hint = (
                    f" — did you mean '{close[0]}'?" if close else f" (allowed: {', '.join(known)})"
                )
                self.add(data.line_of(name), message + hint)
        for name in required:
            if name not in data:
                self.add(data.line, f"{what} is missing the field '{name}'")
        return data

    def text(self, data: YamlMap, name: str, max_length: int = MAX_TITLE) -> str:
        value = data.get(name)
        if name not in data:
            return ""
        if not isinstance(value, str):
            self.add(
                data.line_of(name),
                f"'{name}' must be text, not {describe(value)}"
                + (" (put it in quotes)" if isinstance(value, int | float | date) else ""),
            )
            return ""
        if not value.strip():
            self.add(data.line_of(name), f"'{name}' is empty")
        elif len(value) > max_length:
            self.add(
                data.line_of(name),
                f"'{name}' is too long: {len(value)} characters, at most {max_length}",
            )
        return value.strip()

    def markdown(self, data: YamlMap, name: str, *, inline: bool = False) -> str:
        value = self.text(data, name, max_length=100_000)
        source = data.get(name)
        if isinstance(source, YamlStr):
            # The unstripped text, so offsets count from the line the text starts on.
            for offset, message in find_unsafe(source, inline=inline):
                self.add(source.line_at(offset), message)
            for ref in picture_refs(source):
                self.add(
                    source.line_at(ref.line),
                    f"the picture '{ref.src}' can go in lesson text only, not in '{name}'",
                )
        return value

    def key(self, data: YamlMap, name: str = "key", *, unique: bool = True) -> str:
        value = self.text(data, name, max_length=MAX_KEY)
        line = data.line_of(name)
        if not value:
            return ""
        if not _KEY.fullmatch(value):
            suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "my-key"
            self.add(
                line,
                f"'{value}' can use only lowercase letters, digits and dashes "
                f"(like '{suggestion}')",
            )
        elif unique and value in self.keys:
            where, first = self.keys[value]
            self.add(
                line, f"the key '{value}' is used twice in this course (also at {where}:{first})"
            )
        elif unique:
            self.keys[value] = (self.file, line)
        return value

    def integer(self, data: YamlMap, name: str, low: int, high: int, default: int) -> int:
        value = data.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            limits = f"from {low} to {high}" if high < 10**6 else f"of at least {low}"
            self.add(data.line_of(name), f"'{name}' must be a whole number {limits}")
            return default
        return value

    def boolean(self, data: YamlMap, name: str, default: bool) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.add(data.line_of(name), f"'{name}' must be true or false")
            return default
        return value

    def date(self, data: YamlMap, name: str) -> date | None:
        value = data.get(name)
        if name not in data:
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            self.add(data.line_of(name), f"'{name}' must be a date written like 2026-11-30")
            return None
        return value

    def listing(self, data: YamlMap, name: str, minimum: int = 1) -> YamlList:
        value = data.get(name)
        if name not in data:
            return YamlList()
        if not isinstance(value, YamlList):
            self.add(data.line_of(name), f"'{name}' must be a list (lines starting with '- ')")
            return YamlList()
        if len(value) < minimum:
            needed = "at least one entry" if minimum == 1 else f"at least {minimum} entries"
            self.add(data.line_of(name), f"'{name}' needs {needed}")
        return value
