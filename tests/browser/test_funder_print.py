"""The funder report prints on one Letter or A4 page (a year, the whole network), axe-clean."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from course_app.extensions import db
from tests.browser.conftest import go, sign_in_as
from tests.factories import make_user
from tests.reports.dataset import build


@pytest.mark.parametrize("paper", ["Letter", "A4"])
def test_the_funder_report_prints_on_one_page(app, page, paper):
    with app.app_context():
        build()
        make_user("network-staff", role="staff")
        db.session.commit()
    sign_in_as(page, "network-staff")
    go(page, "/reports/funder?start=2026-01-01&end=2026-12-31")
    pdf = page.pdf(format=paper)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Tri-County Network" in text and "Report for funders" in text
    assert "Filters" not in text  # the filter form is not printed
