"""`multiple`: pick every choice that is right."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField

from course_app.content.question_types.base import InvalidResponse, QuestionSpec, Verdict
from course_app.content.question_types.choices import ChoiceQuestion

if TYPE_CHECKING:
    from collections.abc import Mapping

    from course_app.content.checker import Checker
    from course_app.content.loader import YamlMap


class Multiple(ChoiceQuestion):
    name = "multiple"
    field_template = "question_types/multiple_field.html"
    field_class = SelectMultipleField
    nothing_picked = _l("Choose at least one answer.")

    def check(self, check: Checker, data: YamlMap, question: QuestionSpec) -> None:
        choices = self.read_choices(check, data, question)
        if choices and not any(c.correct for c in question.choices):
            check.add(
                data.line_of("choices"),
                "a 'multiple' question needs at least one choice with 'correct: true'",
            )

    def grade(self, data: Mapping[str, Any], response: Any) -> Verdict:
        if isinstance(response, str) or not isinstance(response, Sequence):
            raise InvalidResponse("expected a list of choices")
        ids = self.choice_ids(data)
        picked = list(dict.fromkeys(response))
        if not picked or any(not isinstance(p, str) or p not in ids for p in picked):
            raise InvalidResponse("not one of the choices")
        wanted = {c["id"] for c in data["choices"] if c.get("correct")}
        ordered = tuple(i for i in ids if i in picked)
        return Verdict(set(picked) == wanted, ordered)

    def demo_responses(self, data: Mapping[str, Any]) -> tuple[Any, list[Any]]:
        ids = self.choice_ids(data)
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
