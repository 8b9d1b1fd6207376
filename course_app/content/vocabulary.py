"""One Spanish vocabulary for every course: courses/terms.es.yml.

Each entry gives an English term, the one Spanish term the courses use for it, and the terms
to avoid (calques, regional words, a second name for the same thing):

    terms:
      - en: electronic health record
        es: expediente médico electrónico
        avoid: [historia clínica electrónica]

Pure: no Flask, no database. The linter warns when Spanish text uses a term to avoid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from course_app.content.checker import Checker
from course_app.content.loader import Problem, decode, parse_yaml

TERMS_FILE = "terms.{language}.yml"
TERMS_FIELDS = (("terms",), ())
TERM_FIELDS = (("en", "es", "avoid"), ())


@dataclass(frozen=True)
class Term:
    en: str
    preferred: str
    avoid: tuple[str, ...]
    line: int


@dataclass
class Vocabulary:
    file: str = ""
    terms: tuple[Term, ...] = ()

    def avoided_in(self, text: str) -> list[tuple[int, str, Term]]:
        """(offset in text, avoided term as written, its entry) for each avoided term used."""
        found = []
        folded = text.casefold()
        for term in self.terms:
            for avoided in term.avoid:
                pattern = r"(?<!\w)" + re.escape(avoided.casefold()) + r"(?!\w)"
                for match in re.finditer(pattern, folded):
                    found.append((match.start(), text[match.start() : match.end()], term))
        return sorted(found, key=lambda hit: hit[0])


def find_vocabulary_file(path: Path, language: str = "es") -> Path | None:
    """terms.es.yml in PATH, or in its parent when PATH is one course's folder."""
    name = TERMS_FILE.format(language=language)
    for folder in (path, path.parent):
        if (folder / name).is_file():
            return folder / name
    return None


def load_vocabulary(file: Path) -> tuple[Vocabulary, list[Problem]]:
    """The term list with every problem in it, by line."""
    text, problems = decode(file.read_bytes(), str(file))
    if text is None:
        return Vocabulary(str(file)), problems
    data, problems = parse_yaml(text, str(file))
    if problems:
        return Vocabulary(str(file)), problems
    check = Checker(str(file), {}, problems)
    root = check.fields(data, 1, "a term list", TERMS_FIELDS)
    listing = check.listing(root, "terms")
    terms = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(listing):
        line = listing.line_of(index)
        entry = check.fields(raw, line, "a term", TERM_FIELDS)
        english = check.text(entry, "en")
        preferred = check.text(entry, "es")
        avoid_list = check.listing(entry, "avoid", minimum=0)
        avoid = []
        for position, word in enumerate(avoid_list):
            if isinstance(word, str) and word.strip():
                avoid.append(word.strip())
            else:
                check.add(avoid_list.line_of(position), "each term to avoid is text")
        if preferred and preferred.casefold() in (word.casefold() for word in avoid):
            check.add(line, f"'{preferred}' is both the term to use and a term to avoid")
        if english:
            if english.casefold() in seen:
                check.add(
                    line, f"'{english}' is listed twice (first on line {seen[english.casefold()]})"
                )
            seen.setdefault(english.casefold(), line)
            terms.append(Term(english, preferred, tuple(avoid), line))
    return Vocabulary(str(file), tuple(terms)), problems
