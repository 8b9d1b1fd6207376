"""The course report's cells: kept in step one learner at a time, always equal to counting
everything again, and read together with the days a range cuts out of a month."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from course_app.accounts.models import Learner
from course_app.content.models import Lesson
from course_app.extensions import db
from course_app.learning.models import Enrolment
from course_app.learning.services import record_lesson_completed
from course_app.reports.course_cells import rebuild_course_cells, refresh_course_share
from course_app.reports.course_report import course_report
from course_app.reports.filters import ReportFilter, ReportScope
from course_app.reports.models import ReportCourseCell, ReportCourseShare
from tests.content import write_course
from tests.reports.dataset import build
from tests.reports.kept import cells, shares

WHOLE = ReportScope()


def assert_cells_same_as_rebuild() -> list[tuple]:
    kept, kept_shares = cells(), shares()
    rebuild_course_cells()
    assert cells() == kept, "the kept course cells differ from a rebuild"
    assert shares() == kept_shares
    db.session.rollback()
    return kept


def test_cells_added_up_one_learner_at_a_time_equal_a_rebuild(app_ctx):
    build()
    db.session.commit()
    rebuilt, rebuilt_shares = cells(), shares()
    assert rebuilt, "the hand-worked data set fills some cells"
    db.session.execute(ReportCourseCell.__table__.delete())
    db.session.execute(ReportCourseShare.__table__.delete())
    for learner_id, course_id in db.session.execute(
        select(Enrolment.learner_id, Enrolment.course_id)
    ):
        refresh_course_share(learner_id, course_id)
    assert cells() == rebuilt
    assert shares() == rebuilt_shares
    # Counting a learner again without a change changes nothing.
    learner_id, course_id, _kind, _item = next(iter(rebuilt_shares))
    refresh_course_share(learner_id, course_id)
    assert cells() == rebuilt


def test_course_report_over_a_range_that_cuts_months(app_ctx):
    data = build()
    db.session.commit()
    # 5 July to 31 August: August whole (cells), 5-31 July from the source tables.
    # Who began alpha then: p2 (10 Jul) and p3 (1 Aug).
    report = course_report(
        data.alpha, ReportFilter(start=date(2026, 7, 5), end=date(2026, 8, 31)), WHOLE
    )
    assert (report.started, report.completed, report.certificates) == (2, 1, 1)
    first, second = report.modules
    assert (first.started, first.completed) == (2, 2)
    assert (second.started, second.completed) == (2, 1)  # p2 stopped in module 2
    assert [line.completed for line in first.lessons + second.lessons] == [2, 2, 2, 1]
    assert [line.stopped_here for line in first.lessons + second.lessons] == [0, 0, 1, 0]
    # Quiz 1: p2 and p3 once each, all right.
    quiz_one = [q for q in report.questions if q.module.id == first.module.id]
    assert {(q.answers, q.correct, q.learners) for q in quiz_one} == {(2, 2, 2)}
    # 1 July to 15 August: July whole (p1, p2), 1-15 August cut (p3).
    report = course_report(
        data.alpha, ReportFilter(start=date(2026, 7, 1), end=date(2026, 8, 15)), WHOLE
    )
    assert (report.started, report.completed, report.certificates) == (3, 2, 2)
    quiz_one = [q for q in report.questions if q.module.id == first.module.id]
    # p1 failed once (first two questions wrong), then passed; p2 and p3 passed.
    assert sorted((q.answers, q.correct, q.learners) for q in quiz_one)[:2] == [(4, 3, 3)] * 2


def test_a_patron_switching_language_moves_their_share(app, bilingual_course, make_user):
    from tests.conftest import sign_in

    make_user("lectora")
    client = app.test_client()
    assert sign_in(client, "lectora").status_code == 302
    with app.app_context():
        lessons = db.session.scalars(select(Lesson).order_by(Lesson.position)).all()
        keys = [lesson.key for lesson in lessons]
    client.post(f"/courses/{bilingual_course}/lessons/{keys[0]}/complete")
    with app.app_context():
        assert {row[3] for row in assert_cells_same_as_rebuild()} == {"en"}
    client.post("/account/language", data={"language": "es"})
    assert client.get(f"/courses/{bilingual_course}/lessons/{keys[0]}").status_code == 200
    with app.app_context():
        assert {row[3] for row in assert_cells_same_as_rebuild()} == {"es"}


def test_revoking_a_certificate_takes_it_out_of_the_cells(app_ctx):
    from course_app.certificates.models import Certificate
    from course_app.certificates.services import revoke_certificate

    build()
    db.session.commit()
    held = sum(row[6] for row in cells() if row[4] == "C")
    revoke_certificate(db.session.scalars(select(Certificate)).first(), "Issued in error")
    db.session.commit()
    kept = assert_cells_same_as_rebuild()
    assert sum(row[6] for row in kept if row[4] == "C") == held - 1


def test_a_course_whose_content_changes_is_counted_again(app_ctx, tmp_path):
    from course_app.content.importer import import_courses
    from course_app.content.models import Course

    assert import_courses(write_course(tmp_path / "v1")).ok
    db.session.flush()
    course = db.session.scalar(select(Course).where(Course.slug == "tiny-course"))
    learner = Learner()
    db.session.add(learner)
    db.session.flush()
    record_lesson_completed(learner, course, course.modules[0].lessons[0].id, None)
    db.session.commit()
    report = course_report(course, ReportFilter(start=date(2026, 1, 1), end=date.today()), WHOLE)
    assert (report.modules[0].started, report.modules[0].completed) == (1, 0)  # quiz not taken
    # The quiz is taken out of the module: the one lesson now finishes it.
    without_quiz = {
        "m1/module.yml": "key: module-one\ntitle: Module one\nlessons:\n  - 01-first.md\n",
        "m1/quiz.yml": None,
    }
    assert import_courses(write_course(tmp_path / "v2", without_quiz)).updated == ["tiny-course"]
    db.session.commit()
    report = course_report(course, ReportFilter(start=date(2026, 1, 1), end=date.today()), WHOLE)
    assert (report.modules[0].started, report.modules[0].completed) == (1, 1)
    assert_cells_same_as_rebuild()


def test_a_reimported_course_reports_its_new_lesson_titles(app_ctx, tmp_path):
    from course_app.content.importer import import_courses
    from course_app.content.models import Course

    assert import_courses(write_course(tmp_path / "v1")).ok
    db.session.commit()
    course = db.session.scalar(select(Course).where(Course.slug == "tiny-course"))
    period = ReportFilter(start=date(2026, 1, 1), end=date.today())
    report = course_report(course, period, WHOLE)
    assert report.modules[0].lessons[0].lesson.title == "The first lesson"
    renamed = {
        "m1/01-first.md": (
            "---\nkey: first-lesson\ntitle: Your first lesson\nminutes: 3\n---\n\nHello, reader.\n"
        )
    }
    assert import_courses(write_course(tmp_path / "v2", renamed)).updated == ["tiny-course"]
    db.session.commit()
    report = course_report(course, period, WHOLE)
    assert report.modules[0].lessons[0].lesson.title == "Your first lesson"
