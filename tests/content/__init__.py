"""Builders for course folders written to a temporary directory."""

from __future__ import annotations

from pathlib import Path

TINY_FILES: dict[str, str] = {
    "course.yml": (
        "slug: tiny-course\n"
        "title: A tiny course\n"
        "topic: health-literacy\n"
        "language: en\n"
        "modules:\n"
        "  - m1\n"
    ),
    "m1/module.yml": (
        "key: module-one\ntitle: Module one\nlessons:\n  - 01-first.md\nquiz: quiz.yml\n"
    ),
    "m1/01-first.md": (
        "---\nkey: first-lesson\ntitle: The first lesson\nminutes: 3\n---\n\nHello, reader.\n"
    ),
    "m1/quiz.yml": (
        "key: quiz-one\n"
        "title: Quiz one\n"
        "questions:\n"
        "  - key: question-one\n"
        "    type: true_false\n"
        "    prompt: Is this a quiz?\n"
        "    answer: true\n"
    ),
}


def write_course(
    root: Path, changes: dict[str, str | bytes | None] | None = None, folder: str = "tiny"
) -> Path:
    """The tiny course under root/folder, with files replaced (or removed when None)."""
    files: dict[str, str | bytes | None] = {**TINY_FILES, **(changes or {})}
    course = root / folder
    for name, content in files.items():
        if content is None:
            continue
        path = course / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return course


def line_of(text: str, needle: str, start: int = 1) -> int:
    """The 1-based number of the first line at or after start that contains needle."""
    for number, line in enumerate(text.split("\n"), start=1):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")
