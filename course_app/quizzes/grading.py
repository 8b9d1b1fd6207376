"""Grading: pure functions from a question's data and a response to a verdict.

No Flask, no database. Each question type has one grader in GRADERS.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_PASS_MARK = 80


class InvalidResponse(ValueError):
    """The response does not fit the question (forged ids, wrong shape)."""


@dataclass(frozen=True)
class Verdict:
    correct: bool
    # Choice ids whose feedback applies (the ones the learner picked).
    picked: tuple[str, ...] = ()


def _choice_ids(data: Mapping[str, Any]) -> list[str]:
    return [c["id"] for c in data.get("choices", [])]


def grade_single(data: Mapping[str, Any], response: Any) -> Verdict:
    if not isinstance(response, str) or response not in _choice_ids(data):
        raise InvalidResponse("not one of the choices")
    correct = next(c["id"] for c in data["choices"] if c.get("correct"))
    return Verdict(response == correct, (response,))


def grade_multiple(data: Mapping[str, Any], response: Any) -> Verdict:
    if isinstance(response, str) or not isinstance(response, Sequence):
        raise InvalidResponse("expected a list of choices")
    ids = _choice_ids(data)
    picked = list(dict.fromkeys(response))
    if not picked or any(not isinstance(p, str) or p not in ids for p in picked):
        raise InvalidResponse("not one of the choices")
    wanted = {c["id"] for c in data["choices"] if c.get("correct")}
    ordered = tuple(i for i in ids if i in picked)
    return Verdict(set(picked) == wanted, ordered)


_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Case, accents, punctuation and spacing do not matter when matching typed answers."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _PUNCTUATION.sub(" ", text.casefold())
    return _SPACES.sub(" ", text).strip()


def grade_short_text(data: Mapping[str, Any], response: Any) -> Verdict:
    if not isinstance(response, str):
        raise InvalidResponse("expected text")
    given = normalise_text(response)
    if not given:
        raise InvalidResponse("empty answer")
    accepted = {normalise_text(a) for a in data.get("accepted", [])}
    return Verdict(given in accepted)


def grade_ordering(data: Mapping[str, Any], response: Any) -> Verdict:
    if isinstance(response, str) or not isinstance(response, Sequence):
        raise InvalidResponse("expected an order")
    correct = [item["id"] for item in data["items"]]
    if sorted(map(str, response)) != sorted(correct) or len(response) != len(correct):
        raise InvalidResponse("each item must be placed exactly once")
    return Verdict(list(response) == correct)


GRADERS: dict[str, Callable[[Mapping[str, Any], Any], Verdict]] = {
    "single": grade_single,
    "true_false": grade_single,
    "scenario": grade_single,  # one best choice, like single
    "multiple": grade_multiple,
    "short_text": grade_short_text,
    "ordering": grade_ordering,
}


def grade_response(question_type: str, data: Mapping[str, Any], response: Any) -> Verdict:
    """The verdict for one response; raises InvalidResponse for responses that do not fit."""
    try:
        grader = GRADERS[question_type]
    except KeyError:
        raise InvalidResponse(f"unknown question type {question_type!r}") from None
    return grader(data, response)


def score_percent(correct: int, total: int) -> int:
    """Whole percent, rounded down, so 79.9% never shows as a pass at 80."""
    if total <= 0:
        return 0
    return (100 * correct) // total


def has_passed(correct: int, total: int, pass_mark: int = DEFAULT_PASS_MARK) -> bool:
    """Passing compares exact fractions: 4 of 5 is exactly 80%."""
    return total > 0 and correct * 100 >= pass_mark * total
