"""`ordering`: put steps in order. The file lists them in the right order; learners see them
mixed up and give each step a place."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import InputRequired

from course_app.content.question_types.base import (
    ITEM_FIELDS,
    InvalidResponse,
    QuestionSpec,
    QuestionType,
    Verdict,
    read_entries,
)
from course_app.content.renderer import render_inline

if TYPE_CHECKING:
    from collections.abc import Mapping

    from wtforms import Field, Form

    from course_app.content.checker import Checker
    from course_app.content.loader import YamlMap
    from course_app.content.models import Question


class Ordering(QuestionType):
    name = "ordering"
    required_fields = ("items",)
    field_template = "question_types/ordering_field.html"
    response_template = "question_types/ordering_response.html"

    def check(self, check: Checker, data: YamlMap, question: QuestionSpec) -> None:
        items = check.listing(data, "items", minimum=2)
        question.items = read_entries(check, items, "an item", ITEM_FIELDS)

    def answer_shape(self, question: QuestionSpec) -> tuple:
        return tuple(i.id for i in question.items)

    def stored_data(self, question: QuestionSpec) -> dict[str, Any]:
        return {"items": [{"id": i.id, "html": render_inline(i.text)} for i in question.items]}

    def item_field_name(self, question: Question, item_id: str) -> str:
        return f"{self.field_name(question)}-{item_id}"

    def field_names(self, question: Question) -> list[str]:
        return [self.item_field_name(question, i["id"]) for i in question.data["items"]]

    def form_fields(self, question: Question) -> dict[str, Field]:
        count = len(question.data["items"])
        positions = [("", _l("Choose"))] + [(str(n), str(n)) for n in range(1, count + 1)]
        return {
            name: SelectField(
                choices=positions, validators=[InputRequired(_l("Choose a place for this step."))]
            )
            for name in self.field_names(question)
        }

    def check_answer(self, form: Form, question: Question) -> bool:
        fields = [form[name] for name in self.field_names(question)]
        chosen = [f.data for f in fields if f.data]
        if len(chosen) == len(fields) and len(set(chosen)) != len(chosen):
            fields[0].errors = list(fields[0].errors) + [
                str(_l("Use each number once: each step needs its own place."))
            ]
            return False
        return True

    def response_from(self, form: Form, question: Question) -> Any:
        placed = sorted(
            question.data["items"],
            key=lambda i: int(form[self.item_field_name(question, i["id"])].data or 0),
        )
        return [i["id"] for i in placed]

    def display_items(self, question: Question, seed: str | None) -> list[dict[str, Any]]:
        """The items as the form shows them: shuffled, the same way for one quiz attempt
        (`seed` is its submission token) so the page never shows the answer. Without a seed
        (a knowledge check in a lesson page, cached for everyone) shuffled the same way for
        every reader, still never in the answer's order."""
        items = list(question.data["items"])
        rng = random.Random(f"{seed or 'check'}:{question.id}")
        for _ in range(5):
            rng.shuffle(items)
            if items != question.data["items"]:
                break
        else:
            items = items[1:] + items[:1]  # never the answer, whatever the shuffles gave
        return items

    def grade(self, data: Mapping[str, Any], response: Any) -> Verdict:
        if isinstance(response, str) or not isinstance(response, Sequence):
            raise InvalidResponse("expected an order")
        correct = [item["id"] for item in data["items"]]
        if sorted(map(str, response)) != sorted(correct) or len(response) != len(correct):
            raise InvalidResponse("each item must be placed exactly once")
        return Verdict(list(response) == correct)

    def demo_responses(self, data: Mapping[str, Any]) -> tuple[Any, list[Any]]:
        ids = [item["id"] for item in data["items"]]
        wrong = []
        for n in range(len(ids) - 1):  # two neighbouring steps swapped
            swapped = list(ids)
            swapped[n], swapped[n + 1] = swapped[n + 1], swapped[n]
            wrong.append(swapped)
        return ids, wrong
