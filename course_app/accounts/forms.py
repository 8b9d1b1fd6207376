"""Sign-up, sign-in and account forms."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from course_app.accounts.passwords import MAX_LENGTH, password_problem
from course_app.accounts.services import USERNAME_MAX, find_user, username_key
from course_app.forms import BaseForm

USERNAME_PATTERN = r"^[\w.\-]+$"


def normalise_username(value: str | None) -> str | None:
    """Check the name as it will be stored: NFKC can make it longer (e.g. one ligature)."""
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


class NewPasswordMixin:
    def validate_password(self, field):
        username = getattr(getattr(self, "username", None), "data", "") or ""
        problem = password_problem(field.data or "", username)
        if problem:
            raise ValidationError(problem)


class SignUpForm(NewPasswordMixin, BaseForm):
    username = StringField(
        _l("Username"),
        filters=[normalise_username],
        validators=[
            DataRequired(_l("Choose a username.")),
            Length(3, 40, _l("Use 3 to 40 characters.")),
            Regexp(USERNAME_PATTERN, message=_l("Use letters, numbers, dots, dashes or _ only.")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Choose a password.")), Length(max=MAX_LENGTH)],
    )
    display_name = StringField(_l("Your name (optional)"), validators=[Optional(), Length(max=120)])
    email = StringField(
        _l("Email (optional)"),
        validators=[
            Optional(),
            Length(max=254),
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                message=_l("That does not look like an email address."),
            ),
        ],
    )
    submit = SubmitField(_l("Create account"))

    def validate_username(self, field):
        if len(username_key(field.data or "")) > USERNAME_MAX:
            raise ValidationError(_l("Use 3 to 40 characters."))
        if find_user(field.data or "") is not None:
            raise ValidationError(_l("That username is taken. Try another."))


class SignInForm(BaseForm):
    username = StringField(
        _l("Username"), validators=[DataRequired(_l("Enter your username.")), Length(max=40)]
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=MAX_LENGTH)],
    )
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class ChangePasswordForm(NewPasswordMixin, BaseForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Choose a new password.")), Length(max=MAX_LENGTH)],
    )
    submit = SubmitField(_l("Change password"))


class ProfileForm(BaseForm):
    display_name = StringField(
        _l("Your name"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)]
    )
    submit = SubmitField(_l("Save"))


class LanguageForm(BaseForm):
    language = RadioField(choices=[("en", "English"), ("es", "Español")])
    next = HiddenField()
