"""The audit page's filter: which library, which page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SubmitField

from course_app.forms import BaseForm, PageField


class AuditFilterForm(BaseForm):
    """A GET form, so no CSRF token; the view sets the library choices."""

    class Meta:
        csrf = False

    organisation_id = SelectField(_l("Library"), coerce=int, default=0)
    page = PageField()
    submit = SubmitField(_l("Show"))
