"""The patron page: who may see it, what it shows, and its actions, through HTTP with CSRF on."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course_app.accounts.models import User
from course_app.audit.models import AuditEvent
from course_app.certificates.models import Certificate
from course_app.extensions import db
from tests.conftest import csrf_token_from, sign_in, signed_in
from tests.patrons.builders import patron_world


@pytest.fixture
def world(app):
    with app.app_context():
        world = patron_world()
        db.session.commit()
    return world


def post_form(client, page_url, url, data):
    token = csrf_token_from(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_the_page_shows_progress_next_step_quizzes_certificates_and_classes(app, world):
    html = signed_in(app, "lib").get(f"/patrons/{world['p1']}").get_data(as_text=True)
    assert "<h1>Patron 01</h1>" in html
    # Course "assigned": module 1's two lessons and its quiz done of 6 steps: 50%.
    assert "Course assigned" in html and "50%" in html
    assert "Next step:" in html and "Lesson m2-l1" in html
    assert "Completed on" in html  # cert-course
    assert "2 tries in all." in html and "Passed" in html and "100%" in html
    assert "Ana Smiht" in html and world["code"] in html
    assert "Tuesday Digital Skills" in html
    assert "North A (North Library)" in html
    assert "Active" in html


@pytest.mark.parametrize(
    ("who", "status"), [("lib", 200), ("boss", 200), ("southlib", 404), ("p2", 403)]
)
def test_only_the_patrons_librarians_and_staff_see_the_page(app, world, who, status):
    assert signed_in(app, who).get(f"/patrons/{world['p1']}").status_code == status


def test_the_patron_page_is_linked_from_class_desk_and_my_patrons(app, world):
    client = signed_in(app, "lib")
    link = f'href="/patrons/{world["p1"]}"'
    assert link in client.get(f"/classes/{world['class_id']}").get_data(as_text=True)
    assert link in client.get("/desk/patrons?q=patron").get_data(as_text=True)
    assert link in client.get("/reports/learners").get_data(as_text=True)


def test_reissue_corrects_the_name_gives_a_new_code_and_the_old_one_verifies_as_replaced(
    app, csrf_app, world
):
    client = signed_in(csrf_app, "lib")
    url = f"/patrons/{world['p1']}/certificates/{world['certificate_id']}/reissue"
    form = client.get(url).get_data(as_text=True)
    assert 'value="Ana Smiht"' in form
    same = post_form(client, url, url, {"recipient_name": "Ana Smiht"})
    assert same.status_code == 400
    assert "This is the name already printed" in same.get_data(as_text=True)
    empty = post_form(client, url, url, {"recipient_name": "  "})
    assert empty.status_code == 400
    with app.app_context():
        assert db.session.get(Certificate, world["certificate_id"]).code == world["code"]
    assert post_form(client, url, url, {"recipient_name": "Ana Smith"}).status_code == 302
    with app.app_context():
        cert = db.session.get(Certificate, world["certificate_id"])
        new_code = cert.code
        assert cert.recipient_name == "Ana Smith" and new_code != world["code"]
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "certificate.reissued")
        )
        assert event.details["old_name"] == "Ana Smiht"
        assert event.details["new_name"] == "Ana Smith"
        assert event.details["old_code"] == world["code"]
    public = app.test_client()
    old = public.get(f"/verify/{world['code']}")
    assert old.status_code == 200
    assert "Replaced" in old.get_data(as_text=True)
    assert "Ana Smiht" in old.get_data(as_text=True)
    new = public.get(f"/verify/{new_code}").get_data(as_text=True)
    assert "Valid" in new and "Ana Smith" in new


def test_another_patrons_certificate_cannot_be_reissued_through_this_page(app, world):
    with app.app_context():
        other = db.session.scalar(select(User.id).where(User.username == "p2"))
    client = signed_in(app, "lib")
    url = f"/patrons/{other}/certificates/{world['certificate_id']}/reissue"
    assert client.get(url).status_code == 404


def test_move_to_another_branch_is_audited_and_offers_only_visible_branches(app, csrf_app, world):
    client = signed_in(csrf_app, "boss")
    page = f"/patrons/{world['p1']}"
    html = client.get(page).get_data(as_text=True)
    assert "North B (North Library)" in html and "South A (South Library)" in html
    moved = post_form(client, page, page + "/move", {"organisation_id": world["north-b"]})
    assert moved.status_code == 302
    with app.app_context():
        assert db.session.get(User, world["p1"]).organisation_id == world["north-b"]
        assert db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "user.library_set", AuditEvent.target_id == world["p1"]
            )
        )
    # A librarian cannot move a patron into another library system.
    lib = signed_in(csrf_app, "southlib")
    with app.app_context():
        south_patron = db.session.scalar(select(User.id).where(User.username == "southpat"))
    page = f"/patrons/{south_patron}"
    refused = post_form(lib, page, page + "/move", {"organisation_id": world["north-a"]})
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.get(User, south_patron).organisation_id == world["south-a"]


def test_deactivate_asks_first_stops_sign_in_and_reactivate_undoes_it(app, csrf_app, world):
    client = signed_in(csrf_app, "lib")
    url = f"/patrons/{world['p1']}/account"
    ask = client.get(url).get_data(as_text=True)
    assert "Deactivate the account of Patron 01?" in ask
    with app.app_context():
        assert db.session.get(User, world["p1"]).is_active_account
    assert post_form(client, url, url, {"active": "no"}).status_code == 302
    assert sign_in(app.test_client(), "p1").status_code != 302
    assert "Reactivate the account of Patron 01?" in client.get(url).get_data(as_text=True)
    assert post_form(client, url, url, {"active": "yes"}).status_code == 302
    assert sign_in(app.test_client(), "p1").status_code == 302
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.target_id == world["p1"])
        ).all()
        assert "user.deactivated" in actions and "user.reactivated" in actions
    assert post_form(client, url, url, {"active": "maybe"}).status_code == 400


def test_the_page_offers_a_reset_code(app, world):
    html = signed_in(app, "lib").get(f"/patrons/{world['p1']}").get_data(as_text=True)
    assert f'href="/desk/patrons/{world["p1"]}/reset-code"' in html


def test_erase_on_request_asks_for_the_username_then_erases_everything(app, csrf_app, world):
    from course_app.certificates.models import ReplacedCertificateCode
    from course_app.classes.help_marks import mark_help_handled
    from course_app.classes.models import ClassMember, HelpFlagMark, LearningClass
    from course_app.db import utc_now

    with app.app_context():
        p1 = db.session.get(User, world["p1"])
        lib = db.session.scalar(select(User).where(User.username == "lib"))
        mark_help_handled(lib, db.session.get(LearningClass, world["class_id"]), p1, utc_now())
        db.session.commit()
    client = signed_in(csrf_app, "lib")
    # A reissued certificate first, so the erasure meets a replaced code too.
    url = f"/patrons/{world['p1']}/certificates/{world['certificate_id']}/reissue"
    assert post_form(client, url, url, {"recipient_name": "Ana Smith"}).status_code == 302
    erase_url = f"/patrons/{world['p1']}/erase"
    page = client.get(erase_url).get_data(as_text=True)
    assert "Erase the account of Patron 01?" in page
    wrong = post_form(client, erase_url, erase_url, {"username": "p2"})
    assert wrong.status_code == 400 and "Type the username exactly." in wrong.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, world["p1"]) is not None
    done = post_form(client, erase_url, erase_url, {"username": "P1"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(User, world["p1"]) is None
        assert db.session.scalar(select(ClassMember).filter_by(user_id=world["p1"])) is None
        assert db.session.scalar(select(HelpFlagMark).filter_by(user_id=world["p1"])) is None
        # The old code still verifies as replaced, but with no name left.
        assert db.session.scalar(select(ReplacedCertificateCode.recipient_name)) == ""
    old = app.test_client().get(f"/verify/{world['code']}").get_data(as_text=True)
    assert "Replaced" in old and "Ana Smiht" not in old
    log = signed_in(app, "boss").get("/admin/audit?action=account.erased").get_data(as_text=True)
    assert "Erased a patron&#39;s account at their request, at the desk" in log or (
        "Erased a patron's account at their request, at the desk" in log
    )
    assert "Patron 01" not in log.split("audit-table")[-1]
