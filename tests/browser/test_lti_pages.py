"""The LTI pages people see, in a browser with axe-core on each: the administrator's
registration page (and its errors), an instructor's Deep Linking choice sent back to the
platform, and the page a broken link shows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jwcrypto import jwk, jwt

from course_app.extensions import db
from course_app.key_folders import generate_key, key_ids
from course_app.libraries.models import Organisation
from course_app.lti.services import RegistrationData, register_platform
from tests.browser.conftest import AxeChecker, sign_in_as
from tests.factories import make_course, make_library_tree
from tests.lti.platform_stub import CLAIM, INSTRUCTOR, FramingPlatform

SLUG = "placed-course"


@pytest.fixture
def platform(app, live_server):
    folder = Path(app.config["LTI_KEYS_DIR"])  # the live server's setting too (TestConfig)
    if not key_ids(folder):
        generate_key(folder, "RS256")
    stub = FramingPlatform(
        live_server, {"sub": "teacher-9", CLAIM + "roles": [INSTRUCTOR]}, "LtiDeepLinkingRequest"
    )
    with app.app_context():
        make_course(SLUG, modules=2, lessons_per_module=1, with_quiz=False, title="Placed course")
        libraries = make_library_tree()
        register_platform(
            None,
            RegistrationData(
                name="Browser platform",
                issuer=stub.issuer,
                client_id=stub.client_id,
                deployment_ids=[stub.deployment_id],
                organisation=db.session.get(Organisation, libraries["north-a"]),
                **stub.urls,
            ),
            allow_http=True,
        )
        db.session.commit()
    yield stub
    stub.stop()


def test_an_instructor_places_a_module_and_the_platform_gets_it(browser, live_server, platform):
    axe = AxeChecker()
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    page.goto(f"/lti/login?{platform.login_query()}")
    page.wait_for_url(re.compile(r"/lti/deep-link$"))
    axe.check(page)
    page.get_by_label("Part: Module 2").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Place it in my course").click()
    axe.check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Return to my course").click()
    [token] = platform.returned
    keys = jwk.JWKSet.from_json(page.request.get(f"{live_server}/lti/jwks.json").text())
    claims = json.loads(jwt.JWT(jwt=token, key=keys, algs=["RS256"], check_claims={}).claims)
    [item] = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["custom"] == {"course": SLUG, "module": "m2"}
    context.close()


def test_the_registration_page_and_its_errors_are_accessible(page, make_user, platform):
    make_user("lti.admin", "admin")
    sign_in_as(page, "lti.admin")
    page.goto("/admin/lti")
    page.axe.check(page)
    assert page.get_by_role("cell", name="Browser platform").is_visible()
    page.get_by_label("Name", exact=True).fill("Broken")
    page.get_by_label("Issuer (platform ID)").fill("moodle.example")
    with page.expect_navigation():
        page.get_by_role("button", name="Register platform").click()
    page.axe.check(page)
    assert page.get_by_role("alert").is_visible()


def test_a_broken_link_explains_itself(page):
    response = page.goto("/lti/login")
    assert response.status == 400
    page.axe.check(page)
    assert page.get_by_role("heading", name="This link did not work").is_visible()
