"""The base every form uses: Flask-WTF's CSRF, with WTForms' own messages translated from a
catalogue loaded once per language (Flask-WTF would parse the file again on every request)."""

from __future__ import annotations

from functools import lru_cache

from babel import support
from flask import has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path


@lru_cache(maxsize=8)
def _wtforms_translations(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _Translations:
    def gettext(self, string):
        if not has_request_context():
            return string
        return _wtforms_translations(str(get_locale())).ugettext(string)

    def ngettext(self, singular, plural, n):
        if not has_request_context():
            return singular if n == 1 else plural
        return _wtforms_translations(str(get_locale())).ungettext(singular, plural, n)


_TRANSLATIONS = _Translations()


class BaseForm(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return _TRANSLATIONS
