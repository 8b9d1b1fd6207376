"""The administrator's form for registering a platform, and the instructor's choice of what
to place in their course."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from course_app.forms import BaseForm
from course_app.lti.services import LtiError

URL_LENGTH = 500

ERRORS = {
    LtiError.NOT_HTTPS: ("issuer", _l("Every address must start with https://.")),
    LtiError.DUPLICATE: ("client_id", _l("This platform and client ID are registered already.")),
    LtiError.NO_DEPLOYMENT: ("deployment_ids", _l("Enter at least one deployment ID.")),
    LtiError.NOT_A_LIBRARY: ("organisation_id", _l("Choose a library system or a branch.")),
}


def _address(form, field) -> None:
    if field.data and not field.data.strip().lower().startswith(("https://", "http://")):
        raise ValidationError(_l("Enter a full address, starting with https://."))


class RegistrationForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    issuer = StringField(
        _l("Issuer (platform ID)"), validators=[DataRequired(), Length(max=255), _address]
    )
    client_id = StringField(_l("Client ID"), validators=[DataRequired(), Length(max=255)])
    deployment_ids = TextAreaField(
        _l("Deployment IDs, one a line"), validators=[DataRequired(), Length(max=2000)]
    )
    auth_login_url = StringField(
        _l("Authentication request URL"),
        validators=[DataRequired(), Length(max=URL_LENGTH), _address],
    )
    auth_token_url = StringField(
        _l("Access token URL"), validators=[DataRequired(), Length(max=URL_LENGTH), _address]
    )
    key_set_url = StringField(
        _l("Public keyset URL"), validators=[DataRequired(), Length(max=URL_LENGTH), _address]
    )
    frame_origins = StringField(
        _l("Sites that show our pages in a frame (optional)"),
        validators=[Optional(), Length(max=1000)],
    )
    organisation_id = SelectField(_l("Library"), coerce=int, validators=[DataRequired()])
    instructors_become_librarians = BooleanField(
        _l("Instructors become librarians of this library")
    )
    submit = SubmitField(_l("Register platform"))


class DeepLinkForm(BaseForm):
    choice = RadioField(_l("What to place"), validators=[DataRequired()])
    submit = SubmitField(_l("Place it in my course"))
