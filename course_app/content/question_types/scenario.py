"""`scenario`: a situation and what the learner could do; one best choice, feedback on each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from course_app.content.question_types.base import QuestionSpec
from course_app.content.question_types.single import Single
from course_app.content.renderer import render_markdown

if TYPE_CHECKING:
    from course_app.content.checker import Checker
    from course_app.content.loader import YamlMap


class Scenario(Single):
    """Graded and shown like `single`; the situation is stored and shown above the prompt."""

    name = "scenario"
    required_fields = ("situation", "choices")
    one_right_needed = "a 'scenario' needs exactly one best choice"

    def check(self, check: Checker, data: YamlMap, question: QuestionSpec) -> None:
        question.situation = check.markdown(data, "situation")
        choices = self.read_one_right_choice(check, data, question)
        for index, choice in enumerate(question.choices):
            if not choice.feedback:
                check.add(
                    choices.line_of(index),
                    "in a 'scenario' every choice needs 'feedback' that says what happens next",
                )

    def stored_data(self, question: QuestionSpec) -> dict[str, Any]:
        situation = (
            {"situation_html": render_markdown(question.situation)} if question.situation else {}
        )
        return situation | super().stored_data(question)
