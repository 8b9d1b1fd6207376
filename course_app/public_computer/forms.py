"""The setting a librarian changes on the browser in front of them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from course_app.forms import BaseForm


class PublicComputerForm(BaseForm):
    public = RadioField(
        _l("Is this a public computer?"),
        choices=[
            ("yes", _l("Yes, this is a public computer")),
            ("no", _l("No, this computer is for staff only")),
        ],
        validators=[InputRequired(_l("Choose yes or no."))],
    )
    submit = SubmitField(_l("Save"))
