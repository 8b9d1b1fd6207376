"""The report rows stay in step with what learners do through the app, and always equal a
rebuild from the source tables."""

from __future__ import annotations

from sqlalchemy import select

from course_app.accounts.models import User
from course_app.extensions import db
from course_app.libraries.services import set_user_library
from course_app.reports.models import ReportMonth
from course_app.reports.rollup import rebuild_all
from tests.conftest import sign_in
from tests.factories import make_course, make_library_tree, quiz_form_data
from tests.reports.kept import cells, shares


def snapshot() -> list[tuple]:
    rows = db.session.scalars(
        select(ReportMonth).order_by(
            ReportMonth.learner_id, ReportMonth.course_id, ReportMonth.month
        )
    )
    return [
        (
            r.learner_id,
            r.course_id,
            r.month,
            r.organisation_id,
            r.language,
            r.lessons,
            r.attempts,
            r.passed,
            r.started,
            r.completed,
            r.certificates,
            None if r.seconds is None else round(r.seconds),
        )
        for r in rows
    ]


def assert_same_as_rebuild() -> list[tuple]:
    kept, kept_cells, kept_shares = snapshot(), cells(), shares()
    rebuild_all()
    assert snapshot() == kept, "the kept report rows differ from a rebuild"
    assert cells() == kept_cells, "the kept course cells differ from a rebuild"
    assert shares() == kept_shares
    db.session.rollback()
    return kept


def test_a_learners_work_through_the_app_reaches_the_report_rows(app, client, make_user):
    with app.app_context():
        tree = make_library_tree()
        course = make_course("rolled", modules=1, lessons_per_module=2)
        db.session.commit()
        quiz = quiz_form_data(course, 1, right=5)
    make_user("walker")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "walker"))
        set_user_library(None, user, _org(tree["north-a"]))
        db.session.commit()
    # A guest starts, then signs in: the guest's lesson is merged into the account.
    client.post("/courses/rolled/lessons/m1-l1/complete")
    assert sign_in(client, "walker").status_code == 302
    client.post("/courses/rolled/lessons/m1-l2/complete")
    assert client.post("/courses/rolled/quizzes/m1-quiz", data=quiz).status_code == 303
    client.post("/courses/rolled/certificate", data={"recipient_name": "Walker", "confirmed": "1"})
    with app.app_context():
        rows = assert_same_as_rebuild()
        assert len(rows) == 1
        (_, _, _, org, language, lessons, attempts, passed, started, completed, _, _) = rows[0]
        assert (org, language, lessons, attempts, passed, started, completed) == (
            tree["north-a"],
            "en",
            2,
            1,
            1,
            1,
            1,
        )
        # Moving the patron to another branch moves their figures with them.
        user = db.session.scalar(select(User).where(User.username == "walker"))
        set_user_library(None, user, _org(tree["south-b"]))
        db.session.commit()
        assert assert_same_as_rebuild()[0][3] == tree["south-b"]


def _org(organisation_id: int):
    from course_app.libraries.models import Organisation

    return db.session.get(Organisation, organisation_id)


def test_flask_reports_rebuild_makes_the_rows_again(app):
    from tests.reports.dataset import build

    with app.app_context():
        build()
        db.session.commit()
        kept = snapshot()
        db.session.execute(ReportMonth.__table__.delete())
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["reports", "rebuild"])
    assert result.exit_code == 0, result.output
    assert f"{len(kept)} report rows rebuilt" in result.output
    with app.app_context():
        assert snapshot() == kept
