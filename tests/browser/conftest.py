"""A live server and headless Chromium (Debian's), with axe-core run on every page visited."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from course_app import create_app
from course_app.config import TestConfig
from course_app.extensions import db
from tests.conftest import IN_CI, PASSWORD, ROOT

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail(f"CI=true needs Chromium at {CHROMIUM} (apt-get install -y chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM}; install it with: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(app, database_url):
    """The real app (CSRF on) served from a thread, on this run's database."""

    class LiveConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = True
        COURSES_DIR = str(ROOT / "courses")

    live_app = create_app(LiveConfig)
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    with live_app.app_context():
        for engine in db.engines.values():
            engine.dispose()


class AxeChecker:
    """Runs axe on a page and remembers which addresses were checked."""

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.visited: list[str] = []
        self.checked: set[str] = set()

    def check(self, page) -> None:
        page.wait_for_load_state("load")
        results = self.axe.run(
            page,
            options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
        )
        violations = results.response["violations"]
        if violations:
            lines = [f"axe found {len(violations)} violation(s) on {page.url}:"]
            for v in violations:
                targets = [n["target"] for n in v["nodes"]][:5]
                lines.append(f"- {v['id']} ({v['impact']}): {v['help']} at {targets}")
            raise AssertionError("\n".join(lines))
        self.checked.add(_path(page.url))


def _path(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context; at the end, every page visited must have been checked by axe."""
    context = browser.new_context(base_url=live_server, accept_downloads=True, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    checker = AxeChecker()
    page.on(
        "framenavigated",
        lambda frame: (
            checker.visited.append(_path(frame.url)) if frame == page.main_frame else None
        ),
    )
    page.axe = checker
    yield page
    context.close()
    missing = [p for p in checker.visited if p not in checker.checked and p.startswith("/")]
    assert not missing, f"pages visited without an axe check: {sorted(set(missing))}"


def go(page, path: str):
    """Navigate and run axe on the page that loads."""
    page.goto(path)
    page.axe.check(page)
    return page


def checked(page):
    """After a click that loads a new page: wait for it and run axe."""
    page.wait_for_load_state("load")
    page.axe.check(page)
    return page


def sign_in_as(page, username: str, password: str = PASSWORD) -> None:
    """Signs in through the page, as a patron would."""
    go(page, "/account/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    checked(page)
