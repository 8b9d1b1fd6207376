"""The audit page's filter: which library, which page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, SubmitField
from wtforms.validators import NumberRange, Optional

from course_app.forms import BaseForm


class AuditFilterForm(BaseForm):
    """A GET form, so no CSRF token; the view sets the library choices."""

    class Meta:
        csrf = False

    organisation_id = SelectField(_l("Library"), coerce=int, default=0)
    kind = SelectField(
        _l("Which events"),
        choices=[("", _l("Everything")), ("security", _l("Sign-ins and passwords"))],
        default="",
    )
    page = IntegerField(default=1, validators=[Optional(), NumberRange(min=1)])
    submit = SubmitField(_l("Show"))
