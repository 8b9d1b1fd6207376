"""The audit page's filters: dates, person, action, library, page. A GET form: no CSRF token,
and the address of a filtered log can be shared."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional, ValidationError

from course_app.accounts.services import find_user
from course_app.forms import BaseForm


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class AuditFilterForm(BaseForm):
    """The view sets the library and action choices; the page number is read apart, so a
    page past the end shows the last page rather than an error."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
    person = StringField(
        _l("Person (username)"),
        filters=[_strip],
        validators=[Optional(), Length(max=40)],
        description=_l("Changes made by them or about them."),
    )
    action = SelectField(_l("What"), default="")
    organisation_id = SelectField(_l("Library"), coerce=int, default=0)
    kind = SelectField(
        _l("Which events"),
        choices=[("", _l("Everything")), ("security", _l("Sign-ins and passwords"))],
        default="",
    )
    submit = SubmitField(_l("Show"))

    def validate_end(self, field: DateField) -> None:
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The end date must be on or after the start date."))

    def validate_person(self, field: StringField) -> None:
        if field.data and find_user(field.data) is None:
            raise ValidationError(_l("Nobody has this username."))
