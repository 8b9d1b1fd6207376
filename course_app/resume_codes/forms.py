"""Entering a resume code, and asking for one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from course_app.forms import BaseForm
from course_app.resume_codes.codes import is_well_formed, normalise_code

MALFORMED = _l("A resume code has 8 letters and numbers, like K7QM-4XPA. Check it and try again.")


class ResumeForm(BaseForm):
    code = StringField(
        _l("Your resume code"),
        validators=[DataRequired(_l("Enter your resume code.")), Length(max=40)],
    )
    submit = SubmitField(_l("Bring back my lessons"))

    def validate_code(self, field):
        if not is_well_formed(normalise_code(field.data or "")):
            raise ValidationError(MALFORMED)


class NewCodeForm(BaseForm):
    submit = SubmitField(_l("Get my resume code"))
