"""Report figures against the hand-worked data set in tests/reports/dataset.py.

Every expected number below is counted by hand from that file's docstring; the comments say
who is behind each one. The suite runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date

import pytest

from course_app.extensions import db
from course_app.libraries.models import Organisation
from course_app.reports.course_report import course_report
from course_app.reports.facts import Breakdown
from course_app.reports.filters import ReportFilter, ReportScope
from course_app.reports.library_report import library_report
from course_app.reports.overview import (
    completions_by_month_and_topic,
    overview,
    overview_breakdown,
    overview_totals,
)
from tests.reports.dataset import Q3, TODAY, build

WHOLE = ReportScope()


@pytest.fixture
def data(app_ctx):
    b = build()
    db.session.commit()
    return b


def q3(**kwargs) -> ReportFilter:
    return ReportFilter(start=Q3[0], end=Q3[1], **kwargs)


def test_overview_totals_for_the_quarter(data):
    totals = overview_totals(q3(), WHOLE)
    for by in Breakdown:  # totals summed from any breakdown are the same figures
        assert overview(q3(), WHOLE, by)[0] == totals
    assert totals == {
        "active": 9,  # everyone but p8 (October)
        "enrolments": 8,  # p1 p2 p3 p5 p9 (alpha), p4 p7 g1 (beta); p6 began in June
        "completions": 5,  # p1 p3 p4 p6 g1
        "certificates": 4,  # p1 p3 p4 p6
        "attempts": 10,  # p1 x3, p2, p3 x2, p4, p6 (July), p7, g1
        "attempt_learners": 7,
        "passed": 8,
        "pass_rate": 80,  # 8 of 10 passed (p1's first and p7's failed)
        "median_days": 2.0,  # 0.125, 1, 2, 4, 49
    }


def test_overview_by_course(data):
    rows = {row.key: row.values for row in overview_breakdown(q3(), WHOLE, Breakdown.COURSE)}
    alpha, beta = rows[data.alpha.id], rows[data.beta.id]
    assert set(rows) == {data.alpha.id, data.beta.id}
    assert (alpha["active"], alpha["enrolments"], alpha["completions"]) == (6, 5, 3)
    assert (alpha["certificates"], alpha["attempts"], alpha["pass_rate"]) == (3, 7, 86)
    assert alpha["median_days"] == 4.0  # 2, 4, 49
    assert (beta["active"], beta["enrolments"], beta["completions"]) == (3, 3, 2)
    assert (beta["certificates"], beta["attempts"], beta["pass_rate"]) == (1, 3, 67)
    assert beta["median_days"] == 0.6  # (1 + 0.125) / 2


def test_overview_by_topic_and_language(data):
    topics = {row.key: row.values for row in overview_breakdown(q3(), WHOLE, Breakdown.TOPIC)}
    assert topics["health-literacy"]["enrolments"] == 5
    assert topics["digital-literacy"]["completions"] == 2
    languages = {row.key: row.values for row in overview_breakdown(q3(), WHOLE, Breakdown.LANGUAGE)}
    assert languages["es"] == {
        "active": 1,
        "enrolments": 1,
        "completions": 1,
        "certificates": 1,
        "attempts": 2,
        "attempt_learners": 1,
        "passed": 2,
        "pass_rate": 100,
        "median_days": 2.0,
    }
    assert languages["en"]["active"] == 8
    assert languages["en"]["enrolments"] == 7


def test_overview_by_branch_and_system(data):
    tree = data.tree
    branches = {row.key: row.values for row in overview_breakdown(q3(), WHOLE, Breakdown.BRANCH)}
    assert set(branches) == {tree["north-a"], tree["north-b"], tree["south-a"], None}
    north_a = branches[tree["north-a"]]
    assert (north_a["active"], north_a["enrolments"], north_a["completions"]) == (6, 5, 4)
    assert (north_a["attempts"], north_a["attempt_learners"], north_a["pass_rate"]) == (8, 5, 88)
    assert branches[None]["completions"] == 1  # the guest
    systems = {row.key: row.values for row in overview_breakdown(q3(), WHOLE, Breakdown.SYSTEM)}
    assert systems[tree["north"]]["active"] == 7  # p1-p7
    assert systems[tree["south"]]["enrolments"] == 1  # p9


def test_overview_by_month_lists_every_month(data):
    rows = overview_breakdown(q3(), WHOLE, Breakdown.MONTH)
    assert [row.key for row in rows] == ["2026-07", "2026-08", "2026-09"]
    july, august, september = (row.values for row in rows)
    assert (july["active"], july["enrolments"], july["completions"]) == (5, 4, 3)
    assert (august["active"], august["enrolments"], august["certificates"]) == (2, 2, 2)
    assert (september["completions"], september["median_days"]) == (0, None)
    months, topics = completions_by_month_and_topic(q3(), WHOLE)
    assert months == [("2026-07", 3), ("2026-08", 2), ("2026-09", 0)]
    assert dict(topics) == {"health-literacy": 3, "digital-literacy": 2}


def test_filters_narrow_every_figure(data):
    north = q3(organisation_id=data.tree["north"])
    totals = overview_totals(north, WHOLE)
    assert (totals["active"], totals["enrolments"], totals["completions"]) == (7, 6, 4)
    assert totals["median_days"] == 3.0  # p1 4, p3 2, p4 1, p6 49: (2 + 4) / 2
    spanish = overview_totals(q3(language="es"), WHOLE)
    assert (spanish["active"], spanish["certificates"]) == (1, 1)
    beta = overview_totals(q3(course_id=data.beta.id), WHOLE)
    assert (beta["active"], beta["enrolments"], beta["completions"]) == (3, 3, 2)
    assert beta["median_days"] == 0.6  # an even count overall: (1 + 0.125) / 2
    digital = overview_totals(q3(topic="digital-literacy"), WHOLE)
    assert digital == beta
    august = overview_totals(ReportFilter(start=Q3[0].replace(month=8), end=Q3[1]), WHOLE)
    assert (august["active"], august["enrolments"]) == (4, 4)  # p3 p4 p5 p9


def test_a_librarian_scope_counts_only_their_library_system(data):
    south = db.session.get(Organisation, data.tree["south"])
    totals = overview_totals(q3(), ReportScope(system=south))
    assert (totals["active"], totals["enrolments"], totals["completions"]) == (1, 1, 0)


def test_course_report_counts_modules_lessons_and_drop_off(data):
    report = course_report(data.alpha, q3(), WHOLE)
    # The learners who began alpha in Q3: p1 p2 p3 p5 p9.
    assert (report.started, report.completed, report.certificates) == (5, 2, 2)
    first, second = report.modules
    assert (first.started, first.completed) == (5, 3)  # p1 p2 p3 finished module 1
    assert (second.started, second.completed) == (3, 2)  # p1 p2 p3 began it; p1 p3 finished
    assert [line.completed for line in first.lessons + second.lessons] == [5, 3, 3, 2]
    assert [line.stopped_here for line in first.lessons + second.lessons] == [0, 2, 1, 0]
    assert report.drop_off.lesson.key == "m1-l2"  # p5 and p9 stopped there
    assert [count for _label, count in report.funnel] == [5, 3, 2, 2, 2]


def test_course_report_lists_the_most_missed_questions_first(data):
    report = course_report(data.alpha, q3(), WHOLE)
    # Quiz 1 was answered 4 times (p1 failed once); its first two questions were missed once.
    missed = report.questions[:2]
    assert [(q.answers, q.correct, q.percent_correct) for q in missed] == [(4, 3, 75)] * 2
    assert [q.question.position for q in missed] == [1, 2]
    assert all(q.percent_correct == 100 for q in report.questions[2:])
    assert len(report.questions) == 10


def test_course_report_filtered_to_a_branch(data):
    report = course_report(data.alpha, q3(organisation_id=data.tree["north-a"]), WHOLE)
    assert (report.started, report.completed) == (4, 2)  # p1 p2 p3 p5


def test_course_reports_of_the_same_shape_each_count_their_own_filters(data):
    # The statement is built once per shape of filter; the values change from call to call.
    north, south = data.tree["north-a"], data.tree["south-a"]
    started = [
        course_report(data.alpha, q3(organisation_id=org), WHOLE).started
        for org in (north, south, north)
    ]
    assert started == [4, 1, 4]  # p1 p2 p3 p5; p9
    south_system = db.session.get(Organisation, data.tree["south"])
    scoped = course_report(data.alpha, q3(), ReportScope(system=south_system))
    assert (scoped.started, [line.stopped_here for line in scoped.modules[0].lessons]) == (
        1,
        [0, 1],
    )


def test_library_report_rolls_branches_up_and_measures_on_time_work(data):
    lines = {line.organisation.code: line for line in library_report(q3(), WHOLE, TODAY)}
    north_a = lines["north-a"]
    assert (north_a.patrons, north_a.classes, north_a.assignments) == (6, 1, 2)
    # Due in Q3: alpha for p1 (done 5 Jul, on time), p2 (not done), p3 (done 3 Aug, late);
    # module 1 for p2 alone, due 11 Jul and done 11 Jul: on time.
    assert (north_a.due, north_a.on_time, north_a.on_time_rate) == (4, 2, 50)
    assert north_a.due_learners == 3
    assert lines["north"].patrons == 8  # north-a 6 and north-b 2
    assert lines["south-a"].due == 0  # beta is due in December
    assert lines["network"].patrons == 9
    assert lines["network"].on_time == 2


def test_an_enrolment_remembers_the_language_it_is_read_in(app, bilingual_course, make_user):
    from tests.conftest import sign_in

    make_user("lectora")
    client = app.test_client()
    assert sign_in(client, "lectora").status_code == 302
    client.post("/account/language", data={"language": "es"})
    course_page = client.get(f"/courses/{bilingual_course}")
    assert course_page.status_code == 200
    from sqlalchemy import select

    from course_app.content.models import Lesson
    from course_app.learning.models import Enrolment

    with app.app_context():
        lesson = db.session.scalars(select(Lesson).order_by(Lesson.position)).first()
        key = lesson.key
    assert client.get(f"/courses/{bilingual_course}/lessons/{key}").status_code == 200
    with app.app_context():
        assert db.session.scalars(select(Enrolment.language)).all() == ["es"]


def test_a_range_that_cuts_months_counts_the_cut_days_from_the_source_tables(data):
    # 3 July to 5 August: whole months none, so every figure comes from the source rows.
    cut = ReportFilter(start=date(2026, 7, 3), end=date(2026, 8, 5))
    totals = overview_totals(cut, WHOLE)
    # Active: p1 (lessons 3-4 Jul), p2, p3, p4 (lessons 5 Aug), p6, p7, g1.
    assert totals["active"] == 7
    assert totals["enrolments"] == 5  # p2, p7, g1, p3, p4 (5 Aug 12:00)
    assert totals["completions"] == 4  # p1, p6, g1, p3; p4 finished on 6 Aug
    # 1 June to 5 August: June and July whole (from report rows), 1-5 August from the source.
    mixed = overview_totals(ReportFilter(start=date(2026, 6, 1), end=date(2026, 8, 5)), WHOLE)
    assert mixed["enrolments"] == 7  # p6 in June; p1 p2 p7 g1 in July; p3 p4 in August
    assert mixed["completions"] == 4
    assert mixed["active"] == 7  # p1 p2 p3 p4 p6 p7 g1; p6 was active in June too, once


def test_split_range_takes_whole_months_and_leaves_the_cut_days():
    from datetime import UTC, datetime

    from course_app.reports.monthly import split_range

    def at(y, m, d):
        return datetime(y, m, d, tzinfo=UTC)

    now = at(2026, 11, 23)
    assert split_range(at(2026, 7, 1), at(2026, 10, 1), now) == (
        ["2026-07", "2026-08", "2026-09"],
        [],
    )
    assert split_range(at(2026, 7, 3), at(2026, 9, 10), now) == (
        ["2026-08"],
        [(at(2026, 7, 3), at(2026, 8, 1)), (at(2026, 9, 1), at(2026, 9, 10))],
    )
    assert split_range(at(2026, 7, 3), at(2026, 7, 20), now) == (
        [],
        [(at(2026, 7, 3), at(2026, 7, 20))],
    )
    # A range running past now takes the current month whole: nothing has happened after now.
    assert split_range(at(2025, 12, 1), at(2026, 11, 24), now)[0][-1] == "2026-11"
    assert split_range(at(2025, 12, 1), at(2026, 11, 24), now)[1] == []
    assert split_range(at(2025, 11, 24), at(2026, 11, 24), now)[1] == [
        (at(2025, 11, 24), at(2025, 12, 1))
    ]


def test_the_default_range_is_twelve_whole_months_to_today():
    from course_app.reports.filters import default_filter

    assert default_filter(date(2026, 11, 23)) == ReportFilter(
        start=date(2025, 12, 1), end=date(2026, 11, 23)
    )
    assert default_filter(date(2026, 1, 5)).start == date(2025, 2, 1)
