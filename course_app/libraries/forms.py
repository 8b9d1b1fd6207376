"""Forms for creating and renaming organisations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from course_app.forms import BaseForm
from course_app.libraries.models import OrganisationKind
from course_app.libraries.services import CODE_MAX_LENGTH, NAME_MAX_LENGTH, OrganisationError

KIND_LABELS = {
    OrganisationKind.NETWORK.value: _l("Network"),
    OrganisationKind.SYSTEM.value: _l("Library system"),
    OrganisationKind.BRANCH.value: _l("Branch"),
}

# What a person reads when the service refuses, and the field it belongs to.
ERRORS = {
    OrganisationError.NAME_EMPTY: ("name", _l("Enter a name.")),
    OrganisationError.NAME_TOO_LONG: (
        "name",
        _l("Use %(n)d characters or fewer.", n=NAME_MAX_LENGTH),
    ),
    OrganisationError.CODE_INVALID: (
        "code",
        _l("Use lower-case letters, numbers and single dashes, like main-street."),
    ),
    OrganisationError.CODE_TOO_LONG: (
        "code",
        _l("Use %(n)d characters or fewer.", n=CODE_MAX_LENGTH),
    ),
    OrganisationError.CODE_TAKEN: ("code", _l("Another organisation has this code.")),
    OrganisationError.PARENT_NEEDED: (
        "parent_id",
        _l("Choose where it belongs: a system sits in a network, a branch in a system."),
    ),
    OrganisationError.PARENT_NOT_ALLOWED: ("parent_id", _l("A network sits at the top.")),
    OrganisationError.WRONG_PARENT_KIND: (
        "parent_id",
        _l("A system sits in a network, and a branch in a library system."),
    ),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _name_field(label):
    return StringField(
        label,
        filters=[_strip],
        validators=[
            DataRequired(ERRORS[OrganisationError.NAME_EMPTY][1]),
            Length(max=NAME_MAX_LENGTH, message=ERRORS[OrganisationError.NAME_TOO_LONG][1]),
        ],
    )


class CreateOrganisationForm(BaseForm):
    kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()))
    # Choices are the existing networks and systems, set by the view.
    parent_id = SelectField(_l("Belongs to"), coerce=int)
    name = _name_field(_l("Name"))
    code = StringField(
        _l("Short code (optional)"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=CODE_MAX_LENGTH, message=ERRORS[OrganisationError.CODE_TOO_LONG][1]),
        ],
    )
    submit = SubmitField(_l("Create"))


class RenameOrganisationForm(BaseForm):
    name = _name_field(_l("New name"))
    submit = SubmitField(_l("Save name"))


def apply_error(form: BaseForm, error: OrganisationError) -> None:
    """Shows a service refusal next to the field it is about."""
    field, message = ERRORS[error.reason]
    form[field].errors = [*form[field].errors, message]
