"""The base every form uses: Flask-WTF's, with CSRF and WTForms' own messages translated
(Flask-WTF's i18n, through Flask-Babel's locale)."""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional


class BaseForm(FlaskForm):
    pass


# Past the end of any list; a longer number is a typo or a probe, and would overflow the
# database's integers (OFFSET) on the way.
MAX_PAGE = 100_000


class PageField(IntegerField):
    """A list's page number: 1 to MAX_PAGE, anything else makes the form invalid."""

    def __init__(self, label=None, **kwargs) -> None:
        kwargs.setdefault("default", 1)
        validators = [Optional(), NumberRange(min=1, max=MAX_PAGE)]
        super().__init__(label, validators=validators, **kwargs)


def page_number(value: int | None) -> int:
    """A page number from the address (request.args, type=int) within 1..MAX_PAGE."""
    return min(max(value or 1, 1), MAX_PAGE)


def bad_filters_response(form: FlaskForm) -> Response:
    """The answer to a download (CSV, PDF) asked for with filters that do not validate: a plain
    400 that names each bad filter, since there is no page to show the form on."""
    problems = "; ".join(
        f"{form[name].label.text}: {' '.join(map(str, errors))}"
        for name, errors in form.errors.items()
    )
    return Response(
        _("These filters cannot be used: %(problems)s", problems=problems) + "\n",
        status=400,
        mimetype="text/plain",
    )
