"""`short_text`: type a word or a short answer; any accepted answer counts."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from course_app.content.checker import describe
from course_app.content.question_types.base import (
    InvalidResponse,
    QuestionSpec,
    QuestionType,
    Verdict,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from wtforms import Field

    from course_app.content.checker import Checker
    from course_app.content.loader import YamlMap
    from course_app.content.models import Question

_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Case, accents, punctuation and spacing do not matter when matching typed answers."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _PUNCTUATION.sub(" ", text.casefold())
    return _SPACES.sub(" ", text).strip()


class ShortText(QuestionType):
    name = "short_text"
    required_fields = ("accepted",)
    field_template = "question_types/short_text_field.html"
    response_template = "question_types/short_text_response.html"
    max_length = 200
    # Typed answers that are wrong for every short-text question in the courses (demo data).
    demo_wrong_answers = ("not sure", "I don't know", "the doctor", "medicine", "the internet")

    def check(self, check: Checker, data: YamlMap, question: QuestionSpec) -> None:
        accepted = check.listing(data, "accepted")
        for index, answer in enumerate(accepted):
            if not isinstance(answer, str) or not answer.strip():
                hint = " (put it in quotes)" if isinstance(answer, int | float) else ""
                check.add(
                    accepted.line_of(index),
                    f"an accepted answer must be text, not {describe(answer)}{hint}",
                )
            else:
                question.accepted.append(str(answer).strip())

    def translation_problem(self, translated: QuestionSpec) -> str | None:
        if translated.accepted:
            return None
        return f"the question '{translated.key}' needs accepted answers in this language"

    def stored_data(self, question: QuestionSpec) -> dict[str, Any]:
        return {"accepted": list(question.accepted)}

    def form_fields(self, question: Question) -> dict[str, Field]:
        return {
            self.field_name(question): StringField(
                validators=[
                    InputRequired(_l("Please type an answer.")),
                    Length(max=self.max_length, message=_l("Please keep your answer shorter.")),
                ]
            )
        }

    def grade(self, data: Mapping[str, Any], response: Any) -> Verdict:
        if not isinstance(response, str):
            raise InvalidResponse("expected text")
        given = normalise_text(response)
        if not given:
            raise InvalidResponse("empty answer")
        accepted = {normalise_text(a) for a in data.get("accepted", [])}
        return Verdict(given in accepted)

    def demo_responses(self, data: Mapping[str, Any]) -> tuple[Any, list[Any]]:
        accepted = {normalise_text(a) for a in data.get("accepted", [])}
        wrong = [a for a in self.demo_wrong_answers if normalise_text(a) not in accepted]
        return data["accepted"][0], wrong
