"""Facts a reader can check: every figure carries its date, every lesson lists its sources.

Pure: no Flask, no database. A figure (a percentage, "1 in 100", "2 million") must have a year
in its own paragraph or list item, or in the one just before ("In 2024, the program said:").
A made-up number that only shows how to read figures says so ("For example", "Imagine").
Each entry under Sources gives a title and link, who published it, and the date it was
checked: `- [Title](https://...), Publisher, checked 2026-12-05`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

from course_app.content.loader import Problem

SOURCES_HEADINGS = {"en": "sources", "es": "fuentes"}
_md = MarkdownIt("commonmark")

# Numbers people would quote as facts; plain counts ("3 questions", "10 mg") are not figures.
_FIGURE = re.compile(
    r"\d[\d,.]*\s?(?:%|percent\b|por\s+ciento\b)"
    r"|\b\d[\d,.]*\s+(?:in|out\s+of|de\s+cada|en)\s+\d[\d,.]*\b"
    r"|\b(?:\d[\d,.]*|one|a|un|una)\s+(?:million|billion|mill[oó]n|millones)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_EXAMPLE = re.compile(
    r"\b(?:for example|examples?|made-up|imagine|suppose|say that|"
    r"por ejemplo|ejemplos?|inventado|imagine|supongamos|digamos)\b",
    re.IGNORECASE,
)
# A day, or a month when only the month is known ("checked 2026-12").
_CHECKED = re.compile(
    r"\b(?:checked|consultad[oa]|revisad[oa])\s+(?:el\s+|en\s+|on\s+|in\s+)?"
    r"(\d{4}-\d{2}(?:-\d{2})?)\b",
    re.IGNORECASE,
)
# When the source was cited, when nobody has checked it since (a warning, not a problem).
_CITED = re.compile(
    r"\b(?:cited|citad[oa])\s+(?:el\s+|en\s+|on\s+|in\s+)?(\d{4}-\d{2}(?:-\d{2})?)\b", re.IGNORECASE
)
_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")


@dataclass(frozen=True)
class Block:
    """A paragraph or list item: its 0-based first line in the body and its plain text,
    and the heading of the section it is in."""

    line: int
    text: str
    in_sources: bool
    heading: str = ""


def blocks(body: str, language: str) -> list[Block]:
    """Paragraphs and list items in reading order, each marked when it is under Sources."""
    sources = SOURCES_HEADINGS.get(language, "sources")
    found: list[Block] = []
    in_heading = in_sources = False
    heading = ""
    for token in _md.parse(body):
        if token.type == "heading_open":
            in_heading = True
            continue
        if token.type == "heading_close":
            in_heading = False
            continue
        if token.type != "inline":
            continue
        if in_heading:
            heading = token.content.strip()
            in_sources = heading.casefold() == sources
            continue
        line = token.map[0] if token.map else 0
        found.append(Block(line, token.content, in_sources, heading))
    return found


def undated_figures(body: str, language: str) -> list[tuple[int, str]]:
    """(0-based line, figure) for each figure with no year in its block or the one before.

    A section that says it is an example (in its heading or any text so far) is exempt:
    its numbers only show how to read figures.
    """
    found = []
    previous = section = ""
    heading = None
    for block in blocks(body, language):
        if block.in_sources:
            break
        if block.heading != heading:
            heading, section = block.heading, block.heading
        section += " " + block.text
        match = _FIGURE.search(block.text)
        nearby = previous + " " + block.text
        if match and not _YEAR.search(nearby) and not _EXAMPLE.search(section):
            found.append((block.line, match.group(0).strip()))
        previous = block.text
    return found


def source_entry_problem(text: str) -> str | None:
    """What a Sources entry lacks (title and link, publisher, date checked), or None."""
    link = _LINK.search(text)
    checked = _CHECKED.search(text)
    missing = []
    if link is None or not link.group(1).strip():
        missing.append("a title with its link: [Title](https://...)")
    if checked is None and _CITED.search(text) is None:
        missing.append("the date it was checked: 'checked 2026-12-05'")
    rest = _LINK.sub(" ", text)
    rest = _CITED.sub(" ", _CHECKED.sub(" ", rest))
    if not re.search(r"[^\W\d_]{2,}", rest):
        missing.append("who published it")
    if not missing:
        return None
    return "this source needs " + ", ".join(missing)


def source_entry_unchecked(text: str) -> str | None:
    """A warning for a source that says when it was cited but not that anyone checked it."""
    cited = _CITED.search(text)
    if cited is None or _CHECKED.search(text):
        return None
    return (
        f"warning: this source was cited {cited.group(1)} but nobody has checked it since; "
        "run 'flask courses check-links' where the internet is reachable, then write "
        "'checked <date>'"
    )


def figure_and_source_problems(file: str, body: str, body_line: int, language: str):
    """Undated figures and incomplete Sources entries in one lesson, with their lines;
    then warnings for sources cited but not checked; then whether Sources lists any."""
    problems = []
    warnings = []
    for line, figure in undated_figures(body, language):
        problems.append(
            Problem(
                file,
                body_line + line,
                f"the figure '{figure}' needs its date and source nearby (\"In 2024, ...\"); "
                "for a made-up number, say 'For example'",
            )
        )
    entries = [block for block in blocks(body, language) if block.in_sources]
    for block in entries:
        unchecked = source_entry_unchecked(block.text)
        if unchecked and not source_entry_problem(block.text):
            warnings.append(Problem(file, body_line + block.line, unchecked))
        message = source_entry_problem(block.text)
        if message:
            problems.append(
                Problem(
                    file,
                    body_line + block.line,
                    message + " (like: - [Title](https://...), Publisher, checked 2026-12-05)",
                )
            )
    return problems, warnings, bool(entries)


# Question types that state facts; a scenario is a story and short answers are exercises.
FACT_QUESTION_TYPES = ("single", "multiple", "true_false")


def undated_question_figure(kind: str, text: str) -> str | None:
    """The first figure in a fact question's words when none of them gives a year."""
    if kind not in FACT_QUESTION_TYPES:
        return None
    match = _FIGURE.search(text)
    if match is None or _YEAR.search(text) or _EXAMPLE.search(text):
        return None
    return match.group(0).strip()
