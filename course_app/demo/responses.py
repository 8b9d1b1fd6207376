"""Plausible quiz responses, right and wrong, for each question type. Pure: no Flask, no database.

Each question type proposes its own; every response is checked with the type's grader, so a
stored answer's is_correct is always what grading that response would say.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from course_app.content.question_types import UnknownQuestionType, question_type


@dataclass(frozen=True)
class ResponseChoices:
    """One right response and the wrong ones a learner might give (possibly none)."""

    right: Any
    wrong: tuple[Any, ...]


def plausible_responses(type_name: str, data: Mapping[str, Any]) -> ResponseChoices:
    """A right response and some wrong ones, each confirmed by the grader; ValueError for a
    question type that is not registered."""
    try:
        kind = question_type(type_name)
    except UnknownQuestionType:
        raise ValueError(f"demo data cannot answer questions of type {type_name!r}") from None
    right, wrong = kind.demo_responses(data)
    if not kind.grade(data, right).correct:
        raise ValueError(f"demo data found no right answer to a {type_name!r} question")
    wrong = [w for w in wrong if not kind.grade(data, w).correct]
    return ResponseChoices(right, tuple(wrong))
