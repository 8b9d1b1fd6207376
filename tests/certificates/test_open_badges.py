"""Open Badges 2.0 hosted documents over HTTP, checked against the 2.0 specification's
required properties (https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime

import pytest
from sqlalchemy import select

from course_app.certificates.badge_image import bake_svg, draw_badge_svg
from course_app.certificates.models import Certificate, CertificateBadge
from course_app.certificates.services import revoke_certificate
from course_app.extensions import db
from tests.certificates.builders import build_course, certificate_for, course_by_slug

SLUG = "first-steps-online"
CONTEXT = "https://w3id.org/openbadges/v2"
# The 2.0 specification's required properties of each document we host.
ASSERTION_REQUIRED = {"id", "type", "recipient", "badge", "verification", "issuedOn"}
IDENTITY_REQUIRED = {"type", "identity", "hashed"}
BADGECLASS_REQUIRED = {"id", "type", "name", "description", "image", "criteria", "issuer"}
ISSUER_REQUIRED = {"id", "type", "name", "url", "email"}
ALIGNMENT_REQUIRED = {"targetName", "targetUrl"}


@pytest.fixture
def code(app, make_user):
    make_user("holder", "learner", email="Holder@Example.org")
    with app.app_context():
        build_course(slug=SLUG, title="First steps online")
        cert = certificate_for("holder", course_by_slug(SLUG))
        db.session.commit()
        return cert.code


def _json_ld(response) -> dict:
    assert response.mimetype == "application/ld+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.get_data(as_text=True))


def _path(url: str) -> str:
    assert url.startswith("http://localhost/"), url
    return url.removeprefix("http://localhost")


def test_assertion_has_every_required_property_and_hides_the_holder(client, code, app):
    doc = _json_ld(client.get(f"/badges/assertions/{code}"))
    assert doc.keys() >= ASSERTION_REQUIRED
    assert doc["@context"] == CONTEXT and doc["type"] == "Assertion"
    assert doc["id"] == f"http://localhost/badges/assertions/{code}"
    assert doc["verification"] == {"type": "hosted"}
    datetime.fromisoformat(doc["issuedOn"].replace("Z", "+00:00"))
    recipient = doc["recipient"]
    assert recipient.keys() >= IDENTITY_REQUIRED
    assert recipient["type"] == "email" and recipient["hashed"] is True
    expected = hashlib.sha256(("holder@example.org" + recipient["salt"]).encode()).hexdigest()
    assert recipient["identity"] == "sha256$" + expected
    body = json.dumps(doc).lower()
    assert "holder@example.org" not in body and '"holder"' not in body
    assert doc["evidence"][0]["id"] == f"http://localhost/courses/{SLUG}"
    # The salt is kept: the hash is the same on every fetch.
    assert _json_ld(client.get(f"/badges/assertions/{code}"))["recipient"] == recipient


def test_a_holder_without_email_is_identified_by_a_hashed_check_address(client, app, make_user):
    make_user("noemail", "learner")
    with app.app_context():
        build_course(slug=SLUG)
        cert = certificate_for("noemail", course_by_slug(SLUG))
        db.session.commit()
        code = cert.code
    recipient = _json_ld(client.get(f"/badges/assertions/{code}"))["recipient"]
    url = f"http://localhost/verify/{code}"
    assert recipient["type"] == "url"
    assert (
        recipient["identity"]
        == "sha256$" + hashlib.sha256((url + recipient["salt"]).encode()).hexdigest()
    )


def test_badge_class_and_issuer_have_the_required_properties(client, code):
    assertion = _json_ld(client.get(f"/badges/assertions/{code}"))
    badge = _json_ld(client.get(_path(assertion["badge"])))
    assert badge.keys() >= BADGECLASS_REQUIRED
    assert badge["@context"] == CONTEXT and badge["type"] == "BadgeClass"
    assert badge["id"] == assertion["badge"]
    assert badge["name"] == "First steps online"
    assert badge["criteria"]["narrative"] and badge["criteria"]["id"].endswith(f"/courses/{SLUG}")
    assert badge["alignment"][0].keys() >= ALIGNMENT_REQUIRED
    assert badge["alignment"][0]["targetName"] == "Health literacy"
    issuer = _json_ld(client.get(_path(badge["issuer"])))
    assert issuer.keys() >= ISSUER_REQUIRED
    assert issuer["type"] == "Issuer" and issuer["id"] == badge["issuer"]
    image = client.get(_path(badge["image"]))
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    assert "First steps" in image.get_data(as_text=True)


def test_the_baked_badge_carries_the_assertion(client, code):
    response = client.get(f"/badges/assertions/{code}/badge.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert "attachment" in response.headers["Content-Disposition"]
    svg = response.get_data(as_text=True)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'xmlns:openbadges="http://openbadges.org"' in svg.split(">", 1)[0]
    match = re.search(
        r'<openbadges:assertion verify="([^"]+)"><!\[CDATA\[(.*?)\]\]></openbadges:assertion>', svg
    )
    assert match, svg[:300]
    assert match.group(1) == f"http://localhost/badges/assertions/{code}"
    baked = json.loads(match.group(2))
    assert baked == _json_ld(client.get(f"/badges/assertions/{code}"))


def test_a_revoked_certificate_answers_410_without_the_staff_reason(client, code, app):
    with app.app_context():
        cert = db.session.scalar(select(Certificate).where(Certificate.code == code))
        revoke_certificate(cert, "Entered by mistake for Pat Jones")
        db.session.commit()
    response = client.get(f"/badges/assertions/{code}")
    assert response.status_code == 410
    doc = _json_ld(response)
    assert doc["id"] == f"http://localhost/badges/assertions/{code}"
    assert doc["revoked"] is True and doc["revocationReason"]
    assert "Pat Jones" not in response.get_data(as_text=True)
    assert client.get(f"/badges/assertions/{code}/badge.svg").status_code == 410


@pytest.mark.parametrize(
    "url",
    [
        "/badges/assertions/madeUpCertificateCode00000000000",
        "/badges/assertions/short",
        "/badges/assertions/madeUpCertificateCode00000000000/badge.svg",
        "/badges/classes/no-such-course",
        "/badges/classes/no-such-course/image.svg",
    ],
)
def test_unknown_codes_and_courses_are_404(client, code, url):
    assert client.get(url).status_code == 404


def test_issuing_a_certificate_records_its_badge_salt(app, code):
    with app.app_context():
        cert = db.session.scalar(select(Certificate).where(Certificate.code == code))
        badge = db.session.get(CertificateBadge, cert.id)
        assert badge is not None and re.fullmatch(r"[0-9a-f]{32}", badge.salt)


def test_badge_image_escapes_the_title_and_cdata_cannot_be_broken():
    svg = draw_badge_svg('Scams & "tricks" <online>', "digital literacy", "Library")
    assert "&amp;" in svg and "<online>" not in svg
    baked = bake_svg(svg, "https://x/a", {"name": "evil ]]> end"})
    inner = re.search(r"<!\[CDATA\[(.*)\]\]></openbadges:assertion>", baked).group(1)
    assert "]]>" not in inner and json.loads(inner) == {"name": "evil ]]> end"}


def test_a_reissued_certificate_s_old_assertion_answers_410_replaced(client, code, app, make_user):
    from course_app.certificates.services import reissue_certificate
    from tests.factories import make_user as build_user

    with app.app_context():
        staff = build_user("badge-staff", "staff")
        cert = db.session.scalar(select(Certificate).where(Certificate.code == code))
        new_code = reissue_certificate(staff, cert, "Corrected Name")
        db.session.commit()
    old = client.get(f"/badges/assertions/{code}")
    assert old.status_code == 410
    doc = _json_ld(old)
    assert doc["revoked"] is True and "Replaced" in doc["revocationReason"]
    assert doc["id"] == f"http://localhost/badges/assertions/{code}"
    assert client.get(f"/badges/assertions/{new_code}").status_code == 200


def test_an_erased_holder_s_badges_are_withdrawn(client, code, app):
    from course_app.accounts.erasure import erase_patron
    from course_app.accounts.models import User

    with app.app_context():
        erase_patron(db.session.scalar(select(User).where(User.username == "holder")), None)
        db.session.commit()
    response = client.get(f"/badges/assertions/{code}")
    assert response.status_code == 410
    assert _json_ld(response)["revocationReason"] == "Withdrawn at the holder's request."
    assert client.get(f"/badges/assertions/{code}/badge.svg").status_code == 410
