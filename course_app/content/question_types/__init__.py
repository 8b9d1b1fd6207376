"""The question types: one class each, and the one registry every other part asks.

Adding a type means a module here with its class, an entry below, and its templates in
templates/question_types/. The validator, importer, forms, grading, feedback, pages and demo
data all find it through `question_type`.
"""

from __future__ import annotations

from course_app.content.question_types.base import (
    Choice,
    InvalidResponse,
    QuestionSpec,
    QuestionType,
    UnknownQuestionType,
    Verdict,
)
from course_app.content.question_types.form_practice import FormPractice
from course_app.content.question_types.hotspot import Hotspot
from course_app.content.question_types.multiple import Multiple
from course_app.content.question_types.ordering import Ordering
from course_app.content.question_types.scenario import Scenario
from course_app.content.question_types.short_text import ShortText
from course_app.content.question_types.single import Single
from course_app.content.question_types.true_false import TrueFalse

__all__ = [
    "QUESTION_TYPES",
    "Choice",
    "InvalidResponse",
    "QuestionSpec",
    "QuestionType",
    "UnknownQuestionType",
    "Verdict",
    "question_type",
]

# In the order authors see them listed when a file names an unknown type.
QUESTION_TYPES: dict[str, QuestionType] = {
    t.name: t()
    for t in (Single, Multiple, TrueFalse, ShortText, Ordering, Scenario, Hotspot, FormPractice)
}


def question_type(name: str) -> QuestionType:
    """The registered type called `name`; UnknownQuestionType (a ValueError) if there is none."""
    try:
        return QUESTION_TYPES[name]
    except (KeyError, TypeError):
        raise UnknownQuestionType(
            f"unknown question type {name!r} (types: {', '.join(QUESTION_TYPES)})"
        ) from None
