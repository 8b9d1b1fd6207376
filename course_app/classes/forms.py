"""Forms for classes: creating one, picking patrons, assigning work, and joining by code."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from course_app.classes.services import (
    CLASS_NOTES_MAX_LENGTH,
    NAME_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    SCHEDULE_MAX_LENGTH,
    ClassError,
)
from course_app.forms import BaseForm, PageField

# What a person reads when the service refuses, and the field it belongs to.
ERRORS = {
    ClassError.NAME_EMPTY: ("name", _l("Enter a name for the class.")),
    ClassError.NAME_TOO_LONG: ("name", _l("Use %(n)d characters or fewer.", n=NAME_MAX_LENGTH)),
    ClassError.CODE_UNKNOWN: (
        "code",
        _l(
            "No class has this code, or it no longer works. Check the code with your "
            "librarian and try again."
        ),
    ),
    ClassError.CLASS_ARCHIVED: ("code", _l("This class has ended. Ask your librarian.")),
    ClassError.PATRON_NOT_FOUND: (
        "user_ids",
        _l("Some of the people chosen cannot be added here. Nobody was added; search again."),
    ),
    ClassError.NOBODY_CHOSEN: ("user_ids", _l("Tick at least one person to add.")),
    ClassError.MODULE_NOT_IN_COURSE: ("what", _l("Choose a course or a part of one.")),
    ClassError.NOT_A_MEMBER: ("who", _l("Choose someone in this class.")),
    ClassError.DUE_IN_PAST: ("due_on", _l("Choose today or a later date.")),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def apply_error(form: BaseForm, error: ClassError) -> None:
    """Shows a service refusal next to the field it is about."""
    name, message = ERRORS[error.reason]
    form[name].errors = [*form[name].errors, message]


class ClassForm(BaseForm):
    # Choices are the libraries the librarian may see, set by the view.
    organisation_id = SelectField(_l("Library"), coerce=int)
    name = StringField(
        _l("Class name"),
        filters=[_strip],
        validators=[
            DataRequired(ERRORS[ClassError.NAME_EMPTY][1]),
            Length(max=NAME_MAX_LENGTH, message=ERRORS[ClassError.NAME_TOO_LONG][1]),
        ],
    )
    schedule_note = StringField(
        _l("When it meets (optional)"),
        filters=[_strip],
        validators=[Optional(), Length(max=SCHEDULE_MAX_LENGTH)],
    )
    submit = SubmitField(_l("Create class"))


class PatronSearchForm(BaseForm):
    """A GET search: no CSRF token needed, nothing changes."""

    class Meta(BaseForm.Meta):
        csrf = False

    q = StringField(_l("Name or username"), filters=[_strip], validators=[Length(max=80)])
    page = PageField()
    search = SubmitField(_l("Search"))


class AddMembersForm(BaseForm):
    # Choices are the search results, set by the view; the service checks each id again.
    user_ids = SelectMultipleField(
        _l("People to add"),
        coerce=int,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    submit = SubmitField(_l("Add to class"))


class AssignmentForm(BaseForm):
    # "course-<id>" or "module-<id>"; choices set by the view.
    what = SelectField(_l("Course or part of a course"))
    # 0 for everyone in the class, or a patron's user id; choices set by the view.
    who = SelectField(_l("For"), coerce=int)
    # Several patrons chosen in the progress table (each gets the work for them alone);
    # sent as hidden inputs, each checked again by the service.
    user_ids = SelectMultipleField(coerce=int, validate_choice=False)
    due_on = DateField(
        _l("Due date (optional)"),
        validators=[Optional()],
        render_kw={"autocomplete": "off"},
    )
    note = TextAreaField(
        _l("Note for the patrons (optional)"),
        filters=[_strip],
        validators=[Optional(), Length(max=NOTE_MAX_LENGTH)],
    )
    submit = SubmitField(_l("Assign"))


class JoinForm(BaseForm):
    code = StringField(
        _l("Class code"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the class code.")), Length(max=20)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Join class"))


class ConfirmForm(BaseForm):
    """A button that changes something: only the CSRF token is checked."""

    submit = SubmitField(_l("Confirm"))


class JoinCodeForm(BaseForm):
    """A new class code, working until changed again or for a number of days."""

    valid_days = SelectField(
        _l("The new code works"),
        choices=[
            (0, _l("until I make another one")),
            (7, _l("for 7 days")),
            (30, _l("for 30 days")),
            (90, _l("for 90 days")),
        ],
        coerce=int,
        default=0,
        validators=[Optional()],
    )
    submit = SubmitField(_l("Make a new class code"))


class ArchiveForm(BaseForm):
    archived = SelectField(
        _l("Class state"),
        choices=[("yes", _l("Archived")), ("no", _l("Active"))],
        validators=[DataRequired()],
    )
    submit = SubmitField(_l("Save"))


class EditClassForm(BaseForm):
    name = ClassForm.name
    schedule_note = ClassForm.schedule_note
    notes = TextAreaField(
        _l("Notes for the librarians (optional)"),
        filters=[_strip],
        validators=[Optional(), Length(max=CLASS_NOTES_MAX_LENGTH)],
    )
    submit = SubmitField(_l("Save"))


class ChosenPatronsForm(BaseForm):
    """The patrons ticked in the progress table and what to do with them (a GET: nothing
    changes until the next page is confirmed)."""

    class Meta(BaseForm.Meta):
        csrf = False

    user_ids = SelectMultipleField(coerce=int, validate_choice=False)
    action = SelectField(choices=[("assign", "assign"), ("remove", "remove")])


class RemoveChosenForm(BaseForm):
    user_ids = SelectMultipleField(coerce=int, validate_choice=False)
    submit = SubmitField(_l("Yes, remove them from the class"))


class ProgressViewForm(BaseForm):
    """How the progress table is shown: a GET, nothing changes."""

    class Meta(BaseForm.Meta):
        csrf = False

    show = SelectField(
        _l("Show"),
        choices=[("all", _l("Everyone")), ("help", _l("Only those who may need help"))],
        default="all",
    )
    sort = SelectField(
        _l("Sort by"),
        choices=[
            ("name", _l("Name")),
            ("help", _l("May need help first")),
            ("activity", _l("Least recently active first")),
        ],
        default="name",
    )
    select = SelectField(choices=[("", ""), ("all", "all")], default="")
