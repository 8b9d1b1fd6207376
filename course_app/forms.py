"""The base every form uses: Flask-WTF's, with CSRF and WTForms' own messages translated
(Flask-WTF's i18n, through Flask-Babel's locale)."""

from __future__ import annotations

from flask_wtf import FlaskForm


class BaseForm(FlaskForm):
    pass
