"""`single`: pick the one right choice."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from wtforms import RadioField

from course_app.content.question_types.base import InvalidResponse, QuestionSpec, Verdict
from course_app.content.question_types.choices import ChoiceQuestion

if TYPE_CHECKING:
    from collections.abc import Mapping

    from course_app.content.checker import Checker
    from course_app.content.loader import YamlMap


class Single(ChoiceQuestion):
    name = "single"
    field_template = "question_types/single_field.html"
    field_class = RadioField
    nothing_picked = _l("Please answer this question.")
    # The problem when the file does not mark exactly one choice right.
    one_right_needed = "a 'single' question needs exactly one choice"

    def check(self, check: Checker, data: YamlMap, question: QuestionSpec) -> None:
        self.read_one_right_choice(check, data, question)

    def read_one_right_choice(self, check: Checker, data: YamlMap, question: QuestionSpec):
        choices = self.read_choices(check, data, question)
        correct = sum(c.correct for c in question.choices)
        if choices and correct != 1:
            check.add(
                data.line_of("choices"),
                f"{self.one_right_needed} with 'correct: true' (found {correct})",
            )
        return choices

    def grade(self, data: Mapping[str, Any], response: Any) -> Verdict:
        if not isinstance(response, str) or response not in self.choice_ids(data):
            raise InvalidResponse("not one of the choices")
        correct = next(c["id"] for c in data["choices"] if c.get("correct"))
        return Verdict(response == correct, (response,))

    def demo_responses(self, data: Mapping[str, Any]) -> tuple[Any, list[Any]]:
        ids = self.choice_ids(data)
        right = next(c["id"] for c in data["choices"] if c.get("correct"))
        return right, [i for i in ids if i != right]
