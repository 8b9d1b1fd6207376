"""The funder report on the hand-worked data set: the page and its PDF carry the network,
the library, the dates, the headline figures, completions by course and month, and the
libraries, with small counts hidden exactly as on the other report pages."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.conftest import sign_in
from tests.reports.pages import figures, table_rows

Q3 = "start=2026-07-01&end=2026-09-30"


def pdf_text(body: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(body))
    return len(reader.pages), " ".join(page.extract_text() for page in reader.pages)


def test_the_network_report_has_figures_courses_by_month_and_libraries(staff, data):
    html = staff.get(f"/reports/funder?{Q3}").get_data(as_text=True)
    assert "Tri-County Network" in html
    assert "Every library in the network" in html
    assert "From July 1, 2026 to September 30, 2026" in html
    assert figures(html)["completions"] == "5"
    courses = {row[0]: row[1:] for row in table_rows(html, "funder-courses-table")[1:]}
    # alpha: p1 and p6 in July, p3 in August; beta: g1 in July, p4 in August.
    assert courses["Course alpha"] == ["2", "1", "0", "3"]
    assert courses["Course beta"] == ["1", "1", "0", "2"]
    libraries = [row[0] for row in table_rows(html, "libraries-table")[1:]]
    assert "North A" in libraries and "South A" in libraries


def test_a_library_report_hides_small_counts_as_on_screen(staff, data):
    html = staff.get(f"/reports/funder?{Q3}&organisation_id={data.tree['north-a']}").get_data(
        as_text=True
    )
    assert "Report for funders: North A" in html
    assert figures(html)["completions"] == "< 5"  # as on the overview (4 completions)
    courses = {row[0]: row[1:] for row in table_rows(html, "funder-courses-table")[1:]}
    assert courses["Course alpha"] == ["< 5", "< 5", "0", "< 5"]
    assert "To protect privacy" in html


def test_the_pdf_has_the_same_figures_network_and_range(staff, data):
    response = staff.get(f"/reports/funder.pdf?{Q3}&organisation_id={data.tree['north-a']}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    pages, text = pdf_text(response.data)
    assert pages == 1
    assert "Tri-County Network" in text and "North A" in text
    assert "July 1, 2026" in text and "September 30, 2026" in text
    assert "< 5" in text and "Course alpha" in text and "Completions per month" in text


def test_a_librarian_gets_their_systems_report(app, data):
    client = app.test_client()
    assert sign_in(client, "north-librarian").status_code == 302
    html = client.get(f"/reports/funder?{Q3}").get_data(as_text=True)
    assert "Report for funders: North Library" in html
    libraries = [row[0] for row in table_rows(html, "libraries-table")[1:]]
    assert "South A" not in libraries


@pytest.mark.parametrize("query", ["start=2026-09-30&end=2026-07-01", "start=yesterday"])
def test_bad_filters_get_a_clear_message(staff, data, query):
    page = staff.get(f"/reports/funder?{query}")
    assert page.status_code == 400
    assert "Please fix these problems" in page.get_data(as_text=True)
    pdf = staff.get(f"/reports/funder.pdf?{query}")
    assert pdf.status_code == 400 and "cannot be used" in pdf.get_data(as_text=True)


def test_the_privacy_note_is_there_whenever_the_libraries_hide_counts(staff, data):
    html = staff.get(f"/reports/funder?{Q3}").get_data(as_text=True)
    assert "To protect privacy" in html  # the libraries table hides small counts network-wide
    _pages, text = pdf_text(staff.get(f"/reports/funder.pdf?{Q3}").data)
    assert "To protect privacy" in text
