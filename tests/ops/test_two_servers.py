"""Two app servers behind nginx, as deploy/README.md sets them up: nginx (the site file from
deploy/nginx/, with a throw-away certificate) in front of two gunicorn servers (deploy/
gunicorn.conf.py) on one PostgreSQL database and one Redis. Checks that they work as one site.

Skips, saying what is missing, without nginx, Redis or PostgreSQL; never under CI=true, where
.ci/run installs them.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import IN_CI, ROOT, create_scratch_postgres

pytestmark = pytest.mark.multiserver

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# Redis databases of their own, emptied before and after (the job queue, the limits).
JOBS_DB, LIMITS_DB = 11, 12
VENV_BIN = Path(os.environ.get("VIRTUAL_ENV") or ROOT / ".venv") / "bin"
SECRET = "two-servers-share-this-secret-key-0123456789"
PASSWORD = "correct horse battery"
LESSON = "/courses/sample-health-basics/lessons/where-to-start"
CLIENT_ADDRESS = "127.0.0.2"  # the patron; nginx listens on 127.0.0.1
SIGN_IN_LIMIT = 3


def _missing() -> str | None:
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        return "nginx is not installed (apt-get install nginx)"
    if shutil.which("openssl") is None:
        return "openssl is not installed (apt-get install openssl)"
    try:
        socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1).close()
    except OSError:
        return f"Redis is not running at {REDIS_HOST}:{REDIS_PORT}"
    try:
        engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except sa.exc.OperationalError:
        return f"PostgreSQL is not reachable at {POSTGRES_URL}"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- a small browser: cookies, forms, a source address of its own -------------------------


@dataclass
class Page:
    status: int
    headers: dict[str, str]
    text: str

    def csrf(self) -> str:
        match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', self.text)
        assert match, f"no CSRF token on the page ({self.status})"
        return match.group(1)


@dataclass
class Browser:
    source: str = CLIENT_ADDRESS
    cookies: dict[str, str] = field(default_factory=dict)

    def open(self, server: Server, method: str, path: str, data=None, headers=None) -> Page:
        body = urllib.parse.urlencode(data) if data is not None else None
        sent = {"Host": "learn.example.org", **(headers or {})}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            # As browsers send it (Referrer-Policy: same-origin); Flask-WTF checks it on HTTPS.
            scheme = "https" if server.tls else "http"
            sent.setdefault("Referer", f"{scheme}://learn.example.org{path}")
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = server.connection(self.source)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            raw = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                gone = not value or "Max-Age=0" in header or "1970" in header
                if gone:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
            headers_out = {k.lower(): v for k, v in response.getheaders()}
            if headers_out.get("content-encoding") == "gzip":
                import gzip

                raw = gzip.decompress(raw)
            return Page(response.status, headers_out, raw.decode("utf-8", "replace"))
        finally:
            conn.close()

    def get(self, server, path, **kw) -> Page:
        return self.open(server, "GET", path, **kw)

    def post(self, server, path, data, **kw) -> Page:
        return self.open(server, "POST", path, data=data, **kw)


@dataclass
class Server:
    name: str
    port: int
    tls: bool = False
    process: subprocess.Popen | None = None
    log: Path | None = None

    def connection(self, source: str) -> http.client.HTTPConnection:
        if self.tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection(
                "127.0.0.1", self.port, context=context, timeout=30, source_address=(source, 0)
            )
        return http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(source, 0)
        )

    def log_lines(self) -> list[dict]:
        lines = []
        for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
        return lines


# --- the site: PostgreSQL, Redis, two gunicorn servers, nginx ------------------------------


def _redis_flush() -> None:
    from redis import Redis

    for number in (JOBS_DB, LIMITS_DB):
        Redis(host=REDIS_HOST, port=REDIS_PORT, db=number).flushdb()


def _nginx_site(tmp: Path, upstreams: list[int], http_port: int, https_port: int) -> str:
    """deploy/nginx/course-app.conf with this test's ports, certificate and paths."""
    site = (ROOT / "deploy" / "nginx" / "course-app.conf").read_text(encoding="utf-8")
    replacements = [
        (
            "    server 127.0.0.1:8000 max_fails=3 fail_timeout=10s;\n",
            "".join(f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;\n" for p in upstreams),
        ),
        ("    listen 80;\n", f"    listen 127.0.0.1:{http_port};\n"),
        ("    listen [::]:80;\n", ""),
        ("    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{https_port} ssl http2;\n"),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("/etc/letsencrypt/live/learn.example.org/fullchain.pem", str(tmp / "cert.pem")),
        ("/etc/letsencrypt/live/learn.example.org/privkey.pem", str(tmp / "key.pem")),
        ("/srv/course-app/course_app/static/", str(ROOT / "course_app" / "static") + "/"),
    ]
    for old, new in replacements:
        assert old in site, f"deploy/nginx/course-app.conf no longer has {old!r}"
        site = site.replace(old, new)
    return site


def _start_nginx(tmp: Path, upstreams: list[int]) -> tuple[subprocess.Popen, int]:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=learn.example.org", "-keyout", str(tmp / "key.pem"),
         "-out", str(tmp / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    http_port, https_port = _free_port(), _free_port()
    (tmp / "site.conf").write_text(_nginx_site(tmp, upstreams, http_port, https_port))
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/nginx-error.log;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp}/body;\n"
        f"  proxy_temp_path {tmp}/proxy;\n  fastcgi_temp_path {tmp}/fastcgi;\n"
        f"  uwsgi_temp_path {tmp}/uwsgi;\n  scgi_temp_path {tmp}/scgi;\n"
        "  include /etc/nginx/mime.types;\n"
        f"  include {tmp}/site.conf;\n}}\n"
    )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen(
        [nginx, "-c", str(tmp / "nginx.conf"), "-p", str(tmp), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "nginx-stderr.log", "w"),  # noqa: SIM115 - closed with the process
    )
    return process, https_port


def _wait_until_up(server: Server, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{server.name} exited: see {server.log}")
        try:
            if Browser(source="127.0.0.1").get(server, "/healthz").status in (200, 503):
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not start")


@dataclass
class Site:
    a: Server
    b: Server
    nginx: Server
    env: dict[str, str]
    courses: Path

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(VENV_BIN / "flask"), "--app", "wsgi", *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    missing = _missing()
    if missing:
        if IN_CI:
            pytest.fail(f"the two-server test must run under CI=true: {missing}")
        pytest.skip(f"two app servers behind nginx need nginx, Redis and PostgreSQL: {missing}")
    tmp = tmp_path_factory.mktemp("two-servers")
    courses = tmp / "courses"
    shutil.copytree(ROOT / "courses" / "sample-health-basics", courses / "sample-health-basics")
    database_url, drop_database = create_scratch_postgres(POSTGRES_URL)
    _redis_flush()
    env = {
        **os.environ,
        "APP_ENV": "development",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": database_url,
        "JOBS_REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{JOBS_DB}",
        "RATELIMIT_STORAGE_URI": f"redis://{REDIS_HOST}:{REDIS_PORT}/{LIMITS_DB}",
        "SIGN_IN_RATE_LIMIT": f"{SIGN_IN_LIMIT} per minute",
        "TRUSTED_PROXIES": "1",
        "BASE_URL": "https://learn.example.org",
        "TRUSTED_HOSTS": "learn.example.org",
        "COURSES_DIR": str(courses),
        "REQUEST_LOG": "1",
        "MAIL_SERVER": "",
        "GUNICORN_WORKERS": "1",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": "1024",
    }
    env.pop("TEST_DATABASE_URL", None)
    site = Site(None, None, None, env, courses)  # type: ignore[arg-type]
    prepared = site.flask("db", "upgrade")
    assert prepared.returncode == 0, prepared.stderr
    imported = site.flask("courses", "import")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    made = site.flask("users", "create", "ana", "--role", "learner", "--password", PASSWORD)
    assert made.returncode == 0, made.stdout + made.stderr

    processes: list[subprocess.Popen] = []
    servers = []
    try:
        for name in ("a", "b"):
            server = Server(name, _free_port(), log=tmp / f"gunicorn-{name}.log")
            server_env = {**env, "PROMETHEUS_MULTIPROC_DIR": str(tmp / f"metrics-{name}")}
            server.process = subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py",
                 "--bind", f"127.0.0.1:{server.port}", "wsgi:app"],
                cwd=ROOT, env=server_env, stdout=subprocess.DEVNULL,
                stderr=open(server.log, "w"),  # noqa: SIM115 - closed with the process
            )  # fmt: skip
            processes.append(server.process)
            servers.append(server)
        for server in servers:
            _wait_until_up(server, server.process)
        nginx_process, https_port = _start_nginx(tmp, [s.port for s in servers])
        processes.append(nginx_process)
        proxy = Server("nginx", https_port, tls=True, log=tmp / "nginx-error.log")
        _wait_until_up(proxy, nginx_process)
        site.a, site.b, site.nginx = servers[0], servers[1], proxy
        yield site
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        _redis_flush()
        drop_database()


def signed_in_browser(site: Site, form_from: Server, post_to: Server, source: str) -> Browser:
    """Each check signs in from an address of its own: sign-in limits count per address."""
    browser = Browser(source=source)
    token = browser.get(form_from, "/account/sign-in").csrf()
    page = browser.post(
        post_to, "/account/sign-in", {"csrf_token": token, "username": "ana", "password": PASSWORD}
    )
    assert page.status == 302, page.text[page.text.find("<main") :][:500]
    return browser


# --- the checks -------------------------------------------------------------------------


def test_each_server_reports_database_and_redis(site):
    for server in (site.a, site.b, site.nginx):
        page = Browser().get(server, "/healthz")
        assert page.status == 200
        assert json.loads(page.text) == {"status": "ok", "database": "ok", "redis": "ok"}


def test_a_session_and_its_csrf_token_work_whichever_server_answers(site):
    browser = signed_in_browser(site, form_from=site.a, post_to=site.b, source="127.0.0.3")
    for server in (site.a, site.b):
        assert browser.get(server, "/account/").status == 200
    # A form shown by one server and sent to the other.
    token = browser.get(site.b, LESSON).csrf()
    done = browser.post(site.a, LESSON + "/complete", {"csrf_token": token})
    assert done.status == 302
    assert "You finished this lesson." in browser.get(site.b, LESSON).text


def test_signing_out_on_one_server_ends_the_session_on_the_other(site):
    browser = signed_in_browser(site, form_from=site.b, post_to=site.a, source="127.0.0.4")
    stolen = Browser(
        source="127.0.0.4", cookies=dict(browser.cookies)
    )  # the same cookie, kept elsewhere
    token = browser.get(site.a, "/my-learning").csrf()
    assert stolen.get(site.b, "/account/").status == 200
    assert browser.post(site.a, "/account/sign-out", {"csrf_token": token}).status == 302
    assert stolen.get(site.a, "/account/").status == 302
    page = stolen.get(site.b, "/account/")  # a page for signed-in people only
    assert page.status == 302 and "/account/sign-in" in page.headers["location"]


def test_through_nginx_every_request_of_a_visit_is_signed_in(site):
    browser = signed_in_browser(
        site, form_from=site.nginx, post_to=site.nginx, source=CLIENT_ADDRESS
    )
    for _ in range(6):  # round robin: both servers answer
        assert browser.get(site.nginx, "/my-learning").status == 200
    answered = {
        s.name
        for s in (site.a, site.b)
        if any(line["route"] == "/my-learning" and line["user_id"] for line in s.log_lines())
    }
    assert answered == {"a", "b"}


def test_sign_in_limits_are_counted_once_across_both_servers(site):
    browser = Browser(source="127.0.0.5")
    statuses = []
    for attempt in range(SIGN_IN_LIMIT + 1):
        server = (site.a, site.b)[attempt % 2]
        token = browser.get(server, "/account/sign-in").csrf()
        page = browser.post(
            server, "/account/sign-in",
            {"csrf_token": token, "username": "ana", "password": "wrong password"},
        )  # fmt: skip
        statuses.append(page.status)
    # Counted apart, each server would have seen at most SIGN_IN_LIMIT // 2 + 1 tries.
    assert statuses[:SIGN_IN_LIMIT] == [400] * SIGN_IN_LIMIT
    assert statuses[SIGN_IN_LIMIT] == 429


def test_a_course_reimport_is_seen_by_both_servers_at_once(site):
    browser = Browser()
    for server in (site.a, site.b):  # both have the lesson page cached
        assert "Freshly edited sentence" not in browser.get(server, LESSON).text
    lesson = next((site.courses / "sample-health-basics").glob("*/01-where-to-start.md"))
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nFreshly edited sentence.\n")
    imported = site.flask("courses", "import")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    for server in (site.a, site.b):
        assert "Freshly edited sentence." in browser.get(server, LESSON).text


def test_the_address_logged_is_the_clients_through_nginx_never_a_forged_one(site):
    Browser(source=CLIENT_ADDRESS).get(
        site.nginx, "/?from=forged", headers={"X-Forwarded-For": "203.0.113.66"}
    )
    lines = [line for s in (site.a, site.b) for line in s.log_lines() if line["route"] == "/"]
    clients = {line["client"] for line in lines}
    assert "203.0.113.66" not in clients
    assert CLIENT_ADDRESS in clients


def test_nginx_serves_static_files_compressed_with_long_lifetimes_over_http2(site):
    page = Browser().get(site.nginx, "/static/site.css", headers={"Accept-Encoding": "gzip"})
    assert page.status == 200
    assert "immutable" in page.headers["cache-control"]
    assert page.headers.get("content-encoding") == "gzip"
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    context.set_alpn_protocols(["h2", "http/1.1"])
    with (
        socket.create_connection(("127.0.0.1", site.nginx.port)) as raw,
        context.wrap_socket(raw, server_hostname="learn.example.org") as tls,
    ):
        assert tls.selected_alpn_protocol() == "h2"


def test_metrics_of_each_server_add_up_its_workers(site):
    page = Browser(source="127.0.0.1").get(site.a, "/metrics")
    assert page.status == 200
    assert "course_app_http_requests_total" in page.text
    assert Browser(source="127.0.0.1").get(site.nginx, "/metrics").status == 404
