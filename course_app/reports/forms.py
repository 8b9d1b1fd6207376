"""The report filter: a GET form, so the address of a filtered report can be shared and the
CSV link carries the same filters. No CSRF token: it changes nothing."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import InputRequired, ValidationError

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


# Reports count whole days up to the day after the end; date.max has no day after it.
LAST_DAY = date(9998, 12, 31)


class ReportFilterForm(BaseForm):
    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[InputRequired()])
    end = DateField(_l("To"), validators=[InputRequired()])
    course_id = SelectField(_l("Course"), coerce=int, default=0)
    topic = SelectField(_l("Topic"), default="")
    organisation_id = SelectField(_l("Library"), coerce=int, default=0)
    language = SelectField(_l("Language"), default="")
    by = SelectField(
        _l("Break down by"),
        choices=[(b.value, label) for b, label in BREAKDOWN_LABELS.items()],
        default=Breakdown.COURSE.value,
    )
    sort = SelectField(default="")
    dir = SelectField(choices=[("asc", "asc"), ("desc", "desc")], default="desc")

    def validate_start(self, field: DateField) -> None:
        if field.data is not None and field.data > LAST_DAY:
            raise ValidationError(_l("Choose a date before the year 9999."))

    def validate_end(self, field: DateField) -> None:
        start, end = self.start.data, field.data
        if end is not None and end > LAST_DAY:
            raise ValidationError(_l("Choose a date before the year 9999."))
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
