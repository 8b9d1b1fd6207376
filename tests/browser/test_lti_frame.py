"""LTI inside a platform's cross-site frame, in a real browser: the platform's course page
(http://127.0.0.1) frames the tool (https://localhost, another site); the login, the signed
launch posted from the frame, and then a lesson's CSRF-protected "Done" form all work, because
the tool's cookies are SameSite=None; Secure; Partitioned over HTTPS (this Chromium blocks
unpartitioned third-party cookies) and its pages allow that platform as frame ancestor."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from course_app import create_app
from course_app.config import TestConfig
from course_app.extensions import db
from course_app.jobs import init_jobs
from course_app.key_folders import generate_key
from course_app.learning.models import LessonProgress
from course_app.lti.models import LtiIdentity
from tests.conftest import ROOT
from tests.factories import make_course
from tests.lti.platform_stub import CLAIM, FramingPlatform

SLUG = "framed-course"


@pytest.fixture
def framed_tool(app, database_url, tmp_path):
    """The tool served over HTTPS (a self-signed certificate) at https://localhost:PORT."""
    keys = tmp_path / "lti-keys"
    generate_key(keys, "RS256")

    class HttpsConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = True
        COURSES_DIR = str(ROOT / "courses")
        LTI_KEYS_DIR = str(keys)

    tool_app = create_app(HttpsConfig)
    server = make_server("127.0.0.1", 0, tool_app, threaded=True, ssl_context="adhoc")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tool_app, f"https://localhost:{server.port}"
    server.shutdown()
    with tool_app.app_context():
        for engine in db.engines.values():
            engine.dispose()
    init_jobs(app)


def test_a_launch_and_a_lesson_form_work_inside_a_cross_site_frame(browser, app, framed_tool):
    from course_app.libraries.models import Organisation
    from course_app.lti.services import RegistrationData, register_platform
    from tests.factories import make_library_tree

    tool_app, tool = framed_tool
    platform = FramingPlatform(tool, {CLAIM + "custom": {"course": SLUG}, "sub": "framed-1"})
    try:
        with app.app_context():
            make_course(SLUG, modules=1, lessons_per_module=2, with_quiz=False, title="Framed")
            libraries = make_library_tree()
            register_platform(
                None,
                RegistrationData(
                    name="Framing platform",
                    issuer=platform.issuer,
                    client_id=platform.client_id,
                    deployment_ids=[platform.deployment_id],
                    organisation=db.session.get(Organisation, libraries["north-a"]),
                    frame_origins=platform.base,
                    **platform.urls,
                ),
                allow_http=True,
            )
            db.session.commit()
        context = browser.new_context(ignore_https_errors=True)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto(f"{platform.base}/course-page")
        frame = page.frame_locator("#tool")
        # The launch went through inside the frame and signed the learner in there.
        frame.get_by_role("heading", level=1, name="Framed").wait_for()
        assert frame.get_by_role("button", name="Sign out").count() == 1
        # A CSRF-protected form inside the frame: the session cookie came back.
        inner = next(f for f in page.frames if f.url.startswith(tool))
        inner.goto(f"{tool}/courses/{SLUG}/lessons/m1-l1")
        with inner.expect_navigation():
            inner.get_by_role("button", name=re.compile("^Done")).click()
        assert inner.url.endswith(f"/courses/{SLUG}/lessons/m1-l2")
        context.close()
    finally:
        platform.stop()
    with app.app_context():
        identity = db.session.scalar(select(LtiIdentity).where(LtiIdentity.subject == "framed-1"))
        assert identity is not None
        done = db.session.scalars(select(LessonProgress)).all()
        assert len(done) == 1


def test_the_frame_is_refused_to_a_site_that_is_not_registered(browser, app, framed_tool):
    """The same tool page framed by an unregistered site is blocked by the browser."""
    _tool_app, tool = framed_tool

    def other_site(environ, start_response):
        body = (
            "<!doctype html><title>Other</title>"
            f'<iframe id="tool" title="x" src="{tool}/"></iframe>'
        )
        return Response(body, mimetype="text/html")(environ, start_response)

    server = make_server("127.0.0.1", 0, other_site, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        context = browser.new_context(ignore_https_errors=True)
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.port}/")  # waits for the frame's load too
        shown = [f for f in page.frames if f.url.startswith(tool)]
        assert not shown or "Library Learning" not in shown[0].content()
        context.close()
    finally:
        server.shutdown()
