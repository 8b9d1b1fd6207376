"""The report filter: a GET form, so the address of a filtered report can be shared and the
CSV link carries the same filters. No CSRF token: it changes nothing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import DateField, SelectField
from wtforms.validators import InputRequired, ValidationError
from wtforms.widgets import Select, html_params

from course_app.forms import BaseForm
from course_app.reports.facts import Breakdown
from course_app.reports.filters import MAX_DAYS, ReportFilter

BREAKDOWN_LABELS = {
    Breakdown.COURSE: _l("Course"),
    Breakdown.TOPIC: _l("Topic"),
    Breakdown.LANGUAGE: _l("Language"),
    Breakdown.SYSTEM: _l("Library system"),
    Breakdown.BRANCH: _l("Branch"),
    Breakdown.MONTH: _l("Month"),
}


class ReportSelect(Select):
    """WTForms' select, the same HTML, each option written in one step (WTForms formats a
    dictionary of attributes per option): the library picker lists every library, and it
    is on every report page. Options with their own attributes are left to WTForms."""

    def __call__(self, field, **kwargs) -> Markup:
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        for choice in field.iter_choices():
            if choice.render_kw:
                html.append(self.render_option(choice))
                continue
            value = str(choice.value) if isinstance(choice.value, bool) else choice.value
            selected = "selected " if choice.selected else ""
            label = escape(choice.label or choice.value)
            html.append(f'<option {selected}value="{escape(value)}">{label}</option>')
        html.append("</select>")
        return Markup("".join(html))  # noqa: S704 - names, values and labels escaped above


class ReportFilterForm(BaseForm):
    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[InputRequired()])
    end = DateField(_l("To"), validators=[InputRequired()])
    course_id = SelectField(_l("Course"), coerce=int, default=0, widget=ReportSelect())
    topic = SelectField(_l("Topic"), default="", widget=ReportSelect())
    organisation_id = SelectField(_l("Library"), coerce=int, default=0, widget=ReportSelect())
    language = SelectField(_l("Language"), default="", widget=ReportSelect())
    by = SelectField(
        _l("Break down by"),
        choices=[(b.value, label) for b, label in BREAKDOWN_LABELS.items()],
        default=Breakdown.COURSE.value,
        widget=ReportSelect(),
    )
    sort = SelectField(default="")
    dir = SelectField(choices=[("asc", "asc"), ("desc", "desc")], default="desc")

    def validate_end(self, field: DateField) -> None:
        start, end = self.start.data, field.data
        if start is None or end is None:
            return
        if end < start:
            raise ValidationError(_l("The end date must be on or after the start date."))
        if (end - start).days >= MAX_DAYS:
            raise ValidationError(_l("Choose a range of ten years or less."))

    def to_filter(self) -> ReportFilter:
        return ReportFilter(
            start=self.start.data,
            end=self.end.data,
            course_id=self.course_id.data or None,
            topic=self.topic.data or None,
            organisation_id=self.organisation_id.data or None,
            language=self.language.data or None,
        )
