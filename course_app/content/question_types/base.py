"""What a question type is: one class from its lines in a course file to a learner's feedback.

A type checks its fields in the course file, builds the `data` stored on the question, makes
the form fields and reads the response back from them, grades the response, picks the
feedback that applies, names its templates and gives the demo data plausible responses.
`grade`, `feedback` and the course-file hooks are pure: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from course_app.content.checker import Checker
from course_app.content.loader import YamlList, YamlMap

if TYPE_CHECKING:
    from collections.abc import Mapping

    from wtforms import Field, Form

    from course_app.content.models import Question

CHOICE_FIELDS = (("text",), ("id", "correct", "feedback"))
ITEM_FIELDS = (("text",), ("id",))


@dataclass
class Choice:
    id: str
    text: str
    correct: bool = False
    feedback: str = ""


@dataclass
class QuestionSpec:
    key: str
    type: str
    prompt: str
    explanation: str = ""
    situation: str = ""  # scenario: the story the learner decides about
    file: str = ""
    line: int = 0
    choices: list[Choice] = field(default_factory=list)  # single, multiple, true_false
    accepted: list[str] = field(default_factory=list)  # short_text
    items: list[Choice] = field(default_factory=list)  # ordering, in the correct order
    values: dict[str, Any] = field(default_factory=dict)  # a type's own, when none above fit


class InvalidResponse(ValueError):
    """The response does not fit the question (forged ids, wrong shape)."""


class UnknownQuestionType(ValueError):
    """No question type of that name is registered."""


@dataclass(frozen=True)
class Verdict:
    correct: bool
    # Choice ids whose feedback applies (the ones the learner picked).
    picked: tuple[str, ...] = ()


def _entry_id(index: int) -> str:
    return chr(ord("a") + index) if index < 26 else f"x{index + 1}"


def read_entries(check: Checker, listing: YamlList, what: str, spec: tuple) -> list[Choice]:
    """Choices or ordering items; plain text is allowed when text is the only needed field."""
    entries = []
    seen: set[str] = set()
    for index, raw in enumerate(listing):
        line = listing.line_of(index)
        if isinstance(raw, str) and spec is ITEM_FIELDS:
            raw = YamlMap(line)
            raw["text"] = listing[index]
        data = check.fields(raw, line, what, spec)
        entry = Choice(
            id=check.key(data, "id", unique=False) if "id" in data else _entry_id(index),
            text=check.markdown(data, "text", inline=True),
            correct=check.boolean(data, "correct", False) if "correct" in spec[1] else False,
            feedback=check.markdown(data, "feedback", inline=True),
        )
        if entry.id in seen:
            check.add(line, f"the id '{entry.id}' is used twice in this question")
        seen.add(entry.id)
        entries.append(entry)
    return entries


class QuestionType:
    """One kind of question. Instances hold no state; the registry keeps one of each."""

    name: ClassVar[str]
    # The fields a question of this type needs and may have, besides key, type and prompt.
    required_fields: ClassVar[tuple[str, ...]] = ()
    optional_fields: ClassVar[tuple[str, ...]] = ()
    # Templates under templates/: the question's form fields, and a response shown back.
    field_template: ClassVar[str]
    response_template: ClassVar[str]

    # The course file

    def check(self, check: Checker, data: YamlMap, question: QuestionSpec) -> None:
        """Reads the type's fields into `question`, reporting each problem with its line."""
        raise NotImplementedError

    def check_picture(self, check: Checker, question: QuestionSpec, picture: Any) -> None:
        """Checks against the question's picture (a `picture:` field), once it is read."""

    def answer_shape(self, question: QuestionSpec) -> tuple:
        """What grading depends on, so every translation must keep it: ids, right answers and
        counts, never the words."""
        return ()

    def translation_problem(self, translated: QuestionSpec) -> str | None:
        """A problem with a translation whose answer shape matches (words it must add)."""
        return None

    def stored_data(self, question: QuestionSpec) -> dict[str, Any]:
        """The type-specific part stored in Question.data, already sanitised."""
        raise NotImplementedError

    # The form

    def field_name(self, question: Question) -> str:
        return f"q{question.id}"

    def field_names(self, question: Question) -> list[str]:
        """Every form field of the question, so its errors can be shown together."""
        return [self.field_name(question)]

    def form_fields(self, question: Question) -> dict[str, Field]:
        """The unbound form fields for one question, keyed by field name."""
        raise NotImplementedError

    def check_answer(self, form: Form, question: Question) -> bool:
        """Checks across the question's fields, after each field's own; errors go on a field."""
        return True

    def response_from(self, form: Form, question: Question) -> Any:
        """The learner's response, from a validated form, in the shape `grade` takes."""
        value = form[self.field_name(question)].data
        return value.strip() if isinstance(value, str) else value

    # Grading, pure

    def grade(self, data: Mapping[str, Any], response: Any) -> Verdict:
        """The verdict on one response; raises InvalidResponse when it does not fit."""
        raise NotImplementedError

    def feedback(self, data: Mapping[str, Any], response: Any, correct: bool) -> list[str]:
        """The author's feedback (HTML) that applies to this response."""
        key = "feedback_correct_html" if correct else "feedback_incorrect_html"
        return [data[key]] if data.get(key) else []

    # Demo data

    def demo_responses(self, data: Mapping[str, Any]) -> tuple[Any, list[Any]]:
        """A right response and wrong ones a learner might plausibly give (maybe none)."""
        raise NotImplementedError
