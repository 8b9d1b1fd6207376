"""Who wrote a course and which health professionals reviewed it, read from course.yml.

Pure: no Flask, no database. Authorship must be honest: a course names people only where
they really wrote or reviewed it, so an entry may be a team ("Library course team"). With no
reviewer, the course page says it has not yet been reviewed by a health professional.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from course_app.content.checker import Checker
from course_app.content.loader import YamlMap

CREDIT_FIELDS = (("name", "role", "date"), ())
MAX_NAME = 120


@dataclass(frozen=True)
class Credit:
    """One author or reviewer: a person or a team, their role or credentials, and when."""

    name: str
    role: str
    date: date

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "role": self.role, "date": self.date.isoformat()}


def read_credits(check: Checker, data: YamlMap, name: str) -> list[Credit]:
    """The entries listed under `name` ('authors' or 'reviewers'), each problem by line."""
    if name not in data:
        return []
    entries = check.listing(data, name, minimum=0)
    credits = []
    what = "an author" if name == "authors" else "a reviewer"
    for index, raw in enumerate(entries):
        entry = check.fields(raw, entries.line_of(index), what, CREDIT_FIELDS)
        person = check.text(entry, "name", max_length=MAX_NAME)
        role = check.text(entry, "role")
        when = check.date(entry, "date")
        if person and role and when:
            credits.append(Credit(person, role, when))
    return credits


def date_problems(check: Checker, data: YamlMap, authors: list[Credit], reviewed: Any) -> None:
    """Dates must be true: nothing is reviewed or fact-checked before the course was written."""
    if not authors:
        return
    written = min(author.date for author in authors)
    line = data.line_of("authors")
    if isinstance(reviewed, date) and reviewed < written:
        check.add(
            data.line_of("reviewed"),
            f"'reviewed' ({reviewed.isoformat()}) is before the course was written "
            f"({written.isoformat()}, the authors' date on line {line}); facts cannot be "
            "checked before they are written",
        )
    entries = data.get("reviewers") or []
    for index, raw in enumerate(entries):
        when = raw.get("date") if isinstance(raw, YamlMap) else None
        if isinstance(when, date) and when < written:
            check.add(
                entries.line_of(index),
                f"this review ({when.isoformat()}) is dated before the course was written "
                f"({written.isoformat()})",
            )
