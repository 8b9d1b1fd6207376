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


_LESSON_EN = """---
key: first-lesson
title: Your genes
minutes: 5
glossary: [gene]
---

# What is a gene?

A gene is a small part of you. It tells your body how to grow.

```check
key: check-gene
type: scenario
situation: Ana reads that one gene decides all of her health.
prompt: What should Ana think?
choices:
  - text: Genes are one part of the story.
    correct: true
    feedback: Yes. Where you live and what you do matter too.
  - text: One gene decides everything about you.
    feedback: Not quite. Your habits matter too.
explanation: Genes, places and habits all shape health.
```

# Key points

- A gene tells your body how to grow.

# Sources

- [MedlinePlus Genetics](https://medlineplus.gov/genetics/), NLM, checked 2026-12-01
"""

_LESSON_ES = """---
key: first-lesson
title: Sus genes
minutes: 5
glossary: [gen]
---

# ¿Qué es un gen?

Un gen es una parte de usted. Le dice al cuerpo cómo crecer.

```check
key: check-gene
type: scenario
situation: Ana lee que un gen decide toda su salud.
prompt: ¿Qué debe pensar Ana?
choices:
  - text: Los genes son una parte.
    correct: true
    feedback: Sí. Su casa y su vida también cuentan.
  - text: Un solo gen lo decide todo.
    feedback: No del todo. Sus hábitos también cuentan.
explanation: Los genes, el lugar y los hábitos dan forma a la salud.
```

# Puntos clave

- Un gen le dice al cuerpo cómo crecer.

# Fuentes

- [MedlinePlus en español](https://medlineplus.gov/spanish/), NLM, consultado el 2026-12-01
"""

# A two-language course that validates and lints clean (review due far in the future).
BILINGUAL_FILES: dict[str, str] = {
    "course.yml": (
        "slug: tiny-bilingual\n"
        "title: Genes and you\n"
        "topic: precision-medicine\n"
        "language: en\n"
        "summary: A short course.\n"
        "reviewed: 2026-11-01\n"
        "review_due: 2099-11-01\n"
        "translations: [es]\n"
        "glossary: glossary.yml\n"
        "modules:\n"
        "  - m1\n"
    ),
    "glossary.yml": (
        "terms:\n"
        "  - term: gene\n"
        "    definition: A small part of you that tells your body how to grow.\n"
    ),
    "m1/module.yml": (
        "key: module-one\ntitle: Module one\nlessons:\n  - 01-first.md\nquiz: quiz.yml\n"
    ),
    "m1/01-first.md": _LESSON_EN,
    "m1/quiz.yml": (
        "key: quiz-one\n"
        "title: Quiz one\n"
        "questions:\n"
        "  - key: question-one\n"
        "    type: short_text\n"
        "    prompt: What tells your body how to grow?\n"
        "    accepted: [gene, a gene]\n"
        "  - key: question-two\n"
        "    type: single\n"
        "    prompt: Where is a gene?\n"
        "    choices:\n"
        "      - text: In you\n"
        "        correct: true\n"
        "      - text: In the sky\n"
    ),
    "es/course.yml": (
        "slug: tiny-bilingual\n"
        "title: Los genes y usted\n"
        "topic: precision-medicine\n"
        "language: es\n"
        "summary: Un curso corto.\n"
        "glossary: glossary.yml\n"
        "modules:\n"
        "  - m1\n"
    ),
    "es/glossary.yml": (
        "terms:\n"
        "  - term: gen\n"
        "    definition: Una parte de usted que le dice al cuerpo cómo crecer.\n"
    ),
    "es/m1/module.yml": (
        "key: module-one\ntitle: Módulo uno\nlessons:\n  - 01-first.md\nquiz: quiz.yml\n"
    ),
    "es/m1/01-first.md": _LESSON_ES,
    "es/m1/quiz.yml": (
        "key: quiz-one\n"
        "title: Prueba uno\n"
        "questions:\n"
        "  - key: question-one\n"
        "    type: short_text\n"
        "    prompt: ¿Qué le dice al cuerpo cómo crecer?\n"
        "    accepted: [gen, un gen]\n"
        "  - key: question-two\n"
        "    type: single\n"
        "    prompt: ¿Dónde está un gen?\n"
        "    choices:\n"
        "      - text: En usted\n"
        "        correct: true\n"
        "      - text: En el cielo\n"
    ),
}


def write_bilingual(root: Path, changes: dict[str, str | None] | None = None) -> Path:
    """The two-language course under root/bilingual, with files replaced or removed."""
    course = root / "bilingual"
    for name, content in {**BILINGUAL_FILES, **(changes or {})}.items():
        if content is None:
            continue
        path = course / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return course


def assert_problem(problems, file: Path, line: int | None, text: str) -> None:
    """A problem in exactly `file`, on `line` (any line when None), whose message has `text`."""
    for problem in problems:
        if (
            problem.file == str(file)
            and (line is None or problem.line == line)
            and text in problem.message
        ):
            return
    listed = "\n".join(str(p) for p in problems) or "(no problems)"
    raise AssertionError(f"no problem {file}:{line} containing {text!r} in:\n{listed}")
