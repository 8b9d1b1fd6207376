"""`true_false`: a statement, answered True or False; written as `answer: true` or `false`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from course_app.content.question_types.base import Choice, QuestionSpec
from course_app.content.question_types.single import Single

if TYPE_CHECKING:
    from collections.abc import Mapping

    from course_app.content.checker import Checker
    from course_app.content.loader import YamlMap


class TrueFalse(Single):
    """Stored as a single-choice question with the choices `true` and `false`."""

    name = "true_false"
    required_fields = ("answer",)
    optional_fields = ("feedback_true", "feedback_false")

    def check(self, check: Checker, data: YamlMap, question: QuestionSpec) -> None:
        answer = check.boolean(data, "answer", True)
        question.choices = [
            Choice("true", "", answer is True, check.markdown(data, "feedback_true", inline=True)),
            Choice(
                "false", "", answer is False, check.markdown(data, "feedback_false", inline=True)
            ),
        ]

    def choice_label(self, choice: Mapping[str, Any]) -> Markup:
        return Markup.escape(_l("True") if choice["id"] == "true" else _l("False"))
