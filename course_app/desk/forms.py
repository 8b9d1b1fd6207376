"""Desk forms: a new patron, a CSV upload and its confirmation, a reset code, the patron search."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from course_app.accounts.forms import USERNAME_PATTERN, normalise_username
from course_app.accounts.services import USERNAME_MAX, find_user, username_key
from course_app.desk.cards import CARD_MAX_LENGTH, CARD_MIN_LENGTH, CardNumberError
from course_app.desk.cards import normalise_card_number as _normalise_card
from course_app.desk.csv_import import EMAIL, NAME_MAX
from course_app.desk.patron_import import TOKEN_MAX_LENGTH
from course_app.forms import BaseForm, PageField
from course_app.libraries.models import Organisation

CARD_ERRORS = {
    "invalid": _l("Use only letters and numbers (spaces and dashes are fine)."),
    "too-short": _l("A card number has at least %(n)d characters.", n=CARD_MIN_LENGTH),
    "too-long": _l("A card number has at most %(n)d characters.", n=CARD_MAX_LENGTH),
}


def set_branch_choices(
    field: SelectField, branches: list[Organisation], default: Organisation | None
) -> None:
    """The branches as the field's choices, `default` chosen while the form has no value."""
    field.choices = [(b.id, b.name) for b in branches]
    if field.data is None and default is not None:
        field.data = default.id


def _strip(value):
    return " ".join(value.split()) if isinstance(value, str) else value


class NewPatronForm(BaseForm):
    name = StringField(
        _l("Name or nickname"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter the patron's name or a nickname.")),
            Length(max=NAME_MAX, message=_l("Use %(n)d characters or fewer.", n=NAME_MAX)),
        ],
    )
    username = StringField(
        _l("Username (optional)"),
        filters=[normalise_username],
        validators=[
            Optional(),
            Length(3, 40, _l("Use 3 to 40 characters.")),
            Regexp(USERNAME_PATTERN, message=_l("Use letters, numbers, dots, dashes or _ only.")),
        ],
    )
    card_number = StringField(_l("Library card number (optional)"), filters=[_strip])
    email = StringField(
        _l("Email (optional)"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=254),
            Regexp(EMAIL.pattern, message=_l("That does not look like an email address.")),
        ],
    )
    organisation_id = SelectField(_l("Library"), coerce=int)
    suggest = SubmitField(_l("Suggest a username"))
    submit = SubmitField(_l("Create account"))

    normalised_card: str | None = None

    def validate_username(self, field):
        if field.data and len(username_key(field.data)) > USERNAME_MAX:
            raise ValidationError(_l("Use 3 to 40 characters."))
        if field.data and find_user(field.data) is not None:
            raise ValidationError(_l("That username is taken. Try another."))

    def validate_card_number(self, field):
        if not field.data:
            self.normalised_card = None
            return
        try:
            self.normalised_card = _normalise_card(field.data)
        except CardNumberError as error:
            raise ValidationError(CARD_ERRORS[error.reason]) from None


class ImportForm(BaseForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])
    organisation_id = SelectField(_l("Library for rows with no branch"), coerce=int)
    submit = SubmitField(_l("Check the file"))


class ConfirmImportForm(BaseForm):
    token = HiddenField(validators=[DataRequired(), Length(max=TOKEN_MAX_LENGTH)])
    organisation_id = IntegerField(validators=[DataRequired()])
    submit = SubmitField()


class IssueResetCodeForm(BaseForm):
    submit = SubmitField(_l("Make a reset code"))


class PatronSearchForm(BaseForm):
    class Meta(BaseForm.Meta):
        csrf = False  # a search changes nothing; its address can be bookmarked

    q = StringField(
        _l("Name, username or card number"), filters=[_strip], validators=[Length(max=120)]
    )
    page = PageField()
