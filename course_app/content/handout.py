"""A module's printable handout, read from its lessons as imported: each lesson's main message,
key points and first teaching picture, the glossary words, and a sheet to fill in where a
lesson has one ("Questions to ask", "Your medicine list").

Pure: no Flask, no database. The sections are found by the headings the course guide asks
for, in English and Spanish.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from course_app.content.pictures import MEDIA_URL

KEY_POINTS = ("key points", "puntos clave")
# Headings of sections a patron fills in on paper: questions to ask, a list of medicines.
QUESTION_SHEETS = ("questions to ask", "questions for your doctor", "preguntas para")
MEDICINE_SHEETS = ("medicine list", "my medicines", "lista de medicamentos", "lista de medicinas")
_BLOCKS = {"p", "li", "h2", "h3", "h4", "dt", "dd", "figcaption", "td", "th"}


@dataclass
class Sheet:
    kind: str  # "questions" or "medicines"
    title: str
    items: list[str]


@dataclass
class HandoutLesson:
    title: str
    main_message: str = ""
    key_points: list[str] = field(default_factory=list)
    picture: tuple[str, str] | None = None  # (media file name, alt text)
    sheets: list[Sheet] = field(default_factory=list)


@dataclass
class Handout:
    site_name: str
    course_title: str
    module_title: str
    language: str
    lessons: list[HandoutLesson]
    glossary: list[tuple[str, str]]  # (term, definition as plain text)


def sheet_kind(heading: str) -> str | None:
    folded = heading.casefold()
    if any(words in folded for words in QUESTION_SHEETS):
        return "questions"
    if any(words in folded for words in MEDICINE_SHEETS):
        return "medicines"
    return None


class _LessonReader(HTMLParser):
    """Sections (by <h2>) of a lesson body with their list items, and its pictures."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.heading = ""
        self.in_heading = False
        self.depth_li = 0
        self.text: list[str] = []
        self.items: dict[str, list[str]] = {}
        self.order: list[str] = []
        self.pictures: list[tuple[str, str]] = []
        self.skip = 0  # inside a knowledge check's markup (never in stored bodies, but safe)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "h2":
            self.in_heading, self.text = True, []
        elif tag == "li":
            self.depth_li += 1
            if self.depth_li == 1:
                self.text = []
        elif tag == "img":
            src = values.get("src") or ""
            if src.startswith(MEDIA_URL) and (values.get("alt") or "").strip():
                self.pictures.append((src[len(MEDIA_URL) :], values["alt"].strip()))

    def handle_endtag(self, tag):
        if tag == "h2" and self.in_heading:
            self.in_heading = False
            self.heading = " ".join("".join(self.text).split())
            self.order.append(self.heading)
            self.items.setdefault(self.heading, [])
        elif tag == "li" and self.depth_li:
            self.depth_li -= 1
            if self.depth_li == 0 and self.heading:
                words = " ".join("".join(self.text).split())
                if words:
                    self.items[self.heading].append(words)

    def handle_data(self, data):
        if self.in_heading or self.depth_li:
            self.text.append(data)


def read_lesson(title: str, main_message: str, body_html: str) -> HandoutLesson:
    """What a handout takes from one lesson's body."""
    reader = _LessonReader()
    reader.feed(body_html)
    reader.close()
    lesson = HandoutLesson(title, main_message)
    for heading in reader.order:
        if heading.casefold() in KEY_POINTS:
            lesson.key_points = reader.items[heading]
        kind = sheet_kind(heading)
        if kind is not None:
            lesson.sheets.append(Sheet(kind, heading, reader.items[heading]))
    lesson.picture = reader.pictures[0] if reader.pictures else None
    return lesson


def plain_text(html: str) -> str:
    """HTML (a glossary definition) as one line of text."""
    parts: list[str] = []
    parser = HTMLParser(convert_charrefs=True)
    parser.handle_data = parts.append  # type: ignore[method-assign]
    parser.feed(html)
    parser.close()
    return " ".join("".join(parts).split())
