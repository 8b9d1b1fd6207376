"""Platforms are registered by an administrator, on the web page or with `flask lti
register`; bad input is refused with a clear message and changes nothing. A launched
session over HTTPS keeps its cookies inside the platform's frame."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from course_app.extensions import db
from course_app.key_folders import generate_key
from course_app.lti.models import LtiRegistration
from tests.conftest import csrf_token_from, sign_in
from tests.factories import make_course, make_library_tree

FORM = {
    "name": "Eastside Moodle",
    "issuer": "https://moodle.eastside.example",
    "client_id": "abc123",
    "deployment_ids": "1\n2\n",
    "auth_login_url": "https://moodle.eastside.example/mod/lti/auth.php",
    "auth_token_url": "https://moodle.eastside.example/mod/lti/token.php",
    "key_set_url": "https://moodle.eastside.example/mod/lti/certs.php",
    "frame_origins": "",
}


@pytest.fixture
def libraries(app):
    with app.app_context():
        ids = make_library_tree()
        db.session.commit()
        return ids


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(LtiRegistration.id)))


def test_an_admin_registers_a_platform_through_the_page(csrf_app, make_user, libraries):
    make_user("admin1", "admin")
    client = csrf_app.test_client()
    sign_in(client, "admin1")
    page = client.get("/admin/lti").get_data(as_text=True)
    assert "http://localhost/lti/login" in page and "http://localhost/lti/jwks.json" in page
    data = {**FORM, "organisation_id": str(libraries["north-a"]),
            "csrf_token": csrf_token_from(page)}  # fmt: skip
    response = client.post("/admin/lti", data=data)
    assert response.status_code == 302
    listed = client.get("/admin/lti").get_data(as_text=True)
    assert "Eastside Moodle" in listed and "1, 2" in listed
    # The same issuer and client again is refused, naming the field.
    again = client.post("/admin/lti", data={**data, "csrf_token": csrf_token_from(listed)})
    assert again.status_code == 400
    assert "registered already" in again.get_data(as_text=True)
    assert _count(csrf_app) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"auth_token_url": "http://moodle.eastside.example/token"}, "must start with https://"),
        ({"key_set_url": "certs.php"}, "full address"),
        ({"deployment_ids": "  \n "}, "deployment"),
        ({"client_id": ""}, "This field is required"),
    ],
)
def test_bad_registrations_are_refused_and_change_nothing(
    app, make_user, libraries, change, message
):
    make_user("admin1", "admin")
    client = app.test_client()
    sign_in(client, "admin1")
    data = {**FORM, "organisation_id": str(libraries["north-a"]), **change}
    response = client.post("/admin/lti", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count(app) == 0


def test_the_network_itself_is_not_a_library_to_register_for(app, make_user, libraries):
    make_user("admin1", "admin")
    client = app.test_client()
    sign_in(client, "admin1")
    with app.app_context():
        from course_app.libraries.models import Organisation

        network = db.session.scalar(select(Organisation.id).where(Organisation.kind == "network"))
    response = client.post("/admin/lti", data={**FORM, "organisation_id": str(network)})
    assert response.status_code == 400 and _count(app) == 0


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=["lti", *args])


CLI = [
    "register", "--name", "Northside Canvas", "--issuer", "https://canvas.instructure.com",
    "--client-id", "10000000000001", "--deployment", "7:abc", "--auth-login-url",
    "https://sso.canvaslms.com/api/lti/authorize_redirect", "--auth-token-url",
    "https://sso.canvaslms.com/login/oauth2/token", "--key-set-url",
    "https://sso.canvaslms.com/api/lti/security/jwks", "--frame-origin",
    "https://northside.instructure.com",
]  # fmt: skip


def test_the_register_command(app, libraries):
    result = _cli(app, *CLI, "--library", "north-a")
    assert result.exit_code == 0, result.output
    assert "Registered Northside Canvas" in result.output
    assert "Northside Canvas" in _cli(app, "list").output
    with app.app_context():
        row = db.session.scalar(select(LtiRegistration))
        assert row.frame_origins == "https://northside.instructure.com"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--library", "no-such-library"], "No library has the code"),
        (["--library", "north-a", "--issuer", "http://canvas.example"], "https://"),
    ],
)
def test_the_register_command_refuses_bad_input(app, libraries, args, message):
    result = _cli(app, *CLI, *args)
    assert result.exit_code != 0 and message in result.output
    assert _count(app) == 0


def test_keygen_makes_a_published_rsa_key(app, tmp_path, monkeypatch, client):
    monkeypatch.setitem(app.config, "LTI_KEYS_DIR", str(tmp_path / "keys"))
    assert _cli(app, "keygen").exit_code == 0
    [key] = client.get("/lti/jwks.json").get_json()["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and "d" not in key


def test_over_https_the_launched_session_cookie_crosses_the_frame(app, tmp_path, monkeypatch):
    """Inside a platform's frame only SameSite=None cookies come back: the state cookie (on
    /lti/ only) and the launched session's cookie are SameSite=None; Secure over HTTPS."""
    from tests.lti.platform_stub import CLAIM, Platform
    from tests.lti.test_tool import register_stub

    monkeypatch.setitem(app.config, "LTI_KEYS_DIR", str(tmp_path / "keys"))
    generate_key(tmp_path / "keys", "RS256")
    platform = Platform()
    try:
        with app.app_context():
            make_course("framed-course", modules=1, lessons_per_module=1, with_quiz=False)
            register_stub(platform)
        client = app.test_client()
        login = client.post(
            "/lti/login",
            base_url="https://localhost",
            data={"iss": platform.issuer, "login_hint": "h", "client_id": platform.client_id,
                  "target_link_uri": "https://localhost/lti/launch"},
        )  # fmt: skip
        state_cookie = login.headers["Set-Cookie"]
        assert "Path=/lti/" in state_cookie and "SameSite=None" in state_cookie
        assert "Secure" in state_cookie and "Partitioned" in state_cookie
        params = {k: v[0] for k, v in parse_qs(urlsplit(login.headers["Location"]).query).items()}
        token = platform.id_token(
            params["nonce"], changes={CLAIM + "custom": {"course": "framed-course"}}
        )
        launch = client.post(
            "/lti/launch",
            base_url="https://localhost",
            data={"id_token": token, "state": params["state"]},
        )
        assert launch.status_code == 302
        session_cookie = next(
            c for c in launch.headers.getlist("Set-Cookie") if c.startswith("session=")
        )
        assert "SameSite=None" in session_cookie and "Secure" in session_cookie
        assert "Partitioned" in session_cookie
    finally:
        platform.stop()
    # A session that no platform launched keeps SameSite=Lax.
    plain = app.test_client().get("/resume", base_url="https://localhost")
    for cookie in plain.headers.getlist("Set-Cookie"):
        assert "SameSite=None" not in cookie
