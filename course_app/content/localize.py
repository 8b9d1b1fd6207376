"""Content rows in the reader's language, without a change to any page that shows them.

A request names its content language once (`use_content_language`). Whenever a translated
row is loaded or refreshed in that request, its translated fields are set as if read from
the database, so `lesson.title` is simply Spanish for a Spanish reader. The values are
"committed", never dirty: nothing is written back, and the session ends with the request.
Outside a request (the CLI, the importer) rows keep the course's main language.

Pages that need a few texts, not the rows, select `localized(Lesson.title, language)`: the
same value computed in SQL, so neither the row nor its `translations` (which hold whole lesson
bodies) is loaded and parsed.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, has_request_context, request
from flask_babel import get_locale
from sqlalchemy import ColumnElement, event, func
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.attributes import set_committed_value

from course_app.content.models import Translated


def content_language() -> str | None:
    return g.get("content_language") if has_request_context() else None


def use_content_language(language: str) -> None:
    """Rows loaded from now on in this request read in `language` where a translation exists."""
    g.content_language = language


def text(row: Translated, field: str, language: str | None) -> Any:
    """A translated row's `field` as read in `language`: its translation where the row has
    one, else its own value."""
    translated = (row.translations or {}).get(language or "", {})
    return translated[field] if field in translated else getattr(row, field)


def localized(column: InstrumentedAttribute[str], language: str | None) -> ColumnElement[str]:
    """A translated text column as read in `language` (pass `content_language()`): its
    translation where the row has one, else its own value (what a loaded row would show).
    The language is an argument so that a statement can be built once per language."""
    if not language:
        return column
    translation = column.class_.translations[(language, column.key)].as_string()
    return func.coalesce(translation, column).label(column.key)


def _localize(target: Any, *_args: Any) -> None:
    language = content_language()
    translations = target.__dict__.get("translations")
    if not language or not translations:
        return
    for name, value in translations.get(language, {}).items():
        set_committed_value(target, name, value)


def init_localize(app: Flask) -> None:
    event.listen(Translated, "load", _localize, propagate=True)
    event.listen(Translated, "refresh", _localize, propagate=True)

    @app.before_request
    def choose_content_language() -> None:
        if request.endpoint not in ("static", "health.healthz"):
            use_content_language(str(get_locale()))
