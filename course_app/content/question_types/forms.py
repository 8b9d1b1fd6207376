"""Quiz and knowledge-check forms, built from question rows by their question types."""

from __future__ import annotations

from typing import Any

from wtforms import HiddenField

from course_app.content.models import Question
from course_app.forms import BaseForm


class QuestionSetForm(BaseForm):
    """Base for generated forms; `questions` is set on the generated subclass."""

    questions: list[Question] = []
    submission_token = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for question in self.questions:
            ok = question.question_type.check_answer(self, question) and ok
        return ok

    def response_for(self, question: Question) -> Any:
        """The learner's response in the shape the grader takes."""
        return question.question_type.response_from(self, question)

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
        names = question.question_type.field_names(question)
        return [e for n in names for e in self[n].errors]


def make_question_form(questions: list[Question], **kwargs) -> QuestionSetForm:
    """A form class with the fields of each question, instantiated from the request."""
    attrs: dict[str, Any] = {"questions": list(questions)}
    for question in questions:
        attrs.update(question.question_type.form_fields(question))
    form_class = type("GeneratedQuestionForm", (QuestionSetForm,), attrs)
    return form_class(**kwargs)
