"""Forms for librarian, staff and administrator accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from course_app.accounts.forms import USERNAME_PATTERN, normalise_username
from course_app.accounts.models import Role
from course_app.admin.staff_accounts import StaffAccountError
from course_app.desk.csv_import import EMAIL
from course_app.forms import BaseForm

ROLE_LABELS = {
    Role.LIBRARIAN.value: _l("Librarian"),
    Role.STAFF.value: _l("Network staff"),
    Role.ADMIN.value: _l("Administrator"),
}
# What a person reads when the service refuses, and the field it belongs to.
ERRORS = {
    StaffAccountError.USERNAME_TAKEN: ("username", _l("That username is taken. Try another.")),
    StaffAccountError.LIBRARY_NEEDED: (
        "organisation_id",
        _l("A librarian works in a library: choose a library system or a branch."),
    ),
    StaffAccountError.LIBRARIAN_ON_NETWORK: (
        "organisation_id",
        _l("A librarian works in a library system or a branch, not the whole network."),
    ),
    StaffAccountError.WHOLE_SYSTEM_LIBRARIANS_ONLY: (
        "sees_whole_system",
        _l("Only librarians are given a whole library system."),
    ),
    StaffAccountError.LAST_ADMIN: (
        "role",
        _l("This is the last administrator. Make another administrator first."),
    ),
}


def apply_error(form: BaseForm, error: StaffAccountError) -> None:
    name, message = ERRORS[error.reason]
    form[name].errors = [*form[name].errors, message]


def _strip(value):
    return " ".join(value.split()) if isinstance(value, str) else value


class StaffPlaceFields(BaseForm):
    role = SelectField(_l("Role"), choices=list(ROLE_LABELS.items()), validators=[DataRequired()])
    # 0: no library (staff and administrators); the others set by the view, in tree order.
    organisation_id = SelectField(_l("Library"), coerce=int)
    sees_whole_system = BooleanField(_l("Sees the whole library system (librarians on a branch)"))


class NewStaffAccountForm(StaffPlaceFields):
    display_name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the person's name.")), Length(max=120)],
    )
    username = StringField(
        _l("Username"),
        filters=[normalise_username],
        validators=[
            DataRequired(_l("Enter a username.")),
            Length(3, 40, _l("Use 3 to 40 characters.")),
            Regexp(USERNAME_PATTERN, message=_l("Use letters, numbers, dots, dashes or _ only.")),
        ],
    )
    email = StringField(
        _l("Email (optional)"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=254),
            Regexp(EMAIL.pattern, message=_l("That does not look like an email address.")),
        ],
    )
    submit = SubmitField(_l("Create account"))


class EditStaffAccountForm(StaffPlaceFields):
    active = SelectField(
        _l("Account"),
        choices=[("yes", _l("Active")), ("no", _l("Deactivated"))],
        validators=[DataRequired()],
    )
    submit = SubmitField(_l("Save"))
