"""In a real browser, axe on every page: a guest carries lessons to another browser with a
resume code; a librarian marks a public computer, where the idle warning, "I'm still here"
and Sign out work for patrons and guests. The idle times are shortened through app config."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from course_app import create_app
from course_app.config import TestConfig
from course_app.extensions import db
from tests.browser.conftest import AxeChecker, _path, checked, go
from tests.conftest import PASSWORD, ROOT

IDLE_SECONDS = 12
WARNING_SECONDS = 8  # the warning comes after 4 seconds without a request


@pytest.fixture(scope="module")
def live_server(app, database_url):
    """This module's own live server: CSRF on, public-computer idle times in seconds."""

    class ShortIdleConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = True
        COURSES_DIR = str(ROOT / "courses")
        PUBLIC_COMPUTER_IDLE_SECONDS = IDLE_SECONDS
        PUBLIC_COMPUTER_WARNING_SECONDS = WARNING_SECONDS

    live_app = create_app(ShortIdleConfig)
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    with live_app.app_context():
        for engine in db.engines.values():
            engine.dispose()


@contextmanager
def another_browser(browser, live_server):
    """A second, separate browser context (no shared cookies), axe-checked like `page`."""
    context = browser.new_context(base_url=live_server, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.axe = AxeChecker()
    page.on(
        "framenavigated",
        lambda frame: (
            page.axe.visited.append(_path(frame.url)) if frame == page.main_frame else None
        ),
    )
    yield page
    context.close()
    missing = [p for p in page.axe.visited if p not in page.axe.checked and p.startswith("/")]
    assert not missing, f"pages visited without an axe check: {sorted(set(missing))}"


def click_to(page, locator):
    with page.expect_navigation():
        locator.click()
    return checked(page)


def finish_first_lesson(page, slug):
    go(page, f"/courses/{slug}")
    click_to(page, page.get_by_role("link", name=re.compile("^(Start the course|Continue)$")))
    click_to(page, page.get_by_role("button", name=re.compile("^Done")))


def done_count(page, slug) -> int:
    go(page, f"/courses/{slug}")
    return page.locator(".status-done").count()


def test_a_guest_brings_lessons_to_another_browser_with_a_resume_code(
    page, browser, live_server, sample_course
):
    finish_first_lesson(page, sample_course)
    go(page, "/my-learning")
    assert "Keep it private." in page.content()
    click_to(page, page.get_by_role("link", name="Get my resume code"))
    click_to(page, page.get_by_role("button", name="Get my resume code"))
    code = page.locator(".resume-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()

    with another_browser(browser, live_server) as other:
        go(other, "/my-learning")
        click_to(other, other.get_by_role("link", name=re.compile("Enter your resume code")))
        other.get_by_label("Your resume code").fill("K7QM-4XPA")
        click_to(other, other.get_by_role("button", name="Bring back my lessons"))
        assert "We could not find that code." in other.content()
        other.get_by_label("Your resume code").fill(code.lower().replace("-", " "))
        click_to(other, other.get_by_role("button", name="Bring back my lessons"))
        assert "Welcome back. Your lessons are here." in other.content()
        assert other.get_by_role("link", name=re.compile("^Continue")).count() == 1
        assert done_count(other, sample_course) == 1


def test_public_computer_warns_extends_and_signs_out(page, app, make_user, sample_course):
    make_user("desk", "librarian")
    make_user("patron")

    # A librarian marks this browser as a public computer, then signs out.
    go(page, "/account/sign-in")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    click_to(page, page.get_by_role("button", name="Sign in"))
    go(page, "/account/")
    click_to(page, page.get_by_role("link", name=re.compile("Mark this browser")))
    page.get_by_label("Yes, this is a public computer").check()
    click_to(page, page.get_by_role("button", name="Save"))
    assert "This browser is now a public computer." in page.content()
    click_to(page, page.locator(".public-bar").get_by_role("button", name="Sign out"))

    # A patron signs in; there is no "remember me"; the warning comes and is extended.
    go(page, "/account/sign-in")
    assert "remember" not in page.content().lower()
    page.get_by_label("Username").fill("patron")
    page.get_by_label("Password").fill(PASSWORD)
    click_to(page, page.get_by_role("button", name="Sign in"))
    dialog = page.get_by_role("dialog", name="Are you still there?")
    dialog.wait_for(state="visible", timeout=(IDLE_SECONDS - 1) * 1000)
    page.axe.check(page)
    still_here = dialog.get_by_role("button", name="I'm still here")
    assert still_here.evaluate("button => button === document.activeElement")
    still_here.click()
    dialog.wait_for(state="hidden")
    assert page.get_by_role("link", name="My account").is_visible()
    click_to(page, page.locator(".public-bar").get_by_role("button", name="Sign out"))
    assert page.get_by_role("link", name="Sign in").is_visible()

    # A guest's visit: Sign out forgets the guest's lessons on this computer.
    finish_first_lesson(page, sample_course)
    assert done_count(page, sample_course) == 1
    click_to(page, page.locator(".public-bar").get_by_role("button", name="Sign out"))
    assert done_count(page, sample_course) == 0

    # Left alone, the page goes to "You were signed out" and the visit is gone.
    finish_first_lesson(page, sample_course)
    page.wait_for_url("**/account/public-computer/signed-out", timeout=(IDLE_SECONDS + 5) * 1000)
    checked(page)
    assert page.get_by_role("heading", name="You were signed out").is_visible()
    assert done_count(page, sample_course) == 0
