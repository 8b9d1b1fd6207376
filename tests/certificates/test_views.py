"""Claiming, viewing, downloading, verifying and revoking certificates over HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course_app.certificates.models import Certificate
from course_app.extensions import db
from tests.certificates.builders import (
    build_course,
    certificate_for,
    complete_course,
    course_by_slug,
    learner_of,
)
from tests.conftest import PASSWORD, csrf_token_from, sign_in

SLUG = "first-steps-online"


@pytest.fixture
def course(app):
    with app.app_context():
        build_course(slug=SLUG, title="First steps online")
        db.session.commit()
    return SLUG


def _complete(app, username: str) -> None:
    with app.app_context():
        complete_course(learner_of(username), course_by_slug(SLUG))
        db.session.commit()


def _issue(app, username: str, name: str = "Zoë O'Brien-Núñez") -> str:
    with app.app_context():
        cert = certificate_for(username, course_by_slug(SLUG), name=name)
        db.session.commit()
        return cert.code


def _certificate(app, code: str) -> Certificate:
    with app.app_context():
        cert = db.session.scalar(select(Certificate).where(Certificate.code == code))
        db.session.expunge(cert)
        return cert


# Claiming


def test_a_guest_asking_for_the_certificate_learns_why_an_account_helps(client, course):
    response = client.get(f"/courses/{SLUG}/certificate")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "A free account keeps your progress safe" in html
    back = f"next=/courses/{SLUG}/certificate"
    assert (
        f'class="button primary" href="/account/sign-up?{back}">Create a free account</a>' in html
    )
    assert f'class="button secondary" href="/account/sign-in?{back}">Sign in</a>' in html


def test_claim_for_an_unknown_course_is_404(learner_client, course):
    assert learner_client.get("/courses/no-such-course/certificate").status_code == 404


def test_claim_before_completion_explains_what_is_left(app, learner_client, course):
    response = learner_client.get(f"/courses/{SLUG}/certificate")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Finish the course to get your certificate" in html
    assert "You have finished 0 of 2 steps." in html
    assert 'name="recipient_name"' not in html
    # A post is refused the same way and issues nothing.
    response = learner_client.post(
        f"/courses/{SLUG}/certificate", data={"recipient_name": "Ana", "confirmed": "1"}
    )
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(Certificate)) is None


def test_claim_form_starts_empty_and_shows_the_name_back_before_issuing(app, make_user, course):
    make_user("rosa28670", display_name="rosa28670")
    client = app.test_client()
    sign_in(client, "rosa28670")
    _complete(app, "rosa28670")
    html = client.get(f"/courses/{SLUG}/certificate").get_data(as_text=True)
    assert "Your full name, as it should be printed" in html
    assert "For example: Rosa María López." in html
    assert "rosa28670" not in html.split("<main")[1]
    # The confirm step shows the name and issues nothing yet.
    confirm = client.post(f"/courses/{SLUG}/certificate", data={"recipient_name": "Rosa Lopes"})
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Check the name on your certificate" in page
    assert '<p class="recipient confirm-name">Rosa Lopes</p>' in page
    with app.app_context():
        assert db.session.scalar(select(Certificate)) is None
    # "Change the name" goes back to the form with the name in it.
    change = client.post(
        f"/courses/{SLUG}/certificate",
        data={"recipient_name": "Rosa Lopes", "confirmed": "1", "change": "1"},
    )
    assert 'value="Rosa Lopes"' in change.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Certificate)) is None
    done = client.post(
        f"/courses/{SLUG}/certificate", data={"recipient_name": "Rosa López", "confirmed": "1"}
    )
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Certificate.recipient_name)) == "Rosa López"


def test_claiming_issues_the_certificate_and_shows_it(app, make_user, course):
    make_user("ana", display_name="Ana")
    client = app.test_client()
    sign_in(client, "ana")
    _complete(app, "ana")
    response = client.post(
        f"/courses/{SLUG}/certificate",
        data={"recipient_name": "  Nguyễn Thị Minh Khai ", "confirmed": "1"},
    )
    assert response.status_code == 302
    with app.app_context():
        cert = db.session.scalar(select(Certificate))
        assert cert.recipient_name == "Nguyễn Thị Minh Khai"
        assert cert.language == "en"
        code = cert.code
    assert response.location.endswith(f"/certificates/{code}")
    page = client.get(response.location).get_data(as_text=True)
    assert "Nguyễn Thị Minh Khai" in page


def test_a_course_read_in_english_gives_an_english_certificate_to_a_spanish_reader(
    app, make_user, course
):
    # The course has no Spanish version, so it was read, and is certified, in English.
    make_user("ana", language="es")
    client = app.test_client()
    sign_in(client, "ana")
    _complete(app, "ana")
    client.post(f"/courses/{SLUG}/certificate", data={"recipient_name": "Ana", "confirmed": "1"})
    with app.app_context():
        assert db.session.scalar(select(Certificate)).language == "en"


def test_an_empty_name_is_refused_with_a_message(app, make_user, course):
    make_user("ana")
    client = app.test_client()
    sign_in(client, "ana")
    _complete(app, "ana")
    response = client.post(
        f"/courses/{SLUG}/certificate", data={"recipient_name": "   ", "confirmed": "1"}
    )
    assert response.status_code == 400
    assert "Enter the name to print on your certificate." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Certificate)) is None


def test_a_name_that_is_too_long_is_refused_with_a_message(app, make_user, course):
    make_user("ana")
    client = app.test_client()
    sign_in(client, "ana")
    _complete(app, "ana")
    response = client.post(
        f"/courses/{SLUG}/certificate", data={"recipient_name": "x" * 121, "confirmed": "1"}
    )
    assert response.status_code == 400
    assert "Use 120 characters or fewer." in response.get_data(as_text=True)


def test_a_second_claim_goes_to_the_same_certificate(app, make_user, course):
    make_user("ana")
    client = app.test_client()
    sign_in(client, "ana")
    code = _issue(app, "ana", name="Ana Pérez")
    for response in (
        client.get(f"/courses/{SLUG}/certificate"),
        client.post(
            f"/courses/{SLUG}/certificate", data={"recipient_name": "Other", "confirmed": "1"}
        ),
    ):
        assert response.status_code == 302
        assert response.location.endswith(f"/certificates/{code}")
    with app.app_context():
        certs = db.session.scalars(select(Certificate)).all()
        assert [c.recipient_name for c in certs] == ["Ana Pérez"]


# The certificate page and its PDF


@pytest.fixture
def owned(app, role_clients, course):
    """A certificate owned by learner-user, plus a second learner's client."""
    code = _issue(app, "learner-user")
    from course_app.accounts.services import create_user

    with app.app_context():
        create_user("other-learner", PASSWORD)
        db.session.commit()
    other = app.test_client()
    sign_in(other, "other-learner")
    return code, {**role_clients, "other": other}


@pytest.mark.parametrize(
    ("who", "status"),
    [("learner", 200), ("staff", 200), ("admin", 200), ("other", 404), ("librarian", 404)],
)
def test_who_can_see_a_certificate_page(owned, who, status):
    code, clients = owned
    assert clients[who].get(f"/certificates/{code}").status_code == status
    assert clients[who].get(f"/certificates/{code}.pdf").status_code == status


def test_an_unknown_certificate_page_is_404_like_someone_elses(owned):
    _, clients = owned
    assert clients["other"].get("/certificates/" + "A" * 32).status_code == 404
    assert clients["other"].get("/certificates/" + "A" * 32 + ".pdf").status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in_without_learning_if_it_exists(owned):
    code, clients = owned
    real = clients["anonymous"].get(f"/certificates/{code}")
    fake = clients["anonymous"].get("/certificates/" + "A" * 32)
    assert real.status_code == fake.status_code == 302
    assert "/account/sign-in" in real.location


def test_the_certificate_page_has_everything_to_print_and_check(owned):
    code, clients = owned
    html = clients["learner"].get(f"/certificates/{code}").get_data(as_text=True)
    assert "Zoë O&#39;Brien-Núñez" in html
    assert "First steps online" in html
    assert code in html
    assert f"http://localhost/verify/{code}" in html
    assert f"/certificates/{code}.pdf" in html
    assert "Open the PDF" in html and "Download the PDF" in html
    assert f"/certificates/{code}.pdf?download=1" in html
    assert "Print" in html
    assert '<svg role="img" aria-label="QR code' in html


def test_the_pdf_opens_in_the_browser_and_downloads_from_its_own_link(owned):
    code, clients = owned
    response = clients["learner"].get(f"/certificates/{code}.pdf")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'inline; filename="certificate-{SLUG}.pdf"'
    assert response.data.startswith(b"%PDF")
    saved = clients["learner"].get(f"/certificates/{code}.pdf?download=1")
    assert saved.headers["Content-Disposition"] == (
        f'attachment; filename="certificate-{SLUG}.pdf"'
    )


# Public verification


def test_verify_shows_name_course_date_and_valid_and_nothing_private(app, make_user, course):
    make_user("ana-username", display_name="Ana Display", email="ana@example.org")
    code = _issue(app, "ana-username", name="Zoë O'Brien-Núñez")
    response = app.test_client().get(f"/verify/{code}")
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex"
    html = response.get_data(as_text=True)
    assert "Zoë O&#39;Brien-Núñez" in html
    assert "First steps online" in html
    assert "Date issued" in html
    assert "Valid" in html and "Revoked" not in html
    assert "ana-username" not in html
    assert "Ana Display" not in html
    assert "ana@example.org" not in html


def test_verify_says_revoked_in_words_and_hides_the_reason(app, make_user, course):
    make_user("ana")
    code = _issue(app, "ana")
    with app.app_context():
        from course_app.certificates.services import find_certificate, revoke_certificate

        revoke_certificate(find_certificate(code), "Secret staff note")
        db.session.commit()
    html = app.test_client().get(f"/verify/{code}").get_data(as_text=True)
    assert "Revoked" in html
    assert "no longer valid" in html
    assert "Secret staff note" not in html


def test_verify_an_unknown_code_is_a_friendly_404(client, app):
    response = client.get("/verify/" + "B" * 32)
    assert response.status_code == 404
    assert response.headers["X-Robots-Tag"] == "noindex"
    html = response.get_data(as_text=True)
    assert "Certificate not found" in html
    assert "typed exactly" in html
    assert 'action="/verify"' in html


def test_verify_escapes_whatever_code_was_typed(client, app):
    response = client.get("/verify/<script>alert(1)</script>")
    assert response.status_code == 404
    assert "<script>alert" not in response.get_data(as_text=True)


def test_typing_a_code_goes_to_its_verify_page(client, app):
    response = client.get("/verify", query_string={"code": "  abc DEF_123-xyz  "})
    assert response.status_code == 302
    assert response.location.endswith("/verify/abcDEF_123-xyz")


def test_the_verify_form_page_explains_where_the_code_is(client, app):
    response = client.get("/verify")
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex"
    html = response.get_data(as_text=True)
    assert "Certificate code" in html
    assert "printed at the bottom of the certificate" in html
    assert client.get("/verify?code=").status_code == 400


# Staff: the list and revocation


@pytest.mark.parametrize(
    ("who", "status"), [("staff", 200), ("admin", 200), ("learner", 403), ("librarian", 403)]
)
def test_only_staff_and_admins_see_the_certificate_list(owned, who, status):
    _, clients = owned
    assert clients[who].get("/admin/certificates").status_code == status


def test_the_list_sends_signed_out_visitors_to_sign_in(owned):
    _, clients = owned
    response = clients["anonymous"].get("/admin/certificates")
    assert response.status_code == 302
    assert "/account/sign-in" in response.location


def test_staff_find_a_certificate_by_the_start_of_its_code(app, owned):
    code, clients = owned
    other_code = _issue(app, "other-learner", name="Someone Else")
    html = (
        clients["staff"]
        .get("/admin/certificates", query_string={"q": code[:8]})
        .get_data(as_text=True)
    )
    assert code in html
    assert other_code not in html
    assert "Revoke this certificate" in html
    listing = clients["staff"].get("/admin/certificates").get_data(as_text=True)
    assert code in listing and other_code in listing


@pytest.mark.parametrize("who", ["staff", "admin"])
def test_staff_and_admins_can_revoke_with_a_reason(app, owned, who):
    code, clients = owned
    response = clients[who].post(
        f"/admin/certificates/{code}/revoke", data={"reason": "Completed by someone else"}
    )
    assert response.status_code == 302
    cert = _certificate(app, code)
    assert cert.revoked_at is not None
    assert cert.revoked_reason == "Completed by someone else"
    follow = clients[who].get(response.location).get_data(as_text=True)
    assert "is revoked" in follow
    assert "Completed by someone else" in follow


@pytest.mark.parametrize(("who", "status"), [("learner", 403), ("librarian", 403), ("other", 403)])
def test_learners_and_librarians_cannot_revoke(app, owned, who, status):
    code, clients = owned
    response = clients[who].post(f"/admin/certificates/{code}/revoke", data={"reason": "x"})
    assert response.status_code == status
    assert _certificate(app, code).revoked_at is None


def test_signed_out_visitors_cannot_revoke(app, owned):
    code, clients = owned
    response = clients["anonymous"].post(f"/admin/certificates/{code}/revoke", data={"reason": "x"})
    assert response.status_code == 302
    assert "/account/sign-in" in response.location
    assert _certificate(app, code).revoked_at is None


def test_revoking_needs_a_reason(app, owned):
    code, clients = owned
    response = clients["staff"].post(f"/admin/certificates/{code}/revoke", data={"reason": "  "})
    assert response.status_code == 400
    assert "Say why the certificate is revoked." in response.get_data(as_text=True)
    assert _certificate(app, code).revoked_at is None


def test_revoking_an_unknown_code_is_404(owned):
    _, clients = owned
    response = clients["staff"].post(
        "/admin/certificates/" + "C" * 32 + "/revoke", data={"reason": "x"}
    )
    assert response.status_code == 404


def test_revoking_twice_says_it_is_already_revoked(app, owned):
    code, clients = owned
    clients["staff"].post(f"/admin/certificates/{code}/revoke", data={"reason": "First"})
    response = clients["staff"].post(
        f"/admin/certificates/{code}/revoke", data={"reason": "Second"}
    )
    assert response.status_code == 400
    assert _certificate(app, code).revoked_reason == "First"


def test_revoking_without_a_csrf_token_is_refused(app, csrf_app, make_user, course):
    make_user("ana")
    make_user("boss", role="staff")
    code = _issue(app, "ana")
    client = csrf_app.test_client()
    token = csrf_token_from(client.get("/account/sign-in").get_data(as_text=True))
    client.post(
        "/account/sign-in", data={"username": "boss", "password": PASSWORD, "csrf_token": token}
    )
    response = client.post(f"/admin/certificates/{code}/revoke", data={"reason": "No token"})
    assert response.status_code == 400
    assert _certificate(app, code).revoked_at is None
    page = client.get("/admin/certificates", query_string={"q": code}).get_data(as_text=True)
    token = csrf_token_from(page)
    response = client.post(
        f"/admin/certificates/{code}/revoke", data={"reason": "With token", "csrf_token": token}
    )
    assert response.status_code == 302
    assert _certificate(app, code).revoked_reason == "With token"


def test_a_code_typed_from_paper_in_small_letters_with_spaces_verifies(owned, client):
    code, _clients = owned
    typed = code.lower().replace("-", " ")
    found = client.get("/verify", query_string={"code": typed}, follow_redirects=True)
    assert found.status_code == 200
    assert "First steps online" in found.get_data(as_text=True)
