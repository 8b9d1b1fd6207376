"""A patron finishes a course, downloads the Open Badges 2.0 baked badge and the 3.0
credential from the certificate page, and both verify from outside the app: the 2.0
assertion fetched from the URL baked into the picture, the 3.0 signature against the JWKS
fetched over HTTP. Staff revoke the certificate; the assertion answers 410 and the signed
status list shows the credential revoked."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

from jwcrypto import jwk, jwt

from course_app.certificates.credentials import is_revoked_in
from course_app.extensions import db
from course_app.key_folders import generate_key, key_ids
from tests.browser.conftest import checked, go, sign_in_as
from tests.certificates.builders import build_course

SLUG = "wallet-course"


def _fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our live server
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def _verify(token: str, base: str) -> dict:
    status, body = _fetch(f"{base}/.well-known/jwks.json")
    assert status == 200
    checked_token = jwt.JWT(
        jwt=token, key=jwk.JWKSet.from_json(body), algs=["EdDSA"], check_claims={}
    )
    return json.loads(checked_token.claims)


def _click_to(page, locator):
    with page.expect_navigation():
        locator.click()
    return checked(page)


def _download(page, name) -> str:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    return Path(info.value.path()).read_text(encoding="utf-8")


def test_patron_downloads_both_badges_they_verify_and_revocation_shows(
    page, app, live_server, make_user
):
    folder = Path(app.config["BADGE_KEYS_DIR"])  # the live server's setting too (TestConfig)
    if not key_ids(folder):
        generate_key(folder)
    make_user("wallet.patron", "learner", email="wallet@example.org")
    make_user("wallet.staff", "staff")
    with app.app_context():
        build_course(slug=SLUG, title="Using a digital wallet", lesson_count=2)
        db.session.commit()

    # The patron finishes the course and claims the certificate.
    sign_in_as(page, "wallet.patron")
    go(page, f"/courses/{SLUG}/lessons/m1-l1")
    _click_to(page, page.get_by_role("button", name=re.compile("^Done")))
    go(page, f"/courses/{SLUG}/lessons/m1-l2")
    _click_to(page, page.get_by_role("button", name=re.compile("^Done")))
    go(page, f"/courses/{SLUG}/certificate")
    page.get_by_label("Your full name, as it should be printed").fill("Wallet Patron")
    _click_to(page, page.get_by_role("button", name="Check my name"))
    _click_to(page, page.get_by_role("button", name="Yes, get my certificate"))
    code = re.search(r"/certificates/([A-Z0-9-]{34})$", page.url).group(1)
    assert page.get_by_role("heading", name="Add to your wallet or backpack").is_visible()

    # Both downloads.
    svg = _download(page, "Download the badge picture (Open Badges 2.0)")
    token = _download(page, "Download the digital credential (Open Badges 3.0)").strip()

    # 2.0: the baked assertion names its hosted copy, which answers with the same document.
    baked = re.search(r'<openbadges:assertion verify="([^"]+)"><!\[CDATA\[(.*?)\]\]>', svg, re.S)
    assert baked, svg[:200]
    status, body = _fetch(baked.group(1))
    assert status == 200 and json.loads(body) == json.loads(baked.group(2))
    assert json.loads(body)["verification"] == {"type": "hosted"}
    badge_status, _ = _fetch(json.loads(body)["badge"])
    assert badge_status == 200

    # 3.0: the signature holds against the published keys; the status list says valid.
    credential = _verify(token, live_server)
    assert credential["credentialSubject"]["achievement"]["name"] == "Using a digital wallet"
    index = int(credential["credentialStatus"]["statusListIndex"])
    list_url = credential["credentialStatus"]["statusListCredential"]

    def revoked_on_list() -> bool:
        status, body = _fetch(list_url)
        assert status == 200
        encoded = _verify(body.strip(), live_server)["credentialSubject"]["encodedList"]
        return is_revoked_in(encoded, index)

    assert revoked_on_list() is False

    # The public check page shows the badge.
    go(page, f"/verify/{code}")
    assert page.locator("img.badge-image").is_visible()

    # Staff revoke it through the admin page.
    page.context.clear_cookies()
    sign_in_as(page, "wallet.staff")
    go(page, f"/admin/certificates?q={code}")
    page.get_by_label("Reason").fill("Issued to the wrong account")
    _click_to(page, page.get_by_role("button", name="Revoke certificate"))
    assert "is revoked" in page.content()

    status, body = _fetch(baked.group(1))
    assert status == 410
    gone = json.loads(body)
    assert gone["revoked"] is True and gone["id"] == baked.group(1)
    assert "wrong account" not in body
    assert revoked_on_list() is True
