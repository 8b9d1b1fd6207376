"""The LTI 1.3 tool end to end against a simulated platform (its own RSA key and JWKS served
over HTTP): login, launch, deep linking and a grade posted on completion; tampered tokens,
wrong audiences, replayed nonces and unknown deployments are refused."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from jwcrypto import jwk, jwt
from sqlalchemy import func, select

from course_app.accounts.models import Role, User
from course_app.extensions import db
from course_app.key_folders import generate_key
from course_app.libraries.models import Organisation
from course_app.lti.models import LtiIdentity
from course_app.lti.services import RegistrationData, register_platform
from tests.factories import make_course, make_library_tree
from tests.lti.platform_stub import AGS, CLAIM, INSTRUCTOR, Platform

SLUG = "lti-course"


@pytest.fixture
def platform(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "LTI_KEYS_DIR", str(tmp_path / "lti-keys"))
    generate_key(tmp_path / "lti-keys", "RS256")
    stub = Platform()
    with app.app_context():
        make_course(SLUG, modules=2, lessons_per_module=1, with_quiz=False, title="Safe online")
        stub.library_id = register_stub(stub)
    yield stub
    stub.stop()


def register_stub(stub: Platform) -> int:
    """Registers the simulated platform for a library (made here); returns the library's id."""
    libraries = make_library_tree()
    register_platform(
        None,
        RegistrationData(
            name="Eastside Moodle",
            issuer=stub.issuer,
            client_id=stub.client_id,
            deployment_ids=[stub.deployment_id],
            organisation=db.session.get(Organisation, libraries["north-a"]),
            instructors_become_librarians=True,
            **stub.urls,
        ),
        allow_http=True,
    )
    db.session.commit()
    return libraries["north-a"]


def login(client, platform, **extra) -> dict:
    """The platform's login initiation; returns the auth request's parameters."""
    response = client.post(
        "/lti/login",
        data={
            "iss": platform.issuer,
            "login_hint": "hint-1",
            "target_link_uri": "http://localhost/lti/launch",
            "client_id": platform.client_id,
            "lti_deployment_id": platform.deployment_id,
            "lti_message_hint": "message-hint-1",
            **extra,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    location = urlsplit(response.headers["Location"])
    assert (
        f"{location.scheme}://{location.netloc}{location.path}" == platform.urls["auth_login_url"]
    )
    params = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert params["redirect_uri"] == "http://localhost/lti/launch"
    assert params["response_type"] == "id_token" and params["scope"] == "openid"
    return params


def launch(client, platform, changes=None, message="LtiResourceLinkRequest"):
    params = login(client, platform)
    token = platform.id_token(params["nonce"], message=message, changes=changes)
    return client.post("/lti/launch", data={"id_token": token, "state": params["state"]}), token


def _users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def test_a_launch_signs_in_a_learner_of_the_library_keyed_by_issuer_and_subject(
    app, client, platform
):
    response, _token = launch(client, platform, {CLAIM + "custom": {"course": SLUG}})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == f"/courses/{SLUG}"
    page = client.get(f"/courses/{SLUG}")
    assert page.status_code == 200 and "Sign out" in page.get_data(as_text=True)
    # Framed by the registered platform only; no email was needed.
    policy = page.headers["Content-Security-Policy"]
    assert f"frame-ancestors {platform.base}" in policy and "X-Frame-Options" not in page.headers
    with app.app_context():
        identity = db.session.scalar(select(LtiIdentity))
        user = db.session.get(User, identity.user_id)
        assert (identity.issuer, identity.subject) == (platform.issuer, "learner-subject-1")
        assert user.role == Role.LEARNER.value and user.email is None
        assert user.organisation_id == platform.library_id
    # The same person again is the same user; a module placement opens its first lesson.
    again = app.test_client()
    response, _ = launch(again, platform, {CLAIM + "custom": {"course": SLUG, "module": "m2"}})
    assert urlsplit(response.headers["Location"]).path == f"/courses/{SLUG}/lessons/m2-l1"
    assert _users(app) == 1


def test_pages_outside_a_launch_still_refuse_every_frame(client, platform):
    page = client.get("/")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_instructors_become_librarians_where_the_registration_allows(app, client, platform):
    launch(client, platform, {"sub": "teacher-1", CLAIM + "roles": [INSTRUCTOR]})
    with app.app_context():
        user = db.session.scalar(select(User).join(LtiIdentity, LtiIdentity.user_id == User.id))
        assert user.role == Role.LIBRARIAN.value
        assert user.organisation_id == platform.library_id


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    middle = len(payload) // 2
    payload = payload[:middle] + ("A" if payload[middle] != "A" else "B") + payload[middle + 1 :]
    return ".".join([header, payload, signature])


def test_a_tampered_token_is_refused(app, client, platform):
    params = login(client, platform)
    token = _tampered(platform.id_token(params["nonce"]))
    response = client.post("/lti/launch", data={"id_token": token, "state": params["state"]})
    assert response.status_code == 403
    assert _users(app) == 0


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"aud": "someone-else"}, "wrong audience"),
        ({CLAIM + "deployment_id": "deployment-unknown"}, "unknown deployment"),
        ({"iss": "https://other-platform.example"}, "unknown issuer"),
        ({"nonce": "made-up-nonce"}, "nonce never issued"),
    ],
)
def test_launches_that_do_not_match_the_registration_are_refused(
    app, client, platform, changes, why
):
    response, _ = launch(client, platform, changes)
    assert response.status_code == 403, why
    assert _users(app) == 0


def test_a_replayed_launch_is_refused(app, client, platform):
    params = login(client, platform)
    token = platform.id_token(params["nonce"], changes={CLAIM + "custom": {"course": SLUG}})
    first = client.post("/lti/launch", data={"id_token": token, "state": params["state"]})
    assert first.status_code == 302
    replay = app.test_client()
    replay.set_cookie(f"lti1p3-{params['state']}", params["state"], path="/lti/")
    second = replay.post("/lti/launch", data={"id_token": token, "state": params["state"]})
    assert second.status_code == 403


def test_a_login_from_an_unregistered_platform_is_refused(client, platform):
    response = client.post(
        "/lti/login",
        data={"iss": "https://unknown.example", "login_hint": "x", "client_id": "nobody",
              "target_link_uri": "http://localhost/lti/launch"},
    )  # fmt: skip
    assert response.status_code == 400


def _tool_keys(client) -> jwk.JWKSet:
    response = client.get("/lti/jwks.json")
    assert response.status_code == 200
    return jwk.JWKSet.from_json(response.get_data(as_text=True))


def test_deep_linking_returns_the_chosen_module_signed_by_the_tool(client, platform):
    response, _ = launch(
        client,
        platform,
        {"sub": "teacher-1", CLAIM + "roles": [INSTRUCTOR]},
        "LtiDeepLinkingRequest",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/lti/deep-link")
    page = client.get("/lti/deep-link")
    assert page.status_code == 200
    assert "Whole course: Safe online" in page.get_data(as_text=True)
    assert client.post("/lti/deep-link", data={"choice": "no-such"}).status_code == 400
    chosen = client.post("/lti/deep-link", data={"choice": f"{SLUG}/m2"})
    assert chosen.status_code == 200
    html = chosen.get_data(as_text=True)
    assert f'action="{platform.base}/deep-link-return"' in html
    assert f"form-action 'self' {platform.base}" in chosen.headers["Content-Security-Policy"]
    token = html.split('name="JWT" value="', 1)[1].split('"', 1)[0]
    checked = jwt.JWT(jwt=token, key=_tool_keys(client), algs=["RS256"], check_claims={})
    claims = json.loads(checked.claims)
    assert claims["iss"] == platform.client_id and claims["aud"] == [platform.issuer]
    assert claims[CLAIM + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[CLAIM + "deployment_id"] == platform.deployment_id
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "platform-data-1"
    [item] = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["type"] == "ltiResourceLink" and item["url"] == "http://localhost/lti/launch"
    assert item["custom"] == {"course": SLUG, "module": "m2"}
    assert item["lineItem"]["scoreMaximum"] == 1
    # The choice is made once: the launch is used up.
    assert client.get("/lti/deep-link").status_code == 404


def test_learners_cannot_use_deep_linking(client, platform):
    response, _ = launch(client, platform, message="LtiDeepLinkingRequest")
    assert response.status_code == 403


def test_completion_posts_a_full_score_to_the_platform_gradebook(app, client, platform):
    response, _ = launch(
        client, platform, {CLAIM + "custom": {"course": SLUG}, AGS: platform.ags()}
    )
    assert response.status_code == 302
    for key in ("m1-l1", "m2-l1"):
        assert client.post(f"/courses/{SLUG}/lessons/{key}/complete").status_code == 302
    [score] = platform.scores
    assert score["userId"] == "learner-subject-1"
    assert score["scoreGiven"] == 1 and score["scoreMaximum"] == 1
    assert score["activityProgress"] == "Completed" and score["gradingProgress"] == "FullyGraded"
    assert platform.score_auth == ["Bearer platform-access-token"]
    # The tool asked for the token with a client assertion signed by its published key.
    [asked] = platform.token_requests
    assert asked["grant_type"] == "client_credentials"
    assertion = jwt.JWT(
        jwt=asked["client_assertion"], key=_tool_keys(client), algs=["RS256"], check_claims={}
    )
    assert json.loads(assertion.claims)["sub"] == platform.client_id
    # Completing again changes nothing: one score.
    client.post(f"/courses/{SLUG}/lessons/m1-l1/complete")
    assert len(platform.scores) == 1


def test_erasing_a_launched_patron_leaves_nothing_of_the_platform_link(app, client, platform):
    from course_app.accounts.erasure import erase_patron
    from course_app.lti.models import LtiGradeTarget

    launch(client, platform, {CLAIM + "custom": {"course": SLUG}, AGS: platform.ags()})
    with app.app_context():
        identity = db.session.scalar(select(LtiIdentity))
        erase_patron(db.session.get(User, identity.user_id), None)
        db.session.commit()
        assert db.session.scalar(select(func.count(LtiIdentity.id))) == 0
        assert db.session.scalar(select(func.count(LtiGradeTarget.id))) == 0
    # The same person launched again starts afresh.
    launch(app.test_client(), platform, {CLAIM + "custom": {"course": SLUG}})
    assert _users(app) == 1


def test_a_placed_module_sends_its_grade_when_that_module_is_finished(app, client, platform):
    """Only m2 is placed: its grade goes when m2 is finished, before the course is."""
    custom = {"course": SLUG, "module": "m2"}
    response, _ = launch(client, platform, {CLAIM + "custom": custom, AGS: platform.ags()})
    assert urlsplit(response.headers["Location"]).path == f"/courses/{SLUG}/lessons/m2-l1"
    assert client.post(f"/courses/{SLUG}/lessons/m2-l1/complete").status_code == 302
    [score] = platform.scores  # the module is finished; the course (m1 left) is not
    assert score["scoreGiven"] == 1 and score["userId"] == "learner-subject-1"
    assert client.post(f"/courses/{SLUG}/lessons/m1-l1/complete").status_code == 302
    assert len(platform.scores) == 1  # finishing the course sends nothing more for it


def test_a_launch_after_the_course_was_finished_sends_the_grade_at_once(app, client, platform):
    launch(client, platform, {CLAIM + "custom": {"course": SLUG}})  # no gradebook column yet
    for key in ("m1-l1", "m2-l1"):
        client.post(f"/courses/{SLUG}/lessons/{key}/complete")
    assert platform.scores == []
    launch(client, platform, {CLAIM + "custom": {"course": SLUG}, AGS: platform.ags()})
    assert len(platform.scores) == 1
