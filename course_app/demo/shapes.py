"""What the demo plan is given: the courses as learners meet them, and the app's conventions.

Plain values, so the plan needs neither Flask nor the database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class QuestionShape:
    id: int
    type: str
    data: Mapping[str, Any]


@dataclass(frozen=True)
class QuizShape:
    id: int
    pass_mark: int
    questions: tuple[QuestionShape, ...]  # the active ones, in order


@dataclass(frozen=True)
class LessonShape:
    id: int
    counted: bool  # counts towards completion (required, active, in an active module)


@dataclass(frozen=True)
class ModuleShape:
    id: int
    lessons: tuple[LessonShape, ...]  # the active ones, in order
    quiz: QuizShape | None  # only a quiz that counts towards completion


@dataclass(frozen=True)
class CourseShape:
    """An active course as learners meet it: active modules, lessons and quizzes in order."""

    id: int
    language: str
    languages: tuple[str, ...]
    modules: tuple[ModuleShape, ...]

    @property
    def steps(self) -> list[LessonShape | QuizShape]:
        """Each module's lessons, then its quiz."""
        steps: list[LessonShape | QuizShape] = []
        for module in self.modules:
            steps.extend(module.lessons)
            if module.quiz is not None:
                steps.append(module.quiz)
        return steps


@dataclass(frozen=True)
class Conventions:
    """What the app's own code decides, handed in by the caller."""

    password_hash: str
    username_key: Callable[[str], str]
    join_code_alphabet: str
    join_code_length: int
    certificate_code_bytes: int
    taken_usernames: frozenset[str] = frozenset()
    taken_join_codes: frozenset[str] = frozenset()
