"""Erasing a patron (issue 14, privacy): every row about them goes, certificates say they were
withdrawn at the holder's request with no name, reports keep aggregates only, audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from course_app.accounts.erasure import ErasureError, erase_learner, erase_patron
from course_app.accounts.models import Learner, User, UserSession
from course_app.audit.models import AuditEvent
from course_app.certificates.models import Certificate
from course_app.classes.models import Assignment, ClassMember
from course_app.classes.services import add_members, create_assignment, create_class
from course_app.desk.models import LibraryCard, ResetCode
from course_app.desk.reset_codes import issue_reset_code
from course_app.extensions import db
from course_app.learning.models import Enrolment, LessonProgress, Milestone
from course_app.libraries.models import Organisation
from course_app.libraries.services import set_user_library
from course_app.quizzes.models import AttemptAnswer, QuizAttempt
from course_app.reports.models import ReportCourseShare, ReportMonth
from course_app.reports.verify import compare_with_rebuild
from tests.conftest import sign_in
from tests.factories import make_course, make_library_tree, quiz_form_data

PATRON_ROWS = (
    LessonProgress,
    Milestone,
    Enrolment,
    QuizAttempt,
    ReportCourseShare,
    ReportMonth,
)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def patron_world(app, make_user):
    """A patron with lessons, a quiz attempt, a certificate, a class, a card and a reset code;
    and a second patron whose rows must stay."""
    from course_app.desk.models import LibraryCard as Card

    make_user("erase-me", display_name="Erin Example")
    make_user("keep-me")
    make_user("desk-lib", "librarian")
    with app.app_context():
        ids = make_library_tree()
        branch = db.session.get(Organisation, ids["north-a"])
        for name in ("erase-me", "keep-me", "desk-lib"):
            set_user_library(
                None, db.session.scalar(select(User).where(User.username == name)), branch
            )
        quiz_course = make_course("erase-quiz", modules=1)
        make_course("erase-cert", modules=1, lessons_per_module=1, with_quiz=False)
        answers = quiz_form_data(quiz_course)
        librarian = db.session.scalar(select(User).where(User.username == "desk-lib"))
        patron = db.session.scalar(select(User).where(User.username == "erase-me"))
        learning_class = create_class(librarian, branch, "Tuesday class", None)
        add_members(librarian, learning_class, [patron.id])
        create_assignment(
            librarian, learning_class, quiz_course, None, patron, None, None, date.today()
        )
        db.session.add(Card(user_id=patron.id, card_hash="f" * 64, last4="1234"))
        issue_reset_code(librarian, patron)
        db.session.commit()
    clients = {}
    for name in ("erase-me", "keep-me"):
        client = app.test_client()
        sign_in(client, name)
        client.post("/courses/erase-quiz/lessons/m1-l1/complete")
        assert client.post("/courses/erase-quiz/quizzes/m1-quiz", data=answers).status_code == 303
        client.post("/courses/erase-cert/lessons/m1-l1/complete")
        claimed = client.post(
            "/courses/erase-cert/certificate", data={"recipient_name": name, "confirmed": "1"}
        )
        assert claimed.status_code == 302
        clients[name] = client
    with app.app_context():
        certificate = db.session.scalar(
            select(Certificate).where(Certificate.recipient_name == "erase-me")
        )
        return {"clients": clients, "code": certificate.code}


def test_erasing_a_patron_leaves_nothing_that_points_at_them(app, patron_world):
    with app.app_context():
        patron = db.session.scalar(select(User).where(User.username == "erase-me"))
        librarian = db.session.scalar(select(User).where(User.username == "desk-lib"))
        patron_id, learner_id = patron.id, patron.learner.id
        other_learner = db.session.scalar(select(User).where(User.username == "keep-me")).learner.id
        before_other = {m: count(m, m.learner_id == other_learner) for m in PATRON_ROWS}
        erase_patron(patron, librarian)
        db.session.commit()

        assert db.session.get(User, patron_id) is None
        assert db.session.get(Learner, learner_id) is None
        for model in PATRON_ROWS:
            assert count(model, model.learner_id == learner_id) == 0, model.__name__
            assert count(model, model.learner_id == other_learner) == before_other[model]
        attempts = select(QuizAttempt.id).where(QuizAttempt.learner_id == other_learner)
        assert count(AttemptAnswer, AttemptAnswer.attempt_id.in_(attempts)) > 0
        for model in (UserSession, ClassMember, LibraryCard, ResetCode):
            assert count(model, model.user_id == patron_id) == 0, model.__name__
        assert count(Assignment, Assignment.user_id == patron_id) == 0
        # The certificate stays checkable, withdrawn, with no name and no learner.
        cert = db.session.scalar(
            select(Certificate).where(Certificate.code == patron_world["code"])
        )
        assert cert.learner_id is None and cert.recipient_name == "" and cert.revoked_at
        # The kept report tables equal a count of what is left.
        assert compare_with_rebuild().ok
        # Audited: who did it and for which account id, never the name.
        erased = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.erased"))
        assert erased.actor_id == librarian.id and erased.target_id == patron_id
        events = db.session.scalars(select(AuditEvent)).all()
        assert all(e.actor_id != patron_id for e in events)
        assert [e.details for e in events if "erase-me" in str(e.details)] == []
    # The patron's browser is signed out; the verify page says withdrawn, without the name.
    assert patron_world["clients"]["erase-me"].get("/account/").status_code == 302
    page = app.test_client().get(f"/verify/{patron_world['code']}").get_data(as_text=True)
    assert "withdrawn at the holder" in page and "request" in page
    assert "erase-me" not in page and "Erin Example" not in page
    assert patron_world["clients"]["keep-me"].get("/account/").status_code == 200


def test_only_patron_accounts_are_erased(app_ctx, make_user):
    make_user("a-librarian", "librarian")
    librarian = db.session.scalar(select(User).where(User.username == "a-librarian"))
    with pytest.raises(ErasureError):
        erase_patron(librarian, None)


def test_erasing_a_guest_learner_takes_its_progress(app, client):
    with app.app_context():
        make_course("guest-course", modules=1)
        db.session.commit()
    client.post("/courses/guest-course/lessons/m1-l1/complete")
    with app.app_context():
        learner = db.session.scalar(select(Learner).where(Learner.user_id.is_(None)))
        erase_learner(learner)
        db.session.commit()
        assert count(Learner) == 0 and count(LessonProgress) == 0 and count(ReportMonth) == 0
        assert compare_with_rebuild().ok
