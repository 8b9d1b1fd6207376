"""`flask courses check-links`: dead and moved links with file and line, against a local
server (never the internet)."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from course_app.content.links import Link, Pacer, check_links, check_url, find_links

ROUTES = {
    "/ok": (200, None),
    "/gone": (404, None),
    "/moved": (301, "/ok"),
    "/moved-to-gone": (308, "/gone"),
    "/for-now": (302, "/ok"),
    "/loop": (302, "/loop"),
    "/to-file": (301, "file:///etc/passwd"),
}


class _Handler(BaseHTTPRequestHandler):
    requests: list[tuple[str, str]] = []

    def _answer(self, method: str) -> None:
        self.requests.append((method, self.path))
        if self.path == "/no-head":
            status, location = (405, None) if method == "HEAD" else (200, None)
        else:
            status, location = ROUTES.get(self.path, (404, None))
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self):  # noqa: N802 (http.server's naming)
        self._answer("HEAD")

    def do_GET(self):  # noqa: N802
        self._answer("GET")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    _Handler.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def silent_server():
    """A port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


NO_WAIT = Pacer(0)


@pytest.mark.parametrize(
    ("path", "state", "detail", "location"),
    [
        ("/ok", "ok", "", ""),
        ("/gone", "dead", "404", ""),
        ("/moved", "moved", "moved permanently", "/ok"),
        ("/moved-to-gone", "dead", "404", ""),
        ("/for-now", "ok", "", ""),
        ("/no-head", "ok", "", ""),
        ("/loop", "dead", "more than 5 redirects", ""),
        ("/to-file", "dead", "not a web address", ""),
    ],
)
def test_each_kind_of_answer(server, path, state, detail, location):
    result = check_url(server + path, 5, NO_WAIT)
    assert result.state == state
    assert detail in result.detail
    assert result.location == (server + location if location else "")


def test_head_refused_is_asked_again_with_get(server):
    check_url(server + "/no-head", 5, NO_WAIT)
    assert _Handler.requests == [("HEAD", "/no-head"), ("GET", "/no-head")]


def test_a_server_that_never_answers_times_out(silent_server):
    result = check_url(silent_server + "/page", 0.3, NO_WAIT)
    assert result.state == "dead"
    assert "no answer within 0.3 seconds" in result.detail


def test_nobody_listening_is_dead():
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    result = check_url(f"http://127.0.0.1:{port}/", 2, NO_WAIT)
    assert result.state == "dead" and "cannot connect" in result.detail


def test_each_address_is_fetched_once(server):
    links = [Link(server + "/ok", "a.md", 1), Link(server + "/ok", "b.md", 9)]
    results = check_links(links, 5, NO_WAIT)
    assert [r.state for _l, r in results] == ["ok", "ok"]
    assert _Handler.requests == [("HEAD", "/ok")]


def test_the_pacer_waits_between_requests_to_one_host_only():
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(1.5, clock=lambda: now[0], sleep=sleep)
    pacer.wait("https://a.example/1")
    pacer.wait("https://b.example/1")  # another host: no wait
    now[0] += 0.5
    pacer.wait("https://a.example/2")  # 0.5 s after the last: waits 1.0 more
    assert slept == [1.0]


def test_links_are_found_with_file_and_line(tmp_path):
    (tmp_path / "lesson.md").write_text(
        "Intro\n\n- [NIH](https://www.nih.gov/), NIH, checked 2026-12-05.\n"
        "See <https://example.org/a>, or https://example.org/b.\n",
        encoding="utf-8",
    )
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.md").write_text("https://example.org/hidden\n", encoding="utf-8")
    found = find_links(tmp_path)
    assert [(link.url, link.line) for link in found] == [
        ("https://www.nih.gov/", 3),
        ("https://example.org/a", 4),
        ("https://example.org/b", 4),
    ]


def test_the_command_lists_dead_and_moved_links_with_file_and_line(app, tmp_path, server):
    course = tmp_path / "course"
    course.mkdir()
    lesson = course / "lesson.md"
    lesson.write_text(
        f"- [A]({server}/ok), X, checked 2026-12-05\n"
        f"- [B]({server}/gone), X, checked 2026-12-05\n"
        f"- [C]({server}/moved), X, checked 2026-12-05\n",
        encoding="utf-8",
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["courses", "check-links", "--delay", "0", str(course)])
    assert result.exit_code == 1
    assert f"{lesson}:2: dead (404 Not Found): {server}/gone" in result.output
    assert f"{lesson}:3: moved (301 moved permanently) to {server}/ok: {server}/moved" in (
        result.output
    )
    assert f"{server}/ok\n" not in result.output.replace(f"to {server}/ok:", "")
    assert "Checked 3 link(s) to 3 address(es): 1 dead, 1 moved." in result.output


def test_the_command_passes_when_every_link_works(app, tmp_path, server):
    (tmp_path / "lesson.md").write_text(f"[A]({server}/ok)\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["courses", "check-links", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "0 dead, 0 moved" in result.output


def test_the_command_refuses_a_bad_timeout(app, tmp_path):
    args = ["courses", "check-links", "--timeout", "0", str(tmp_path)]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 2 and "--timeout" in result.output
