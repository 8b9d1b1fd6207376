"""Grading: pure functions from a question's data and a response to a verdict and a score.

No Flask, no database. Each question type grades its own responses (content.question_types).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from course_app.content.question_types import (
    InvalidResponse,
    UnknownQuestionType,
    Verdict,
    question_type,
)

DEFAULT_PASS_MARK = 80


def grade_response(type_name: str, data: Mapping[str, Any], response: Any) -> Verdict:
    """The verdict for one response; raises InvalidResponse for responses that do not fit."""
    try:
        kind = question_type(type_name)
    except UnknownQuestionType:
        raise InvalidResponse(f"unknown question type {type_name!r}") from None
    return kind.grade(data, response)


def score_percent(correct: int, total: int) -> int:
    """Whole percent, rounded down, so 79.9% never shows as a pass at 80."""
    if total <= 0:
        return 0
    return (100 * correct) // total


def has_passed(correct: int, total: int, pass_mark: int = DEFAULT_PASS_MARK) -> bool:
    """Passing compares exact fractions: 4 of 5 is exactly 80%."""
    return total > 0 and correct * 100 >= pass_mark * total
