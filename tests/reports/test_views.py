"""Report pages and CSV files through HTTP, on the hand-worked data set."""

from __future__ import annotations

import pytest

from course_app.extensions import db
from tests.reports.pages import csv_rows, figures, plain, table_rows

Q3 = "start=2026-07-01&end=2026-09-30"


def test_staff_overview_shows_the_quarter_figures(staff):
    page = staff.get(f"/reports?{Q3}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert figures(html) == {
        "active": "9",
        "enrolments": "8",
        "completions": "5",
        "certificates": "4",
        "attempts": "10",
        "pass_rate": "80%",
        "median_days": "2.0",
    }
    assert "<svg" in html and "Completions per month" in html


def test_breakdown_table_matches_its_csv_download(staff):
    html = staff.get(f"/reports?{Q3}&by=course&sort=enrolments&dir=desc").get_data(as_text=True)
    screen = table_rows(html, "breakdown-table")
    download = staff.get(f"/reports/overview.csv?{Q3}&by=course&sort=enrolments&dir=desc")
    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    rows = csv_rows(download.data)
    assert [row[0] for row in rows[1:]] == ["Course alpha", "Course beta"]  # 5 then 3
    assert [[plain(c) for c in row] for row in screen[1:]] == rows[1:]
    assert rows[1][1:] == ["6", "5", "3", "3", "7", "86", "4.0"]


def test_library_breakdown_hides_small_counts_on_screen_and_in_csv(staff, data):
    html = staff.get(f"/reports?{Q3}&by=branch").get_data(as_text=True)
    rows = {row[0]: row[1:] for row in table_rows(html, "breakdown-table")[1:]}
    # North A: 6 active, 5 enrolments, 4 completions (hidden), 4 certificates (hidden),
    # 8 attempts by 5 learners at 88%; the median rests on the 4 completions.
    assert rows["North A"] == ["North Library", "6", "5", "< 5", "< 5", "8", "88%", "< 5"]
    # North B: p7 alone. Zero is shown: it says nothing about anyone.
    assert rows["North B"] == ["North Library", "< 5", "< 5", "0", "0", "< 5", "< 5", "—"]
    assert "fewer than 5 learners" in html
    download = csv_rows(staff.get(f"/reports/overview.csv?{Q3}&by=branch").data)
    by_name = {row[0]: row[1:] for row in download[1:]}
    assert download[0][:2] == ["Branch", "Library system"]
    assert by_name["North B"] == ["North Library", "< 5", "< 5", "0", "0", "< 5", "< 5", ""]
    assert by_name["No library (guests)"][:2] == ["", "< 5"]


def test_a_library_filter_hides_small_headline_figures(staff, data):
    north_a = data.tree["north-a"]
    html = staff.get(f"/reports?{Q3}&organisation_id={north_a}").get_data(as_text=True)
    shown = figures(html)
    assert (shown["active"], shown["enrolments"], shown["completions"]) == ("6", "5", "< 5")
    summary = csv_rows(
        staff.get(f"/reports/overview.csv?{Q3}&organisation_id={north_a}&table=summary").data
    )
    assert summary[1][:4] == ["All", "6", "5", "< 5"]


def test_the_threshold_is_configurable(app, staff):
    app.config["REPORT_MIN_LEARNERS"] = 2
    try:
        html = staff.get(f"/reports?{Q3}&by=branch").get_data(as_text=True)
    finally:
        app.config["REPORT_MIN_LEARNERS"] = 5
    rows = {row[0]: row[1:] for row in table_rows(html, "breakdown-table")[1:]}
    # 4 certificates are shown at a threshold of 2; North A's 4 completions are hidden only
    # beside the guests' one completion, which the total would otherwise give away.
    assert rows["North A"][3:5] == ["hidden", "4"]
    assert rows["North B"][1] == "< 2"


def test_csv_cells_cannot_run_as_formulas_and_keep_accents(app, staff, data):
    with app.app_context():
        from sqlalchemy import select

        from course_app.content.models import Course

        courses = {c.slug: c for c in db.session.scalars(select(Course))}
        courses["beta"].title = '=HYPERLINK("http://evil")'
        courses["alpha"].title = "Señales de salud"
        db.session.commit()
    rows = csv_rows(staff.get(f"/reports/overview.csv?{Q3}&by=course").data)
    titles = {row[0] for row in rows[1:]}
    assert titles == {'\'=HYPERLINK("http://evil")', "Señales de salud"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-09-30&end=2026-07-01", "The end date must be on or after the start date."),
        ("start=2026-13-01&end=2026-09-30", "Not a valid date value."),
        ("start=2000-01-01&end=2026-09-30", "Choose a range of ten years or less."),
        (f"{Q3}&course_id=999999", "Not a valid choice"),
        (f"{Q3}&by=shoe-size", "Not a valid choice"),
        (f"{Q3}&language=xx", "Not a valid choice"),
    ],
)
def test_bad_filters_get_a_clear_message(staff, query, message):
    page = staff.get(f"/reports?{query}")
    assert page.status_code == 400
    assert message in page.get_data(as_text=True)
    download = staff.get(f"/reports/overview.csv?{query}")
    assert download.status_code == 400
    assert message in download.get_data(as_text=True)


def test_a_bare_address_shows_the_last_year(staff):
    page = staff.get("/reports")
    assert page.status_code == 200
    assert "data-figure" in page.get_data(as_text=True)


def test_librarian_sees_only_their_library_system(librarian, data):
    html = librarian.get(f"/reports?{Q3}").get_data(as_text=True)
    assert "North Library" in html
    shown = figures(html)
    assert (shown["active"], shown["enrolments"]) == ("7", "6")  # p1-p7; p6 began in June
    assert shown["completions"] == "< 5"  # p1 p3 p4 p6, a library-level figure
    assert "South A" not in html
    south = data.tree["south"]
    refused = librarian.get(f"/reports?{Q3}&organisation_id={south}")
    assert refused.status_code == 400


def test_course_report_page_and_funnel(staff, data):
    html = staff.get(f"/reports/courses/alpha?{Q3}").get_data(as_text=True)
    funnel = table_rows(html, "funnel-table")
    assert [row[1] for row in funnel[1:]] == ["5", "3", "2", "2", "2"]
    assert 'id="chart-funnel-title"' in html
    assert "Most learners who have not finished stopped at “Lesson m1-l2”" in html
    lessons = csv_rows(staff.get(f"/reports/courses/alpha/lessons.csv?{Q3}").data)
    assert lessons[0] == ["Module", "Lesson", "Started the module", "Finished", "Stopped here"]
    assert lessons[1] == ["Module 1", "Whole module", "5", "3", ""]
    questions = csv_rows(staff.get(f"/reports/courses/alpha/questions.csv?{Q3}").data)
    assert questions[1][2:] == ["4", "75"]


def test_course_report_reads_in_spanish_where_the_course_has_it(app, staff, data):
    with app.app_context():
        from sqlalchemy import select

        from course_app.content.models import Course, Lesson, Module, Question

        alpha = db.session.scalar(select(Course).where(Course.slug == "alpha"))
        alpha.translations = {"es": {"title": "Alfa"}}
        for row in db.session.scalars(select(Module).where(Module.course_id == alpha.id)):
            row.translations = {"es": {"title": f"Módulo {row.position}"}}
        for row in db.session.scalars(select(Lesson).where(Lesson.course_id == alpha.id)):
            row.translations = {"es": {"title": f"Lección {row.key}", "body_html": "<p>…</p>"}}
        for row in db.session.scalars(select(Question).where(Question.course_id == alpha.id)):
            row.translations = {"es": {"prompt_html": f"<p>¿Pregunta {row.key}?</p>"}}
        db.session.commit()
    with staff.session_transaction() as session:
        session["language"] = "es"
    html = staff.get(f"/reports/courses/alpha?{Q3}").get_data(as_text=True)
    assert "Informe del curso: Alfa" in html and "«Lección m1-l2»" in html
    lessons = csv_rows(staff.get(f"/reports/courses/alpha/lessons.csv?{Q3}").data)
    assert lessons[1][0] == "Módulo 1" and lessons[2][1] == "Lección m1-l1"
    questions = csv_rows(staff.get(f"/reports/courses/alpha/questions.csv?{Q3}").data)
    assert all(row[1].startswith("¿Pregunta ") for row in questions[1:])
    with staff.session_transaction() as session:
        session["language"] = "en"
    lessons = csv_rows(staff.get(f"/reports/courses/alpha/lessons.csv?{Q3}").data)
    assert lessons[2][:2] == ["Module 1", "Lesson m1-l1"]


def test_course_report_filtered_to_a_branch_hides_small_counts(staff, data):
    north_a = data.tree["north-a"]
    html = staff.get(f"/reports/courses/alpha?{Q3}&organisation_id={north_a}").get_data(
        as_text=True
    )
    funnel = table_rows(html, "funnel-table")
    assert [row[1] for row in funnel[1:]] == ["< 5"] * 5  # 4 started; the rest fewer


def test_library_report_page_and_csv(app, staff):
    app.config["REPORT_MIN_LEARNERS"] = 1
    try:
        html = staff.get(f"/reports/libraries?{Q3}").get_data(as_text=True)
        rows = {row[0]: row[1:] for row in table_rows(html, "libraries-table")[1:]}
        download = csv_rows(staff.get(f"/reports/libraries.csv?{Q3}").data)
    finally:
        app.config["REPORT_MIN_LEARNERS"] = 5
    assert rows["North A"] == ["North Library", "Branch", "6", "1", "2", "4", "50%"]
    assert rows["North Library"][:3] == ["North Library", "Library system", "8"]
    by_name = {row[0]: row[1:] for row in download[1:]}
    assert download[0][:2] == ["Library", "Library system"]
    assert by_name["North A"] == ["North Library", "Branch", "6", "1", "2", "4", "50"]


def test_branches_with_the_same_name_are_told_apart_by_their_system(app, staff, data):
    from course_app.libraries.models import Organisation

    with app.app_context():
        for code in ("north-a", "south-a"):
            db.session.get(Organisation, data.tree[code]).name = "Northgate"
        db.session.commit()
    html = staff.get(f"/reports?{Q3}&by=branch").get_data(as_text=True)
    pairs = [row[:2] for row in table_rows(html, "breakdown-table")[1:]]
    assert ["Northgate", "North Library"] in pairs
    assert ["Northgate", "South Library"] in pairs
    download = csv_rows(staff.get(f"/reports/overview.csv?{Q3}&by=branch").data)
    assert ["Northgate", "South Library"] in [row[:2] for row in download[1:]]
    libraries = csv_rows(staff.get(f"/reports/libraries.csv?{Q3}").data)
    assert ["Northgate", "North Library"] in [row[:2] for row in libraries[1:]]


def test_learner_names_only_for_the_librarian_of_their_library(librarian, staff):
    html = librarian.get("/reports/learners").get_data(as_text=True)
    rows = table_rows(html, "learners-table")
    names = {row[0] for row in rows[1:]}
    assert {"p1", "p6"} <= names
    assert "p9" not in names  # south-a
    download = csv_rows(librarian.get("/reports/learners.csv").data)
    assert download[0][:3] == ["Name", "Username", "Library"]
    p1 = next(row for row in download[1:] if row[0] == "p1")
    assert p1[3:6] == ["1", "1", "1"]
    assert staff.get("/reports/learners").status_code == 403


def test_a_system_total_minus_its_visible_branches_gives_no_hidden_branch(staff):
    """Complementary suppression (issue 14, point 7): North has 8 patrons in North A (6) and
    North B (2); with North B hidden, North A is hidden too, on screen and in CSV. At the level
    above, the South system is small, so North's own total is hidden beside it."""
    html = staff.get(f"/reports/libraries?{Q3}").get_data(as_text=True)
    rows = {row[0]: row[1:] for row in table_rows(html, "libraries-table")[1:]}
    download = {
        row[0]: row[1:] for row in csv_rows(staff.get(f"/reports/libraries.csv?{Q3}").data)[1:]
    }
    # The first column after the name is the library system (branch names repeat).
    for shown in (rows, download):
        assert shown["South Library"][1:3] == ["Library system", "< 5"]
        assert shown["North Library"][1:3] == ["Library system", "hidden"]
        assert shown["North B"][:3] == ["North Library", "Branch", "< 5"]
        assert shown["North A"][:3] == ["North Library", "Branch", "hidden"]


def test_charts_hide_the_complement_as_their_tables_do(app):
    from course_app.reports.screens import month_chart, points_table

    points = [("2026-07", 3), ("2026-08", 12), ("2026-09", 8)]
    with app.test_request_context():
        svg = str(month_chart(points, True))
        table = points_table("months", "Months", "Month", points, True)
        cells = [table.screen_cell(row, table.columns[1]) for row in table.rows]
    assert cells == ["< 5", "12", "hidden"]
    assert "&lt; 5" in svg and "hidden" in svg and ">8<" not in svg and ">12<" in svg
