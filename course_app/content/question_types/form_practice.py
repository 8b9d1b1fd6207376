"""`form_practice`: "try it". A practice form (signing in to a patient portal, asking for an
appointment) with what to type in each box; every box gets its own feedback, and the whole is
right when every box is. Typed answers match as in `short_text` (case, accents and punctuation
do not matter), except in boxes marked `exact` (passwords, by default)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from course_app.content.checker import describe
from course_app.content.question_types.base import (
    InvalidResponse,
    QuestionSpec,
    QuestionType,
    Verdict,
)
from course_app.content.question_types.short_text import normalise_text
from course_app.content.renderer import render_inline

if TYPE_CHECKING:
    from collections.abc import Mapping

    from wtforms import Field, Form

    from course_app.content.checker import Checker
    from course_app.content.loader import YamlMap
    from course_app.content.models import Question

FIELD_FIELDS = (
    ("label", "accepted"),
    ("id", "kind", "hint", "exact", "feedback_correct", "feedback_incorrect"),
)
# The input types a practice box may have, as on the real forms patrons meet.
KINDS = ("text", "password", "email", "tel", "number")


class FormPractice(QuestionType):
    name = "form_practice"
    required_fields = ("fields",)
    field_template = "question_types/form_practice_field.html"
    response_template = "question_types/form_practice_response.html"
    max_length = 200

    def check(self, check: Checker, data: YamlMap, question: QuestionSpec) -> None:
        listing = check.listing(data, "fields")
        boxes, seen = [], set()
        for index, raw in enumerate(listing):
            line = listing.line_of(index)
            entry = check.fields(raw, line, "a practice box", FIELD_FIELDS)
            box_id = check.key(entry, "id", unique=False) if "id" in entry else f"f{index + 1}"
            if box_id in seen:
                check.add(line, f"the id '{box_id}' is used twice in this question")
            seen.add(box_id)
            kind = check.text(entry, "kind", max_length=20) if "kind" in entry else "text"
            if kind and kind not in KINDS:
                check.add(entry.line_of("kind"), f"'kind' must be one of {', '.join(KINDS)}")
                kind = "text"
            accepted = []
            answers = check.listing(entry, "accepted")
            for n, answer in enumerate(answers):
                if isinstance(answer, bool) or not isinstance(answer, str | int | float):
                    check.add(
                        answers.line_of(n),
                        f"an accepted answer must be text, not {describe(answer)}",
                    )
                elif not normalise_text(str(answer)):
                    check.add(answers.line_of(n), "an accepted answer needs letters or numbers")
                else:
                    accepted.append(str(answer).strip())
            boxes.append(
                {
                    "id": box_id,
                    "label": check.markdown(entry, "label", inline=True),
                    "kind": kind or "text",
                    "hint": check.markdown(entry, "hint", inline=True),
                    "accepted": accepted,
                    # Passwords are typed exactly: capitals and punctuation count.
                    "exact": check.boolean(entry, "exact", kind == "password"),
                    "feedback_correct": check.markdown(entry, "feedback_correct", inline=True),
                    "feedback_incorrect": check.markdown(entry, "feedback_incorrect", inline=True),
                }
            )
        question.values["fields"] = boxes

    def answer_shape(self, question: QuestionSpec) -> tuple:
        return tuple((b["id"], b["kind"]) for b in question.values.get("fields", []))

    def translation_problem(self, translated: QuestionSpec) -> str | None:
        if all(b["accepted"] for b in translated.values.get("fields", [])):
            return None
        return f"the question '{translated.key}' needs accepted answers in this language"

    def stored_data(self, question: QuestionSpec) -> dict[str, Any]:
        return {
            "fields": [
                {
                    "id": b["id"],
                    "label_html": render_inline(b["label"]),
                    "kind": b["kind"],
                    "hint_html": render_inline(b["hint"]),
                    "accepted": b["accepted"],
                    "exact": b["exact"],
                    "feedback_correct_html": render_inline(b["feedback_correct"]),
                    "feedback_incorrect_html": render_inline(b["feedback_incorrect"]),
                }
                for b in question.values.get("fields", [])
            ]
        }

    # The form

    def box_field_name(self, question: Question, box_id: str) -> str:
        return f"{self.field_name(question)}-{box_id}"

    def field_names(self, question: Question) -> list[str]:
        return [self.box_field_name(question, b["id"]) for b in question.data["fields"]]

    def form_fields(self, question: Question) -> dict[str, Field]:
        return {
            name: StringField(
                validators=[
                    InputRequired(_l("Please fill in this box.")),
                    Length(max=self.max_length, message=_l("Please keep your answer shorter.")),
                ]
            )
            for name in self.field_names(question)
        }

    def response_from(self, form: Form, question: Question) -> Any:
        return {
            b["id"]: (form[self.box_field_name(question, b["id"])].data or "").strip()
            for b in question.data["fields"]
        }

    # Grading, pure

    def box_results(self, data: Mapping[str, Any], response: Any) -> list[bool]:
        if not isinstance(response, dict):
            raise InvalidResponse("expected a value for each box")
        boxes = data.get("fields", [])
        if set(response) != {b["id"] for b in boxes}:
            raise InvalidResponse("a value for each box, and no other")
        results = []
        for box in boxes:
            given = response[box["id"]]
            if not isinstance(given, str):
                raise InvalidResponse("expected text")
            if box.get("exact"):
                results.append(given.strip() in box["accepted"])
                continue
            accepted = {normalise_text(a) for a in box["accepted"]}
            results.append(bool(normalise_text(given)) and normalise_text(given) in accepted)
        return results

    def grade(self, data: Mapping[str, Any], response: Any) -> Verdict:
        results = self.box_results(data, response)
        right = tuple(b["id"] for b, ok in zip(data["fields"], results, strict=True) if ok)
        return Verdict(all(results), right)

    def feedback(self, data: Mapping[str, Any], response: Any, correct: bool) -> list[str]:
        """One line per box: its label, right or not, and the author's words for that."""
        lines = []
        for box, ok in zip(data["fields"], self.box_results(data, response), strict=True):
            verdict = _l("Right.") if ok else _l("Not quite.")
            words = box["feedback_correct_html"] if ok else box["feedback_incorrect_html"]
            css = "box-right" if ok else "box-wrong"
            lines.append(
                Markup('<p class="{}"><strong>{}:</strong> {} {}</p>').format(
                    css,
                    Markup(box["label_html"]),  # noqa: S704 - sanitised at import
                    escape(str(verdict)),
                    Markup(words),  # noqa: S704 - sanitised at import
                )
            )
        return [str(line) for line in lines]

    def demo_responses(self, data: Mapping[str, Any]) -> tuple[Any, list[Any]]:
        right = {b["id"]: b["accepted"][0] for b in data["fields"]}
        wrong = []
        for box in data["fields"]:
            accepted = {normalise_text(a) for a in box["accepted"]} | set(box["accepted"])
            typo = next(
                t for t in ("not sure", "I forgot", "x", "0") if normalise_text(t) not in accepted
            )
            wrong.append({**right, box["id"]: typo})
        return right, wrong
