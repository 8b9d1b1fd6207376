"""Catalogue filter and the small forms on lesson pages."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SubmitField

from course_app.forms import BaseForm


class CatalogueFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    topic = SelectField(_l("Topic"), choices=[], validate_choice=True)
    language = SelectField(_l("Language"), choices=[], validate_choice=True)


class CompleteLessonForm(BaseForm):
    submit = SubmitField(_l("I finished this lesson"))


class HideGuestNoteForm(BaseForm):
    next = HiddenField()
    submit = SubmitField(_l("Hide this note"))
