"""Forms on the patron page: moving to another branch, and the account switch."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired

from course_app.forms import BaseForm


class MoveForm(BaseForm):
    # Choices are the branches the librarian may see, labelled with their system, by the view.
    organisation_id = SelectField(_l("Move to branch"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Move"))


class AccountStateForm(BaseForm):
    active = SelectField(
        _l("Account"),
        choices=[("yes", _l("Active")), ("no", _l("Deactivated"))],
        validators=[DataRequired()],
    )
    submit = SubmitField(_l("Save"))


class EraseForm(BaseForm):
    username = StringField(
        _l("Type the patron's username to confirm"),
        validators=[DataRequired(_l("Type the username exactly."))],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Erase this account for good"))
