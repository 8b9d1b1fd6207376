"""Plausible quiz responses, right and wrong, for each question type. Pure: no Flask, no database.

Every response is checked with the app's own grader, so a stored answer's is_correct is
always what grading that response would say.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from course_app.demo.names import WRONG_TYPED_ANSWERS
from course_app.quizzes.grading import grade_response, normalise_text


@dataclass(frozen=True)
class ResponseChoices:
    """One right response and the wrong ones a learner might give (possibly none)."""

    right: Any
    wrong: tuple[Any, ...]


def _choice_responses(data: Mapping[str, Any]) -> tuple[Any, list[Any]]:
    ids = [c["id"] for c in data["choices"]]
    right = next(c["id"] for c in data["choices"] if c.get("correct"))
    return right, [i for i in ids if i != right]


def _multiple_responses(data: Mapping[str, Any]) -> tuple[Any, list[Any]]:
    ids = [c["id"] for c in data["choices"]]
    wanted = [c["id"] for c in data["choices"] if c.get("correct")]
    others = [i for i in ids if i not in wanted]
    # The usual mistakes: one right answer missed, one wrong answer added, one wrong alone.
    candidates = [[w for w in wanted if w != missed] for missed in wanted]
    candidates += [[i for i in ids if i in wanted or i == extra] for extra in others]
    candidates += [[extra] for extra in others]
    wrong = []
    for candidate in candidates:
        if candidate and candidate != wanted and candidate not in wrong:
            wrong.append(candidate)
    return wanted, wrong


def _short_text_responses(data: Mapping[str, Any]) -> tuple[Any, list[Any]]:
    accepted = {normalise_text(a) for a in data.get("accepted", [])}
    wrong = [a for a in WRONG_TYPED_ANSWERS if normalise_text(a) not in accepted]
    return data["accepted"][0], wrong


def _ordering_responses(data: Mapping[str, Any]) -> tuple[Any, list[Any]]:
    ids = [item["id"] for item in data["items"]]
    wrong = []
    for n in range(len(ids) - 1):  # two neighbouring steps swapped
        swapped = list(ids)
        swapped[n], swapped[n + 1] = swapped[n + 1], swapped[n]
        wrong.append(swapped)
    return ids, wrong


RESPONSE_MAKERS = {
    "single": _choice_responses,
    "true_false": _choice_responses,
    "scenario": _choice_responses,
    "multiple": _multiple_responses,
    "short_text": _short_text_responses,
    "ordering": _ordering_responses,
}


def plausible_responses(question_type: str, data: Mapping[str, Any]) -> ResponseChoices:
    """A right response and some wrong ones, each confirmed by the grader; ValueError for a
    question type this module does not know."""
    try:
        maker = RESPONSE_MAKERS[question_type]
    except KeyError:
        raise ValueError(f"demo data cannot answer questions of type {question_type!r}") from None
    right, wrong = maker(data)
    if not grade_response(question_type, data, right).correct:
        raise ValueError(f"demo data found no right answer to a {question_type!r} question")
    wrong = [w for w in wrong if not grade_response(question_type, data, w).correct]
    return ResponseChoices(right, tuple(wrong))
