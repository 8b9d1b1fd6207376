"""`flask reports verify`: the kept report tables against a count of everything again, after a
day of real use through the app (lessons, failed and passed quizzes, a guest who signs in, a
certificate issued and revoked, a patron moved to another branch, a re-import that finishes
a course), and caught when a row is off."""

from __future__ import annotations

from sqlalchemy import select, update

from course_app.accounts.models import Learner, User
from course_app.certificates.models import Certificate
from course_app.certificates.services import revoke_certificate
from course_app.content.importer import import_courses
from course_app.content.models import Course
from course_app.extensions import db
from course_app.learning.models import Enrolment
from course_app.libraries.models import Organisation
from course_app.libraries.services import set_user_library
from course_app.reports.models import ReportCourseCell, ReportCourseShare, ReportMonth
from tests.conftest import sign_in
from tests.content import write_course
from tests.factories import make_course, make_library_tree, quiz_form_data


def verify(app):
    return app.test_cli_runner().invoke(args=["reports", "verify"])


def a_day_of_use(app, make_user, tmp_path) -> dict:
    with app.app_context():
        tree = make_library_tree()
        course = make_course("day", modules=2, lessons_per_module=1)
        assert import_courses(write_course(tmp_path / "v1")).ok
        db.session.commit()
        quizzes = [quiz_form_data(course, m, right=r) for m, r in ((1, 1), (1, 5), (2, 5))]
    for name in ("ana", "ben"):
        make_user(name)
    ana = app.test_client()
    sign_in(ana, "ana")
    ana.post("/courses/day/lessons/m1-l1/complete")
    for data in quizzes[:2]:
        ana.post("/courses/day/quizzes/m1-quiz", data=data)
    ana.post("/courses/day/lessons/m2-l1/complete")
    ana.post("/courses/day/quizzes/m2-quiz", data=quizzes[2])
    ana.post("/courses/day/certificate", data={"recipient_name": "Ana", "confirmed": "1"})
    ana.post("/courses/tiny-course/lessons/first-lesson/complete")
    guest = app.test_client()  # a guest, who then signs in as Ben
    guest.post("/courses/day/lessons/m1-l1/complete")
    guest.post("/courses/day/quizzes/m1-quiz", data=quizzes[1])
    sign_in(guest, "ben")
    guest.post("/courses/day/lessons/m2-l1/complete")
    with app.app_context():
        ben = db.session.scalar(select(User).where(User.username == "ben"))
        set_user_library(None, ben, db.session.get(Organisation, tree["south-b"]))
        revoke_certificate(db.session.scalar(select(Certificate)), "Issued by mistake")
        db.session.commit()
        # The quiz leaves tiny-course's only module: Ana's one lesson now finishes it.
        v2 = write_course(tmp_path / "v2", {"m1/quiz.yml": None, "m1/module.yml": MODULE})
        assert import_courses(v2).updated == ["tiny-course"]
        db.session.commit()
    return tree


MODULE = "key: module-one\ntitle: Module one\nlessons:\n  - 01-first.md\n"


def test_the_kept_tables_match_a_rebuild_after_a_day_of_use(app, make_user, tmp_path):
    a_day_of_use(app, make_user, tmp_path)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "match a rebuild" in result.output
    with app.app_context():  # the day really happened, and reached the tables
        completed = db.session.scalars(
            select(Course.slug)
            .join(Enrolment, Enrolment.course_id == Course.id)
            .where(Enrolment.completed_at.is_not(None))
        ).all()
        assert sorted(completed) == ["day", "tiny-course"]  # tiny-course by the re-import
        assert db.session.query(Learner).count() == 2  # the guest was merged into Ben
        assert db.session.query(ReportMonth).count() >= 3
        assert db.session.query(ReportCourseShare).count() > 10


def test_a_cell_that_is_off_is_reported_and_exits_1(app, make_user, tmp_path):
    a_day_of_use(app, make_user, tmp_path)
    with app.app_context():
        db.session.execute(
            update(ReportCourseCell)
            .where(ReportCourseCell.kind == "E")
            .values(learners=ReportCourseCell.learners + 1)
        )
        db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert "report_course_cells" in result.output and "kind': 'E'" in result.output


def test_a_missing_month_row_is_reported(app, make_user, tmp_path):
    a_day_of_use(app, make_user, tmp_path)
    with app.app_context():
        first = db.session.scalars(select(ReportMonth)).first()
        db.session.delete(first)
        db.session.commit()
    result = verify(app)
    assert result.exit_code == 1 and "report_months" in result.output


def test_rebuild_makes_them_match_again(app, make_user, tmp_path):
    a_day_of_use(app, make_user, tmp_path)
    with app.app_context():
        db.session.execute(update(ReportCourseShare).values(learners=7))
        db.session.commit()
    assert verify(app).exit_code == 1
    assert app.test_cli_runner().invoke(args=["reports", "rebuild"]).exit_code == 0
    assert verify(app).exit_code == 0
