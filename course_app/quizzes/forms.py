"""Quiz and knowledge-check forms, built from question rows (one field per question)."""

from __future__ import annotations

import random
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import Field, HiddenField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length

from course_app.content.models import Question
from course_app.forms import BaseForm

SHORT_TEXT_MAX = 200


def field_name(question: Question) -> str:
    return f"q{question.id}"


def order_field_name(question: Question, item_id: str) -> str:
    return f"q{question.id}-{item_id}"


def _choice_label(question: Question, choice: dict[str, Any]) -> Markup:
    if question.type == "true_false":
        return Markup.escape(_l("True") if choice["id"] == "true" else _l("False"))
    return Markup(choice["html"])  # noqa: S704 - sanitised at import


def _answer_required():
    return InputRequired(_l("Please answer this question."))


def _question_fields(question: Question) -> dict[str, Field]:
    """The form fields for one question, keyed by field name."""
    name = field_name(question)
    if question.type in ("single", "true_false", "scenario"):
        choices = [(c["id"], _choice_label(question, c)) for c in question.data["choices"]]
        return {name: RadioField(choices=choices, validators=[_answer_required()])}
    if question.type == "multiple":
        choices = [(c["id"], _choice_label(question, c)) for c in question.data["choices"]]
        return {
            name: SelectMultipleField(
                choices=choices, validators=[InputRequired(_l("Choose at least one answer."))]
            )
        }
    if question.type == "short_text":
        return {
            name: StringField(
                validators=[
                    InputRequired(_l("Please type an answer.")),
                    Length(max=SHORT_TEXT_MAX, message=_l("Please keep your answer shorter.")),
                ]
            )
        }
    if question.type == "ordering":
        count = len(question.data["items"])
        positions = [("", _l("Choose"))] + [(str(n), str(n)) for n in range(1, count + 1)]
        return {
            order_field_name(question, item["id"]): SelectField(
                choices=positions, validators=[InputRequired(_l("Choose a place for this step."))]
            )
            for item in question.data["items"]
        }
    raise ValueError(f"unknown question type {question.type!r}")


class QuestionSetForm(BaseForm):
    """Base for generated forms; `questions` is set on the generated subclass."""

    questions: list[Question] = []
    submission_token = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for question in self.questions:
            if question.type != "ordering":
                continue
            fields = [self[order_field_name(question, i["id"])] for i in question.data["items"]]
            chosen = [f.data for f in fields if f.data]
            if len(chosen) == len(fields) and len(set(chosen)) != len(chosen):
                fields[0].errors = list(fields[0].errors) + [
                    str(_l("Use each number once: each step needs its own place."))
                ]
                ok = False
        return ok

    def response_for(self, question: Question) -> Any:
        """The learner's response in the shape the grader takes."""
        if question.type == "ordering":
            items = question.data["items"]
            placed = sorted(
                items, key=lambda i: int(self[order_field_name(question, i["id"])].data or 0)
            )
            return [i["id"] for i in placed]
        value = self[field_name(question)].data
        return value.strip() if isinstance(value, str) else value

    def answer_pairs(self) -> list[tuple[str, str]]:
        """(name, value) pairs that carry the answers through the review page unchanged."""
        pairs = []
        for name, f in self._fields.items():
            if name in ("csrf_token", "submission_token"):
                continue
            values = f.data if isinstance(f.data, list) else [f.data]
            pairs += [(f.name, v) for v in values if v not in (None, "")]
        return pairs

    def errors_for(self, question: Question) -> list[str]:
        names = (
            [order_field_name(question, i["id"]) for i in question.data["items"]]
            if question.type == "ordering"
            else [field_name(question)]
        )
        return [e for n in names for e in self[n].errors]


def make_question_form(questions: list[Question], **kwargs) -> QuestionSetForm:
    """A form class with a field per question, instantiated from the request."""
    attrs: dict[str, Any] = {"questions": list(questions)}
    for question in questions:
        attrs.update(_question_fields(question))
    form_class = type("GeneratedQuestionForm", (QuestionSetForm,), attrs)
    return form_class(**kwargs)


def display_items(question: Question, seed: str) -> list[dict[str, Any]]:
    """Ordering items shuffled (stably for one attempt) so the page never shows the answer."""
    items = list(question.data["items"])
    rng = random.Random(f"{seed}:{question.id}")
    for _ in range(5):
        rng.shuffle(items)
        if items != question.data["items"]:
            break
    return items
