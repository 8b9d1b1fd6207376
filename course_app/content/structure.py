"""A translation must be the same course in other words: same parts, same keys, same answers.

Progress and quiz results are stored by key and choice id, so a learner who switches language
mid-course keeps everything only when both trees match. Pure: no Flask, no database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from course_app.content.loader import Problem
from course_app.content.question_types import question_type

if TYPE_CHECKING:
    from course_app.content.question_types import QuestionSpec
    from course_app.content.validator import CourseSpec


def _keys(items) -> list[str]:
    return [item.key for item in items]


def _list_problem(file: str, line: int, what: str, main: list[str], other: list[str]) -> Problem:
    missing = [k for k in main if k not in other]
    extra = [k for k in other if k not in main]
    if missing or extra:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if extra:
            parts.append("not in the main language: " + ", ".join(extra))
        detail = "; ".join(parts)
    else:
        detail = "same keys in another order: " + ", ".join(other)
    return Problem(file, max(line, 1), f"the {what} must match the main language ({detail})")


def _questions(main: list[QuestionSpec], other: list[QuestionSpec], file: str, line: int, what):
    if _keys(main) != _keys(other):
        return [_list_problem(file, line, what, _keys(main), _keys(other))]
    problems = []
    for first, second in zip(main, other, strict=True):
        # The translation was validated, so its type is known (the main file's may not be).
        kind = question_type(second.type)
        if first.type != second.type or kind.answer_shape(first) != kind.answer_shape(second):
            message = (
                f"the question '{second.key}' must have the same type, choices (in the same "
                "order) and right answers as in the main language"
            )
            problems.append(Problem(second.file or file, max(second.line, 1), message))
        elif message := kind.translation_problem(second):
            problems.append(Problem(second.file or file, max(second.line, 1), message))
    return problems


def _credit_problems(main: CourseSpec, other: CourseSpec) -> list[Problem]:
    """Translated credits name the same entries on the same dates; only the words differ."""
    if not other.credits_given:
        return []
    problems = []
    for name in ("authors", "reviewers"):
        ours, theirs = getattr(main, name), getattr(other, name)
        if [c.date for c in ours] != [c.date for c in theirs]:
            dates = ", ".join(c.date.isoformat() for c in ours) or "none"
            message = (
                f"'{name}' must list the same entries, in the same order and with the same "
                f"dates, as the main course.yml ({dates}); only names of teams and roles are "
                "translated"
            )
            problems.append(Problem(other.file, max(other.line_of(name), 1), message))
    return problems


def structure_problems(main: CourseSpec, other: CourseSpec, code: str) -> list[Problem]:
    """Every way the translation `code` differs in structure from the main course."""
    problems: list[Problem] = []
    for name in ("slug", "topic"):
        if getattr(main, name) != getattr(other, name):
            message = f"'{name}' must be '{getattr(main, name)}', as in the main course.yml"
            problems.append(Problem(other.file, max(other.line_of(name), 1), message))
    if other.language != code:
        message = f"this translation sits in the folder '{code}', so 'language' must be '{code}'"
        problems.append(Problem(other.file, max(other.line_of("language"), 1), message))
    problems += _credit_problems(main, other)
    if _keys(main.modules) != _keys(other.modules):
        problems.append(
            _list_problem(other.file, 1, "modules", _keys(main.modules), _keys(other.modules))
        )
        return problems
    for module, translated in zip(main.modules, other.modules, strict=True):
        file = translated.file or other.file
        if _keys(module.lessons) != _keys(translated.lessons):
            problems.append(
                _list_problem(file, 1, "lessons", _keys(module.lessons), _keys(translated.lessons))
            )
        else:
            for lesson, lesson_tr in zip(module.lessons, translated.lessons, strict=True):
                if lesson.required != lesson_tr.required:
                    value = str(lesson.required).lower()
                    message = f"'required' must be {value}, as in the main language"
                    line = lesson_tr.lines.get("required", lesson_tr.line)
                    problems.append(Problem(lesson_tr.file, max(line, 1), message))
                problems += _questions(
                    lesson.checks, lesson_tr.checks, lesson_tr.file, lesson_tr.body_line, "checks"
                )
        quiz, quiz_tr = module.quiz, translated.quiz
        if (quiz is None) != (quiz_tr is None):
            message = "the module must have a quiz in every language, or in none"
            problems.append(Problem(file, 1, message))
        elif quiz is not None and quiz_tr is not None:
            if quiz.key != quiz_tr.key or quiz.pass_mark != quiz_tr.pass_mark:
                message = (
                    f"the quiz must have the key '{quiz.key}' and pass mark {quiz.pass_mark}, "
                    "as in the main language"
                )
                problems.append(Problem(quiz_tr.file, max(quiz_tr.line, 1), message))
            problems += _questions(
                quiz.questions, quiz_tr.questions, quiz_tr.file, quiz_tr.line, "questions"
            )
    return problems
