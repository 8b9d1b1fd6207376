"""The report filter's select widget writes what WTForms' own Select writes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms.widgets import Select

from course_app.reports.forms import ReportFilterForm


def test_report_selects_match_wtforms_selects(app):
    with app.test_request_context("/reports"):
        form = ReportFilterForm(formdata=MultiDict({"organisation_id": "7", "language": "es"}))
        form.course_id.choices = [(0, "All courses"), (3, 'Q&A <"quoted">')]
        form.organisation_id.choices = [(0, "All"), (7, "— North & South"), (8, "East")]
        form.language.choices = [("", _l("All languages")), ("es", "Español")]
        form.topic.choices = [("", "All topics"), ("a&b", "")]
        for name in ("course_id", "organisation_id", "language", "topic", "by"):
            field = form[name]
            assert field(class_="input") == Select()(field, class_="input"), name
        assert '<option selected value="7">— North &amp; South</option>' in form.organisation_id()
