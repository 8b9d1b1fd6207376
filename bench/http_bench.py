"""HTTP throughput of the course app under gunicorn, against a bare Flask+Jinja page.

Run by hand from the project root:

    .venv/bin/python bench/http_bench.py [--seconds 10] [--concurrency 4]

It builds a throwaway SQLite database (migrations + `flask courses import`), starts the app and
bench/hello_app.py under identical gunicorn settings on free ports of 127.0.0.1, drives each
target for a fixed time with keep-alive client threads, prints a table and the lesson page's
weight, then stops both servers and deletes the temporary directory. It is a measurement, not a
test: it exits 0 whether or not the target is met (non-zero only when it cannot set up).
See bench/README.md.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from importlib import metadata
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
COURSE = "sample-health-basics"
PAGE_BUDGET_BYTES = 30_000  # 30 KB (decimal, the stricter reading)
TARGET_RATIO = 0.5  # lesson page req/s >= 50% of the bare page's
WORKERS = 2
WORKER_CLASS = "sync"
REQUEST_TIMEOUT = 10.0


class SetupError(RuntimeError):
    """The benchmark could not prepare the database or start a server."""


# --------------------------------------------------------------------------- HTTP client


class Client:
    """One keep-alive connection plus a minimal cookie jar (enough for Flask's session)."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None):
        status, _, data = self.exchange(method, path, form)
        return status, data

    def exchange(
        self,
        method: str,
        path: str,
        form: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        """One request; returns the status, the response headers and the body."""
        headers = {"Accept": "text/html", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # reconnects on the next request
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        # http.client reconnects by itself after "Connection: close" (gunicorn's sync workers).
        return response.status, response.headers, data

    def close(self) -> None:
        self.conn.close()


# --------------------------------------------------------------------------- HTML parsing


class _QuizFormParser(HTMLParser):
    """Inputs and selects of the first form whose action contains `action_part`."""

    def __init__(self, action_part: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action_part = action_part
        self.state = "before"  # before -> inside -> after
        self.inputs: list[dict[str, str]] = []
        self.selects: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.state == "before" and self.action_part in a.get("action", ""):
            self.state = "inside"
        elif self.state != "inside":
            return
        elif tag == "input":
            self.inputs.append(a)
        elif tag == "select":
            self._select = a.get("name", "")
            self.selects[self._select] = []
        elif tag == "option" and self._select is not None:
            self.selects[self._select].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if self.state != "inside":
            return
        if tag == "select":
            self._select = None
        elif tag == "form":
            self.state = "after"


class _AssetParser(HTMLParser):
    """Stylesheets and scripts a page links to."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.assets: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        rel = a.get("rel", "").lower().split()
        if tag == "link" and ("stylesheet" in rel or "modulepreload" in rel) and a.get("href"):
            self.assets.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.assets.append(a["src"])


QUESTION_FIELD = re.compile(r"q\d+")
ORDER_FIELD = re.compile(r"(q\d+)-.+")


@dataclass
class QuizForm:
    csrf_token: str
    answers: list[tuple[str, str]]

    def submission(self) -> list[tuple[str, str]]:
        return [
            ("csrf_token", self.csrf_token),
            ("submission_token", secrets.token_urlsafe(32)),  # 43 characters, fresh each time
            *self.answers,
            ("action", "submit"),
        ]


def parse_quiz_form(html: str, action_part: str) -> QuizForm:
    """A valid full set of answers: first choice of each radio/checkbox group, any text, and
    positions 1..n for the steps of an ordering question."""
    parser = _QuizFormParser(action_part)
    parser.feed(html)
    csrf = ""
    answers: list[tuple[str, str]] = []
    answered: set[str] = set()
    for a in parser.inputs:
        name, kind = a.get("name", ""), a.get("type", "text").lower()
        if name == "csrf_token":
            csrf = a.get("value", "")
        elif not QUESTION_FIELD.fullmatch(name) or name in answered:
            continue
        elif kind in ("radio", "checkbox"):
            answers.append((name, a.get("value", "")))
            answered.add(name)
        elif kind == "text":
            answers.append((name, "an answer"))
            answered.add(name)
    orderings: dict[str, list[str]] = {}
    for name, options in parser.selects.items():
        match = ORDER_FIELD.fullmatch(name)
        if match:
            orderings.setdefault(match.group(1), []).append(name)
            if str(len(orderings[match.group(1)])) not in options:
                raise SetupError(f"ordering select {name} lacks the expected positions")
    for names in orderings.values():
        answers += [(name, str(n)) for n, name in enumerate(names, start=1)]
    if parser.state == "before":
        raise SetupError(f"no form posting to {action_part} on the quiz page")
    if not csrf or not answers:
        raise SetupError("quiz form without a csrf_token or without questions")
    return QuizForm(csrf, answers)


def first_link(html: str, prefix: str) -> str:
    match = re.search(re.escape(prefix) + r'([A-Za-z0-9_.~-]+)"', html)
    if match is None:
        raise SetupError(f"no link starting with {prefix} on the course overview page")
    return match.group(1)


# --------------------------------------------------------------------------- load generator


@dataclass
class Result:
    name: str
    ok: int = 0
    errors: int = 0
    elapsed: float = 0.0
    client_cpu: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)

    def merge(self, other: Result) -> None:
        cpu_seconds = self.client_cpu * self.elapsed + other.client_cpu * other.elapsed
        self.ok += other.ok
        self.errors += other.errors
        self.elapsed += other.elapsed
        self.client_cpu = cpu_seconds / self.elapsed if self.elapsed else 0.0
        self.latencies += other.latencies
        self.statuses.update(other.statuses)
        self.error_samples += other.error_samples[: max(0, 3 - len(self.error_samples))]

    @property
    def rps(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0

    @property
    def mean_ms(self) -> float:
        return statistics.fmean(self.latencies) * 1000 if self.latencies else 0.0

    @property
    def p95_ms(self) -> float:
        if len(self.latencies) < 20:
            return max(self.latencies, default=0.0) * 1000
        return statistics.quantiles(self.latencies, n=20)[-1] * 1000


Step = Callable[[], int]  # one request; returns the HTTP status


def run_load(
    name: str, steps: list[Step], expected: set[int], seconds: float, max_requests: int
) -> Result:
    """Run each step in its own thread until the deadline or the request cap, whichever first."""
    result = Result(name)
    lock = threading.Lock()
    per_thread_cap = max(1, max_requests // len(steps))
    start = time.perf_counter()
    deadline = start + seconds
    cpu_start = time.process_time()

    def worker(step: Step) -> None:
        ok = errors = 0
        latencies: list[float] = []
        statuses: Counter = Counter()
        samples: list[str] = []
        for _ in range(per_thread_cap):
            t0 = time.perf_counter()
            if t0 >= deadline:
                break
            try:
                status = step()
            except Exception as exc:  # every failure is a counted error
                errors += 1
                if len(samples) < 3:
                    samples.append(f"{type(exc).__name__}: {exc}")
                continue
            statuses[status] += 1
            if status in expected:
                ok += 1
                latencies.append(time.perf_counter() - t0)
            else:
                errors += 1
        with lock:
            result.ok += ok
            result.errors += errors
            result.latencies += latencies
            result.statuses.update(statuses)
            result.error_samples += samples

    threads = [threading.Thread(target=worker, args=(s,), daemon=True) for s in steps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + REQUEST_TIMEOUT + 5)
    result.elapsed = time.perf_counter() - start
    result.client_cpu = (time.process_time() - cpu_start) / result.elapsed
    return result


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen
    log: Path

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start_gunicorn(
    name: str,
    app: str,
    port: int,
    env: dict,
    tmp: Path,
    extra=(),
    workers: int = WORKERS,
    worker_class: str = WORKER_CLASS,
) -> Server:
    log = tmp / f"{name}.log"
    cmd = [
        str(BIN / "gunicorn"),
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        *extra,
        app,
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Server(name, port, proc, log)


def wait_until_up(server: Server, path: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise SetupError(f"{server.name} exited early:\n{server.log_tail()}")
        try:
            conn = http.client.HTTPConnection(HOST, server.port, timeout=2)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SetupError(f"{server.name} did not answer {path} within {timeout:.0f}s")


def stop(server: Server) -> None:
    if server.proc.poll() is not None:
        return
    server.proc.terminate()  # gunicorn: graceful shutdown of the master and its workers
    try:
        server.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait(timeout=5)


# --------------------------------------------------------------------------- database


def flask_cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def course_imported(database_url: str) -> bool:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            query = sa.text("SELECT 1 FROM courses WHERE slug = :slug")
            return conn.execute(query, {"slug": COURSE}).first() is not None
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def prepare_database(env: dict, import_wait: float) -> None:
    """Migrations and `flask courses import` on env's DATABASE_URL (SQLite or PostgreSQL)."""
    done = flask_cli(env, "db", "upgrade")
    if done.returncode != 0:
        raise SetupError(f"flask db upgrade failed:\n{done.stderr[-2000:]}")
    deadline = time.monotonic() + import_wait
    while True:
        done = flask_cli(env, "courses", "import")
        if done.returncode == 0 and course_imported(env["DATABASE_URL"]):
            return
        why = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["course not in database"]
        if time.monotonic() >= deadline:
            raise SetupError(
                f"`flask courses import` did not load {COURSE} (exit {done.returncode}):\n"
                f"{done.stdout[-1500:]}{done.stderr[-1500:]}"
            )
        print(f"  courses import not ready ({why[0][:120]}); retrying in 15s", flush=True)
        time.sleep(15)


# --------------------------------------------------------------------------- the benchmark


def get_page(port: int, path: str, client: Client | None = None) -> str:
    status, body = (client or Client(port)).request("GET", path)
    if status != 200:
        raise SetupError(f"GET {path} answered {status}")
    return body.decode("utf-8", errors="replace")


def page_weight(port: int, path: str) -> tuple[int, int, list[tuple[str, int]]]:
    """(HTML bytes, HTML+assets gzipped bytes, [(asset, bytes)]), each fetched once."""
    client = Client(port)
    html = get_page(port, path, client).encode()
    parser = _AssetParser()
    parser.feed(html.decode())
    assets, gz = [], len(gzip.compress(html))
    for url in dict.fromkeys(parser.assets):
        parts = urlsplit(url)
        if parts.scheme == "data":
            continue
        if parts.netloc and parts.netloc != f"{HOST}:{port}":
            assets.append((url + " (not fetched: other host)", 0))
            continue
        status, body = client.request(
            "GET", parts.path + (f"?{parts.query}" if parts.query else "")
        )
        assets.append((parts.path if status == 200 else f"{parts.path} ({status})", len(body)))
        gz += len(gzip.compress(body))
    client.close()
    return len(html), gz, assets


def get_step(client: Client, path: str) -> Step:
    return lambda: client.request("GET", path)[0]


def quiz_step(app_port: int, path: str) -> Step:
    """A guest with a session: GET the quiz once, then POST full answers with fresh tokens."""
    client = Client(app_port)
    form = parse_quiz_form(get_page(app_port, path, client), path)
    status, body = client.request("POST", path, form.submission())
    if status != 303:
        snippet = re.sub(r"\s+", " ", body.decode(errors="replace"))[:600]
        raise SetupError(f"quiz submission answered {status}, not 303: {snippet}")
    return lambda: client.request("POST", path, form.submission())[0]


def load_average() -> str:
    try:
        return " ".join(f"{n:.2f}" for n in os.getloadavg())
    except OSError:
        return "n/a"


def machine_lines() -> list[str]:
    cpus = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    versions = ", ".join(
        f"{p} {metadata.version(p)}" for p in ("flask", "jinja2", "werkzeug", "gunicorn")
    )
    return [
        f"date      {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"machine   nproc {usable} (cpu_count {cpus}){', ' + model if model else ''}",
        f"system    {platform.system()} {platform.release()} {platform.machine()}",
        f"python    {platform.python_version()} ({platform.python_implementation()})",
        f"packages  {versions}",
        f"load      {load_average()} (1/5/15 min, before the run; other work skews results)",
    ]


def print_report(results: list[Result], hello: Result, weight, settings: str) -> None:
    print()
    print(
        f"{'target':<28}{'req/s':>9}{'ok':>8}{'errors':>8}{'mean ms':>9}{'p95 ms':>9}"
        f"{'vs hello':>10}{'client cpu':>12}"
    )
    for r in [*results, hello]:
        ratio = f"{r.rps / hello.rps:.0%}" if hello.rps else "n/a"
        print(
            f"{r.name:<28}{r.rps:>9.1f}{r.ok:>8}{r.errors:>8}{r.mean_ms:>9.1f}{r.p95_ms:>9.1f}"
            f"{ratio:>10}{r.client_cpu:>12.0%}"
        )
        other = {s: n for s, n in r.statuses.items() if s not in (200, 303)}
        if other or r.error_samples:
            print(f"{'':<4}unexpected statuses {other or '-'}; {'; '.join(r.error_samples)}")
    print(f"\nsettings  {settings}")
    print(f"load      {load_average()} (1/5/15 min, after the run)")
    lesson = results[0]
    ratio = lesson.rps / hello.rps if hello.rps else 0.0
    verdict = "MET" if ratio >= TARGET_RATIO else "NOT MET"
    print(
        f"target    lesson page >= {TARGET_RATIO:.0%} of the bare page's req/s: "
        f"{ratio:.0%} -> {verdict}"
    )
    html_bytes, gz_bytes, assets = weight
    total = html_bytes + sum(n for _, n in assets)
    verdict = "within" if total <= PAGE_BUDGET_BYTES else "OVER"
    print(
        f"weight    lesson page {total:,} B ({verdict} the {PAGE_BUDGET_BYTES:,} B budget, "
        f"{total / PAGE_BUDGET_BYTES:.0%}); gzipped {gz_bytes:,} B"
    )
    print(f"{'':<10}HTML {html_bytes:,} B" + "".join(f"; {a} {n:,} B" for a, n in assets))


def benchmark(args: argparse.Namespace, tmp: Path, servers: list[Server]) -> None:
    db_path = tmp / "bench.db"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_path}",
        "SECRET_KEY": secrets.token_hex(32),
        "APP_ENV": "production",
        "BASE_URL": "http://127.0.0.1",
        "TRUSTED_HOSTS": "127.0.0.1,localhost",
        "RATELIMIT_ENABLED": "false",
        "FLASK_DEBUG": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    print(f"database  {env['DATABASE_URL']}")
    print("preparing: flask db upgrade, flask courses import ...", flush=True)
    prepare_database(env, args.import_wait)

    app_port, hello_port = free_port(), free_port()
    while hello_port == app_port:
        hello_port = free_port()
    servers.append(start_gunicorn("app", "wsgi:app", app_port, env, tmp))
    servers.append(
        start_gunicorn(
            "hello",
            "hello_app:app",
            hello_port,
            env,
            tmp,
            extra=("--pythonpath", str(ROOT / "bench")),
        )
    )
    wait_until_up(servers[0], "/healthz")
    wait_until_up(servers[1], "/")
    print(
        f"servers   app on :{app_port}, hello on :{hello_port} (gunicorn --workers {WORKERS} "
        f"--worker-class {WORKER_CLASS})"
    )

    course_path = f"/courses/{COURSE}"
    overview = get_page(app_port, course_path)
    lesson_key = first_link(overview, f"{course_path}/lessons/")
    quiz_key = first_link(overview, f"{course_path}/quizzes/")
    lesson_path = f"{course_path}/lessons/{lesson_key}"
    quiz_path = f"{course_path}/quizzes/{quiz_key}"
    print(f"targets   lesson {lesson_path}, quiz {quiz_path}")

    c = args.concurrency
    plans: list[tuple[str, Callable[[], Step], set[int]]] = [
        ("lesson page (GET, guest)", lambda: get_step(Client(app_port), lesson_path), {200}),
        ("catalogue (GET /)", lambda: get_step(Client(app_port), "/"), {200}),
        ("quiz submit (POST, 303)", lambda: quiz_step(app_port, quiz_path), {303}),
    ]
    hello_plan = ("hello (bare Flask+Jinja)", lambda: get_step(Client(hello_port), "/"), {200})

    # Targets take turns round by round, so drifting background load hits all of them alike.
    totals = {name: Result(name) for name, _, _ in [hello_plan, *plans]}
    for round_no in range(1, args.rounds + 1):
        for name, make_step, expected in [hello_plan, *plans]:
            steps = [make_step() for _ in range(c)]  # per-connection set-up, not timed
            if args.warmup > 0:
                run_load(name, steps, expected, args.warmup, args.max_requests)
            print(
                f"running   round {round_no}/{args.rounds}: {name}, {args.seconds:g}s, "
                f"{c} connections",
                flush=True,
            )
            totals[name].merge(run_load(name, steps, expected, args.seconds, args.max_requests))
    hello = totals.pop(hello_plan[0])
    results = list(totals.values())

    weight = page_weight(app_port, lesson_path)
    settings = (
        f"--seconds {args.seconds:g} --concurrency {c} --rounds {args.rounds} "
        f"--warmup {args.warmup:g} "
        f"--max-requests {args.max_requests}; gunicorn --workers {WORKERS} "
        f"--worker-class {WORKER_CLASS}; SQLite; APP_ENV=production, RATELIMIT_ENABLED=false; "
        "client: Python threads, http.client, one cookie jar per connection"
    )
    print_report(results, hello, weight, settings)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per target (default 10)")
    parser.add_argument("--concurrency", type=int, default=4, help="connections (default 4)")
    parser.add_argument(
        "--rounds", type=int, default=1, help="run every target this many times, in turn"
    )
    parser.add_argument("--warmup", type=float, default=1.0, help="untimed seconds per target")
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="cap per target (default 200000)"
    )
    parser.add_argument(
        "--import-wait",
        type=float,
        default=300.0,
        help="how long to keep retrying `flask courses import` (default 300s)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.concurrency <= 64 or not 0 < args.seconds <= 600 or args.rounds < 1:
        parser.error("use 1..64 connections, 0..600 seconds and at least one round")

    for line in machine_lines():
        print(line)

    # Ctrl+C and SIGTERM end the run the same way, so the servers and temp dir are cleaned up.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    tmp = Path(tempfile.mkdtemp(prefix="course-bench-"))
    servers: list[Server] = []
    try:
        benchmark(args, tmp, servers)
    except SetupError as exc:
        print(f"\nbench could not run: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        for server in servers:
            stop(server)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
