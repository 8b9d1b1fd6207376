"""Open Badges 3.0 credentials: signed VC-JWTs checked the way a wallet would, by another
code path than the signer's (jwcrypto verifying against the JWKS fetched over HTTP), the
revocation status list, and the key commands."""

from __future__ import annotations

import base64
import json
import os
import stat

import pytest
from jwcrypto import jwk, jwt
from jwcrypto.common import JWException
from sqlalchemy import select

from course_app.certificates.credentials import encode_status_list, is_revoked_in
from course_app.certificates.models import Certificate
from course_app.certificates.services import revoke_certificate
from course_app.extensions import db
from tests.certificates.builders import build_course, certificate_for, course_by_slug
from tests.conftest import sign_in

SLUG = "first-steps-online"


@pytest.fixture
def keys(app, tmp_path, monkeypatch):
    folder = tmp_path / "badge-keys"
    monkeypatch.setitem(app.config, "BADGE_KEYS_DIR", str(folder))
    result = app.test_cli_runner().invoke(args=["badges", "keygen"])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def holder(app, make_user, keys):
    """A signed-in client whose user holds a certificate; returns (client, code)."""
    make_user("holder", "learner", email="holder@example.org")
    with app.app_context():
        build_course(slug=SLUG, title="First steps online")
        code = certificate_for("holder", course_by_slug(SLUG)).code
        db.session.commit()
    client = app.test_client()
    assert sign_in(client, "holder").status_code == 302
    return client, code


def _published_keys(client) -> jwk.JWKSet:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    return jwk.JWKSet.from_json(response.get_data(as_text=True))


def _verified_claims(token: str, keys: jwk.JWKSet) -> dict:
    checked = jwt.JWT(jwt=token, key=keys, algs=["EdDSA"], check_claims={})
    return json.loads(checked.claims)


def _credential(client, code: str) -> str:
    response = client.get(f"/certificates/{code}/credential.jwt")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/vc+jwt"
    assert "attachment" in response.headers["Content-Disposition"]
    return response.get_data(as_text=True)


def test_the_credential_verifies_against_the_published_keys(holder):
    client, code = holder
    token = _credential(client, code)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "EdDSA" and header["typ"] == "vc+jwt"
    vc = _verified_claims(token, _published_keys(client))
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert vc["iss"] == vc["issuer"]["id"] == "http://localhost/badges/issuer"
    assert vc["validFrom"].endswith("Z") and vc["nbf"] > 0
    subject = vc["credentialSubject"]
    assert subject["identifier"][0]["hashed"] is True
    assert "holder@example.org" not in json.dumps(vc)
    achievement = subject["achievement"]
    assert achievement["name"] == "First steps online"
    assert achievement["criteria"]["narrative"]
    assert achievement["alignment"][0]["targetName"] == "Health literacy"
    status = vc["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListCredential"] == "http://localhost/badges/status/revocation"


@pytest.mark.parametrize("part", [0, 1, 2])
def test_changing_one_byte_anywhere_fails_verification(holder, part):
    client, code = holder
    token = _credential(client, code)
    pieces = token.split(".")
    middle = len(pieces[part]) // 2
    flipped = "A" if pieces[part][middle] != "A" else "B"
    pieces[part] = pieces[part][:middle] + flipped + pieces[part][middle + 1 :]
    with pytest.raises((JWException, ValueError)):
        _verified_claims(".".join(pieces), _published_keys(client))


def test_revoking_shows_on_the_signed_status_list(app, holder):
    client, code = holder
    vc = _verified_claims(_credential(client, code), _published_keys(client))
    index = int(vc["credentialStatus"]["statusListIndex"])

    def revoked_now() -> bool:
        response = client.get("/badges/status/revocation")
        assert response.status_code == 200
        status_list = _verified_claims(response.get_data(as_text=True), _published_keys(client))
        assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        return is_revoked_in(status_list["credentialSubject"]["encodedList"], index)

    assert revoked_now() is False
    with app.app_context():
        cert = db.session.scalar(select(Certificate).where(Certificate.code == code))
        revoke_certificate(cert, "test")
        db.session.commit()
    assert revoked_now() is True
    assert client.get(f"/certificates/{code}/credential.jwt").status_code == 410


def test_rotation_signs_with_the_new_key_and_keeps_the_old_one_published(app, holder, keys):
    client, code = holder
    old_token = _credential(client, code)
    result = app.test_cli_runner().invoke(args=["badges", "keygen"])
    assert result.exit_code == 0 and "Older keys still published" in result.output
    published = _published_keys(client)
    assert len(published["keys"]) == 2
    new_token = _credential(client, code)
    kid = lambda token: json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))["kid"]  # noqa: E731
    assert kid(old_token) != kid(new_token)
    _verified_claims(old_token, published)
    _verified_claims(new_token, published)


def test_keys_are_private_files_and_never_published_whole(app, keys, client):
    files = list(keys.glob("*.jwk"))
    assert len(files) == 1
    assert stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600
    assert '"d"' in files[0].read_text()
    assert '"d"' not in client.get("/.well-known/jwks.json").get_data(as_text=True)


def test_without_a_key_the_download_says_unavailable(app, make_user, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "BADGE_KEYS_DIR", str(tmp_path / "empty"))
    make_user("holder", "learner")
    with app.app_context():
        build_course(slug=SLUG)
        code = certificate_for("holder", course_by_slug(SLUG)).code
        db.session.commit()
    client = app.test_client()
    sign_in(client, "holder")
    assert client.get(f"/certificates/{code}/credential.jwt").status_code == 503
    assert client.get("/badges/status/revocation").status_code == 503
    assert json.loads(client.get("/.well-known/jwks.json").get_data()) == {"keys": []}


def test_keygen_refuses_a_file_where_the_folder_should_be(app, tmp_path):
    target = tmp_path / "not-a-folder"
    target.write_text("x")
    result = app.test_cli_runner().invoke(args=["badges", "keygen", "--dir", str(target)])
    assert result.exit_code != 0 and "is a file, not a folder" in result.output
    assert target.read_text() == "x"


def test_keys_command_lists_keys_or_says_there_are_none(app, keys, tmp_path):
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["badges", "keys"])
    assert listed.exit_code == 0 and "(signs)" in listed.output
    empty = runner.invoke(args=["badges", "keys", "--dir", str(tmp_path / "none")])
    assert empty.exit_code != 0 and "No keys" in empty.output


def test_status_list_encoding_sets_exactly_the_revoked_bits():
    encoded = encode_status_list([0, 9, 200_000])
    assert encoded.startswith("u")
    assert [is_revoked_in(encoded, i) for i in (0, 1, 8, 9, 10, 200_000)] == [
        True,
        False,
        False,
        True,
        False,
        True,
    ]
    assert not is_revoked_in(encode_status_list([]), 5)


def test_the_certificate_page_offers_both_downloads_in_english_and_spanish(holder):
    client, code = holder
    page = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert "Add to your wallet or backpack" in page
    assert f'href="/badges/assertions/{code}/badge.svg"' in page
    assert f'href="/certificates/{code}/credential.jwt"' in page
    assert "never your username" in page
    client.post("/account/language", data={"language": "es", "next": "/"})
    page = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert "Agregar a su billetera o mochila digital" in page
    assert "nunca su nombre de usuario" in page


def test_the_check_page_shows_the_badge(holder):
    client, code = holder
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert f'src="/badges/classes/{SLUG}/image.svg"' in page
    assert f'href="/badges/assertions/{code}"' in page


def test_an_erased_holder_s_credential_shows_revoked_on_the_status_list(app, holder):
    from course_app.accounts.erasure import erase_patron
    from course_app.accounts.models import User

    client, code = holder
    vc = _verified_claims(_credential(client, code), _published_keys(client))
    index = int(vc["credentialStatus"]["statusListIndex"])
    with app.app_context():
        erase_patron(db.session.scalar(select(User).where(User.username == "holder")), None)
        db.session.commit()
    status_list = _verified_claims(
        app.test_client().get("/badges/status/revocation").get_data(as_text=True),
        _published_keys(client),
    )
    assert is_revoked_in(status_list["credentialSubject"]["encodedList"], index)
