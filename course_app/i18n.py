"""Language choice: the learner's choice, then the account, then Accept-Language."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from course_app.extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the CLI speaks the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    if current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    accepted = _best_accepted(request.headers.get("Accept-Language", ""), tuple(languages))
    return accepted or current_app.config["BABEL_DEFAULT_LOCALE"]


@lru_cache(maxsize=256)
def _best_accepted(header: str, languages: tuple[str, ...]) -> str | None:
    # Browsers send the same few headers again and again; parsing one costs more than the
    # rest of choosing a language.
    return parse_accept_header(header, LanguageAccept).best_match(languages)


@lru_cache(maxsize=16)
def _parsed_locale(code: str) -> Locale:
    return Locale.parse(code)


def _selected_locale() -> Locale:
    # Parsing a locale code costs more than choosing it; the few codes we serve parse once.
    return _parsed_locale(select_locale())


def current_translations() -> NullTranslations:
    """This request's catalogue, looked up once per request and locale, not once per string.

    Keyed by the locale object, so flask_babel.refresh() and force_locale() still take effect.
    """
    locale = get_locale()
    memo = g.get("_translations_memo")
    if memo is None or memo[0] is not locale:
        memo = g._translations_memo = (locale, get_translations())
    return memo[1]


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=_selected_locale)
    # Flask-Babel's template callables resolve the domain, locale and catalogue for every
    # string; a page has dozens of strings, so templates use the per-request catalogue.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current_translations().ugettext(s),
        ngettext=lambda s, p, n: current_translations().ungettext(s, p, n),
        pgettext=lambda c, s: current_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # `_` is an alias that looks `gettext` up again on every call; point it at gettext itself.
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"]

    @app.context_processor
    def language_context():
        # The catalogue is fixed for the length of one render, so the template's own strings
        # use it directly; macros imported without context use the globals above.
        translations = current_translations()
        gettext = _bound_gettext(translations)
        return {
            "current_language": str(get_locale() or "en"),
            "g": g,
            "_": gettext,
            "gettext": gettext,
            "ngettext": _bound_ngettext(translations),
        }


def _bound_gettext(translations: NullTranslations):
    """Jinja's new-style gettext (escaping, %-formatting) over one catalogue."""

    @pass_eval_context
    def gettext(eval_ctx, string: str, **variables):
        rv = translations.ugettext(string)
        if eval_ctx.autoescape:
            rv = Markup(rv)  # noqa: S704 - our own catalogue, as in Jinja's i18n extension
        return rv % variables

    return gettext


def _bound_ngettext(translations: NullTranslations):
    @pass_eval_context
    def ngettext(eval_ctx, singular: str, plural: str, num: int, **variables):
        variables.setdefault("num", num)
        rv = translations.ungettext(singular, plural, num)
        if eval_ctx.autoescape:
            rv = Markup(rv)  # noqa: S704 - our own catalogue, as in Jinja's i18n extension
        return rv % variables

    return ngettext
