"""Quizzes that test understanding, not test-taking tricks. Pure: no Flask, no database.

Two warnings, across one language of a course: the right answer is the longest option too
often (learners learn to pick the longest), and a quiz question repeats a knowledge check
word for word (it tests memory of the lesson, not understanding).
"""

from __future__ import annotations

import difflib
import re

from course_app.content.loader import Problem
from course_app.content.question_types import QuestionSpec

MAX_LONGEST_RIGHT_SHARE = 0.4
LONGEST_TYPES = ("single", "scenario")
SAME_WORDING = 0.9  # difflib ratio of the normalised wording at which a quiz repeats a check


def _plain(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def right_is_longest(question: QuestionSpec) -> bool:
    """The right choice is strictly longer than every other choice (ties do not count)."""
    right = [c for c in question.choices if c.correct]
    others = [c for c in question.choices if not c.correct]
    if len(right) != 1 or not others:
        return False
    return len(_plain(right[0].text)) > max(len(_plain(c.text)) for c in others)


def longest_answer_problem(questions: list[QuestionSpec], file: str, line: int) -> Problem | None:
    """A warning when the right answer is the longest in more than 40% of the questions."""
    counted = [q for q in questions if q.type in LONGEST_TYPES]
    if not counted:
        return None
    longest = [q for q in counted if right_is_longest(q)]
    share = len(longest) / len(counted)
    if share <= MAX_LONGEST_RIGHT_SHARE:
        return None
    keys = ", ".join(q.key for q in longest)
    return Problem(
        file,
        line,
        f"warning: the right answer is the longest option in {len(longest)} of {len(counted)} "
        f"single-choice and scenario questions ({share:.0%}, at most "
        f"{MAX_LONGEST_RIGHT_SHARE:.0%}); make the options similar in length ({keys})",
    )


def _wording(question: QuestionSpec) -> str:
    return _plain(f"{question.situation} {question.prompt}")


def repeated_check_problems(
    checks: list[QuestionSpec], quiz_questions: list[QuestionSpec]
) -> list[Problem]:
    """A warning for each quiz question worded (almost) like a knowledge check."""
    problems = []
    wordings = [(check, _wording(check)) for check in checks]
    for question in quiz_questions:
        wording = _wording(question)
        for check, check_wording in wordings:
            ratio = difflib.SequenceMatcher(None, wording, check_wording, autojunk=False).ratio()
            if ratio >= SAME_WORDING:
                problems.append(
                    Problem(
                        question.file,
                        max(question.line, 1),
                        f"warning: the quiz question '{question.key}' repeats the knowledge "
                        f"check '{check.key}' ({check.file}:{check.line}); ask learners to "
                        "apply the idea to a new situation instead",
                    )
                )
                break
    return problems
