"""What every question answered by picking choices shares: stored choices, their labels, the
form field that offers them, the feedback of the ones picked, and the picked ones shown back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from wtforms.validators import InputRequired

from course_app.content.loader import YamlList
from course_app.content.question_types.base import (
    CHOICE_FIELDS,
    QuestionSpec,
    QuestionType,
    read_entries,
)
from course_app.content.renderer import render_inline

if TYPE_CHECKING:
    from collections.abc import Mapping

    from flask_babel.speaklater import LazyString
    from wtforms import Field

    from course_app.content.checker import Checker
    from course_app.content.loader import YamlMap
    from course_app.content.models import Question


class ChoiceQuestion(QuestionType):
    """A question whose answer is one or more of its choices."""

    required_fields = ("choices",)
    response_template = "question_types/choices_response.html"
    # The form field that offers the choices, and its message when nothing is picked.
    field_class: type[Field]
    nothing_picked: LazyString

    def read_choices(self, check: Checker, data: YamlMap, question: QuestionSpec) -> YamlList:
        choices = check.listing(data, "choices", minimum=2)
        question.choices = read_entries(check, choices, "a choice", CHOICE_FIELDS)
        return choices

    def answer_shape(self, question: QuestionSpec) -> tuple:
        return tuple((c.id, c.correct) for c in question.choices)

    def stored_data(self, question: QuestionSpec) -> dict[str, Any]:
        return {
            "choices": [
                {
                    "id": choice.id,
                    "html": render_inline(choice.text),
                    "correct": choice.correct,
                    "feedback_html": render_inline(choice.feedback),
                }
                for choice in question.choices
            ]
        }

    def choice_label(self, choice: Mapping[str, Any]) -> Markup:
        """A choice as the learner reads it, in the form and when it is shown back."""
        return Markup(choice["html"])  # noqa: S704 - sanitised at import

    def form_fields(self, question: Question) -> dict[str, Field]:
        choices = [(c["id"], self.choice_label(c)) for c in question.data["choices"]]
        return {
            self.field_name(question): self.field_class(
                choices=choices, validators=[InputRequired(self.nothing_picked)]
            )
        }

    def choice_ids(self, data: Mapping[str, Any]) -> list[str]:
        return [c["id"] for c in data.get("choices", [])]

    def feedback(self, data: Mapping[str, Any], response: Any, correct: bool) -> list[str]:
        picked = response if isinstance(response, list) else [response]
        return [
            c["feedback_html"]
            for c in data["choices"]
            if c["id"] in picked and c.get("feedback_html")
        ]
