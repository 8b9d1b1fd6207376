"""Capacity of the course app as learners use it: closed-loop virtual learners, step by step.

Run by hand from the project root:

    .venv/bin/python bench/capacity.py [--database sqlite|postgresql] [--steps 2 4 8 16]
                                       [--seconds 20] [--servers 1|2] [--nginx]

With --servers 2 (or --nginx) the app runs as that many gunicorn servers, each with --workers
workers, behind nginx (Debian's, started for the run), and the bare page likewise: as
deploy/README.md sets up a network, on one machine.

It builds a throwaway database (a SQLite file, or a scratch PostgreSQL database named for the
run), serves the app through bench/timed_app.py (which records the time each request spends in
the app) and bench/hello_app.py under the same gunicorn settings as bench/http_bench.py, then
for each step runs that many virtual learners, 70% signed in and 30% guests. Each one reads
lessons, answers their knowledge checks, marks them done, takes the module quizzes (some first
tries wrong), and claims the certificate, through the forms and redirects of the pages. After
every step it drives the bare page with as many connections. At the end it checks that every
write the app acknowledged is in the database. It is a measurement, not a test: it exits 0
whatever the figures (non-zero only when it cannot set up). See bench/README.md.
"""

from __future__ import annotations

import argparse
import math
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from http_bench import (
    BIN,
    ROOT,
    WORKER_CLASS,
    WORKERS,
    Client,
    Server,
    SetupError,
    free_port,
    get_step,
    load_average,
    machine_lines,
    prepare_database,
    run_load,
    start_gunicorn,
    stop,
    wait_until_up,
)
from virtual_learners import AnswerKey, JourneyBroken, VirtualLearner, load_answer_key

from course_app.accounts.identity import GUEST_KEY

PG_SERVER = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TARGET_RATIO = {"sqlite": 0.30, "postgresql": 0.20}  # mixed req/s / bare req/s
P95_LIMIT_MS = 200.0  # the ratio is taken at the highest step whose mixed p95 is below this
LESSON_SERVER_TARGET_MS = 2.0  # server time of a signed-in lesson page
SIGNED_IN_SHARE = 0.7
SIGNED_IN_LESSON = "lesson read (signed in)"


# --------------------------------------------------------------------------- measuring


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class ServerTimings:
    """The per-worker files timed_app.py writes: (type, wall ms, CPU ms) per request."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def mark(self) -> dict[Path, int]:
        return {p: p.stat().st_size for p in self.directory.glob("*.tsv")}

    def since(self, mark: dict[Path, int]) -> dict[str, list[tuple[float, float]]]:
        found: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for path in self.directory.glob("*.tsv"):
            with path.open("rb") as f:
                f.seek(mark.get(path, 0))
                for line in f.read().decode().splitlines():
                    label, wall, cpu = line.split("\t")
                    found[label].append((float(wall), float(cpu)))
        return found


@dataclass
class StepResult:
    learners: int
    signed_in: int
    seconds: float
    samples: dict[str, list[float]]  # seconds
    errors: dict[str, list[str]]
    server: dict[str, list[tuple[float, float]]]  # milliseconds
    hello_rps: float
    client_cpu: float

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.samples.values())

    @property
    def rps(self) -> float:
        return self.count / self.seconds

    @property
    def p95_ms(self) -> float:
        return percentile([s for v in self.samples.values() for s in v], 0.95) * 1000

    @property
    def ratio(self) -> float:
        return self.rps / self.hello_rps if self.hello_rps else 0.0

    def lesson_server_ms(self, share: float, column: int = 0) -> float:
        return percentile([t[column] for t in self.server.get(SIGNED_IN_LESSON, [])], share)


def make_learners(n: int, port: int, key: AnswerKey, step: int, seed: int) -> list[VirtualLearner]:
    signed_in = round(n * SIGNED_IN_SHARE)
    learners = []
    for i in range(n):
        name = f"cap{step}-{i}-{secrets.token_hex(3)}" if i < signed_in else None
        learner = VirtualLearner(port, name, key, f"{seed}-{step}-{i}")
        if name:
            try:
                learner.sign_up()
            except JourneyBroken:
                raise SetupError(f"sign-up failed: {learner.errors[-1][1]}") from None
        learners.append(learner)
    return learners


def run_step(n: int, step: int, args, ports: tuple[int, int], timings, key) -> tuple:
    app_port, hello_port = ports
    learners = make_learners(n, app_port, key, step, args.seed)
    measure_from = time.perf_counter() + args.warmup
    for learner in learners:
        learner.measure_from, learner.stop_at = measure_from, measure_from + args.seconds
    threads = [threading.Thread(target=learner.run, daemon=True) for learner in learners]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, measure_from - time.perf_counter()))
    mark, cpu = timings.mark(), time.process_time()
    for thread in threads:
        thread.join(timeout=args.seconds + 60)
    client_cpu = (time.process_time() - cpu) / args.seconds
    server = timings.since(mark)
    for learner in learners:
        learner.client.close()

    hello_steps = [get_step(Client(hello_port), "/") for _ in range(n)]
    if args.warmup > 0:
        run_load("hello", hello_steps, {200}, args.warmup, 10**7)
    hello = run_load("hello", hello_steps, {200}, args.seconds, 10**7)

    samples: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    for learner in learners:
        for label, seconds in learner.samples:
            samples[label].append(seconds)
        for label, message in learner.errors:
            errors[label].append(message)
    signed_in = sum(1 for learner in learners if learner.username)
    result = StepResult(n, signed_in, args.seconds, samples, errors, server, hello.rps, client_cpu)
    return result, learners


# --------------------------------------------------------------------------- writes


# The rows that prove each kind of write, as (learner id, what the learner was told).
WRITE_ROWS = {
    "lesson done": (
        "lesson_progress",
        "SELECT p.learner_id, c.slug, l.key FROM lesson_progress p"
        " JOIN lessons l ON l.id = p.lesson_id JOIN courses c ON c.id = l.course_id",
    ),
    "quiz submit": ("quiz_attempts", "SELECT learner_id, submission_token, id FROM quiz_attempts"),
    "certificate claim": ("certificates", "SELECT learner_id, code FROM certificates"),
}
LEARNER_OF_USER = "SELECT u.username, l.id FROM users u JOIN learners l ON l.user_id = u.id"


def check_writes(url: str, secret_key: str, learners: list[VirtualLearner]) -> list[str]:
    """Look up every write the app acknowledged; one line per kind of write."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = {
                kind: {tuple(r) for r in conn.execute(sa.text(sql))}
                for kind, (_, sql) in WRITE_ROWS.items()
            }
            learner_of_user = dict(conn.execute(sa.text(LEARNER_OF_USER)).all())
    finally:
        engine.dispose()
    # A guest's learner id is in its session cookie, signed with the server's key.
    app = Flask("capacity-bench")
    app.secret_key = secret_key
    cookies = SecureCookieSessionInterface().get_signing_serializer(app)

    acknowledged: Counter = Counter()
    found: Counter = Counter()
    complete: Counter = Counter()  # learners with all their writes of a kind found
    missing: dict[str, list[str]] = defaultdict(list)
    for learner in learners:
        lost_here: set[str] = set()
        for kind, cookie, row in learner.writes:
            if learner.username:
                who = learner_of_user.get(learner.username)
            else:
                who = cookies.loads(cookie).get(GUEST_KEY) if cookie else None
            acknowledged[kind] += 1
            if (who, *row) in rows[kind]:
                found[kind] += 1
            else:
                lost_here.add(kind)
                missing[kind].append(f"learner {who}: {'/'.join(map(str, row))}")
        complete.update(set(WRITE_ROWS) - lost_here)

    lines = []
    for kind, (table, _) in WRITE_ROWS.items():
        verdict = "PASS" if found[kind] == acknowledged[kind] else "FAIL: acknowledged writes lost"
        lines.append(
            f"{kind:<18}{acknowledged[kind]:>6,} acknowledged, {found[kind]:>6,} in {table}; "
            f"{complete[kind]} of {len(learners)} learners complete -> {verdict}"
        )
        if missing[kind]:
            lines.append(f"{'':<18}missing, e.g. {'; '.join(missing[kind][:3])}")
    return lines


# --------------------------------------------------------------------------- report


def print_step(r: StepResult, args) -> None:
    print(
        f"\nstep      {r.learners} learners ({r.signed_in} signed in, {r.learners - r.signed_in} "
        f"guests), {args.seconds:g}s after {args.warmup:g}s warm-up"
    )
    print(
        f"  {'request type':<26}{'count':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>7}"
        f"   {'server p50':>10}{'p95':>7}{'cpu p50':>8}"
    )
    for label in sorted(set(r.samples) | set(r.errors) | set(r.server)):
        times, server = r.samples.get(label, []), r.server.get(label, [])
        walls, cpus = [w for w, _ in server], [c for _, c in server]
        print(
            f"  {label:<26}{len(times):>7}"
            + "".join(f"{percentile(times, q) * 1000:>8.1f}" for q in (0.5, 0.95, 0.99))
            + f"{len(r.errors.get(label, [])):>7}   {percentile(walls, 0.5):>10.1f}"
            f"{percentile(walls, 0.95):>7.1f}{percentile(cpus, 0.5):>8.1f}"
        )
    errors = sum(len(v) for v in r.errors.values())
    print(
        f"  all: {r.rps:.1f} req/s, p95 {r.p95_ms:.1f} ms, {errors} errors; bare page "
        f"{r.hello_rps:.1f} req/s with {r.learners} connections; mixed/bare {r.ratio:.0%}; "
        f"client cpu {r.client_cpu:.0%} of one core"
    )
    for message in [m for v in r.errors.values() for m in v][:5]:
        print(f"  error: {message}")


def print_summary(
    results: list[StepResult], database: str, write_lines: list[str], layout: str = ""
) -> None:
    print(f"\nsummary ({database}{layout})")
    print(
        f"  {'learners':>8}{'req/s':>9}{'p95 ms':>9}{'errors':>8}{'bare req/s':>12}"
        f"{'mixed/bare':>12}   signed-in lesson, server p50/p95 (cpu p50) ms"
    )
    for r in results:
        print(
            f"  {r.learners:>8}{r.rps:>9.1f}{r.p95_ms:>9.1f}{sum(map(len, r.errors.values())):>8}"
            f"{r.hello_rps:>12.1f}{r.ratio:>12.0%}   {r.lesson_server_ms(0.5):.2f} / "
            f"{r.lesson_server_ms(0.95):.2f} ({r.lesson_server_ms(0.5, column=1):.2f})"
        )
    target = TARGET_RATIO[database]
    fit = [r for r in results if r.p95_ms < P95_LIMIT_MS]
    best = max(fit, key=lambda r: r.learners) if fit else results[0]
    where = f"{best.learners} learners, the highest step with p95 under {P95_LIMIT_MS:.0f} ms"
    if not fit:
        where = f"no step had p95 under {P95_LIMIT_MS:.0f} ms; shown at {best.learners} learners"
    verdict = "MET" if fit and best.ratio >= target else "NOT MET"
    print(f"target    mixed/bare >= {target:.0%} on {database} ({where}): {best.ratio:.0%}", end="")
    print(f" -> {verdict}")
    lesson = best.lesson_server_ms(0.5)
    verdict = "MET" if 0 < lesson <= LESSON_SERVER_TARGET_MS else "NOT MET"
    print(
        f"target    signed-in lesson page <= {LESSON_SERVER_TARGET_MS:g} ms server time, median at "
        f"{best.learners} learners: {lesson:.2f} ms -> {verdict}"
    )
    for line in write_lines:
        print(f"writes    {line}")
    print(f"load      {load_average()} (1/5/15 min, after the run)")


# --------------------------------------------------------------------------- set-up


def scratch_postgres() -> tuple[str, str]:
    """A new database on the local server, named for this run; returns (name, url)."""
    name = f"bench_capacity_{datetime.now(UTC):%Y%m%d_%H%M%S}_{os.getpid()}"
    admin = sa.create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.SQLAlchemyError as exc:
        raise SetupError(f"cannot create a PostgreSQL database on {PG_SERVER}: {exc}") from exc
    finally:
        admin.dispose()
    return name, sa.engine.make_url(PG_SERVER).set(database=name).render_as_string(False)


def drop_postgres(name: str) -> None:
    admin = sa.create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    except sa.exc.SQLAlchemyError as exc:
        print(f"could not drop the scratch database {name}: {exc}", file=sys.stderr)
    finally:
        admin.dispose()


NGINX_SITE = """
upstream {name} {{
{servers}    keepalive 32;
}}
server {{
    listen 127.0.0.1:{port};
    location / {{
        proxy_pass http://{name};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Request-ID $request_id;
    }}
}}
"""


def start_nginx(tmp: Path, fronts: dict[str, tuple[int, list[int]]]) -> Server:
    """nginx on this machine in front of the given servers: {name: (port, [backend ports])},
    proxying as deploy/nginx/course-app.conf does (plain HTTP: TLS is not what is measured)."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SetupError("nginx is not installed (apt-get install nginx)")
    sites = "".join(
        NGINX_SITE.format(
            name=name,
            port=port,
            servers="".join(f"    server 127.0.0.1:{b};\n" for b in backends),
        )
        for name, (port, backends) in fronts.items()
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"{user}worker_processes auto;\npid {tmp}/nginx.pid;\nerror_log {tmp}/nginx-error.log;\n"
        "events { worker_connections 1024; }\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp}/body;\n"
        f"  proxy_temp_path {tmp}/proxy;\n  fastcgi_temp_path {tmp}/fastcgi;\n"
        f"  uwsgi_temp_path {tmp}/uwsgi;\n  scgi_temp_path {tmp}/scgi;\n{sites}}}\n"
    )
    log = tmp / "nginx.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [nginx, "-c", str(conf), "-p", str(tmp), "-g", "daemon off;"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Server("nginx", next(iter(fronts.values()))[0], proc, log)


def benchmark(args, tmp: Path, servers: list[Server], scratch: list[str]) -> bool:
    """Runs every step; True when every acknowledged write is in the database and the kept
    report tables match a rebuild."""
    if args.database == "sqlite":
        url = f"sqlite:///{tmp / 'capacity.db'}"
    else:
        name, url = scratch_postgres()
        scratch.append(name)
    timings_dir = tmp / "timings"
    timings_dir.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(32),
        "APP_ENV": "production",
        "BASE_URL": "http://127.0.0.1",
        "TRUSTED_HOSTS": "127.0.0.1,localhost",
        "RATELIMIT_ENABLED": "false",
        "FLASK_DEBUG": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "ARGON2_TIME_COST": "1",  # sign-ups are set-up, not what is measured
        "ARGON2_MEMORY_COST": "8192",
        "BENCH_TIMINGS_DIR": str(timings_dir),
    }
    print(f"database  {url}")
    print("preparing: flask db upgrade, flask courses import ...", flush=True)
    prepare_database(env, args.import_wait)
    key = load_answer_key(url)

    ports: set[int] = set()

    def new_port() -> int:
        port = free_port()
        while port in ports:
            port = free_port()
        ports.add(port)
        return port

    gunicorn = {"extra": ("--pythonpath", str(ROOT / "bench"))}
    gunicorn.update(workers=args.workers, worker_class=args.worker_class)
    app_ports, hello_ports = [], []
    for i in range(1, args.servers + 1):
        app_ports.append(new_port())
        hello_ports.append(new_port())
        servers.append(
            start_gunicorn(f"app{i}", "timed_app:app", app_ports[-1], env, tmp, **gunicorn)
        )
        servers.append(
            start_gunicorn(f"hello{i}", "hello_app:app", hello_ports[-1], env, tmp, **gunicorn)
        )
    for server in servers:
        wait_until_up(server, "/healthz" if server.name.startswith("app") else "/")
    app_port, hello_port = app_ports[0], hello_ports[0]
    if args.nginx:
        app_port, hello_port = new_port(), new_port()
        fronts = {"app": (app_port, app_ports), "hello": (hello_port, hello_ports)}
        servers.append(start_nginx(tmp, fronts))
        wait_until_up(servers[-1], "/healthz")
    print(
        f"servers   {args.servers} x app (timed_app) and {args.servers} x hello (gunicorn "
        f"--workers {args.workers} --worker-class {args.worker_class})"
        + (f", behind nginx: app :{app_port}, hello :{hello_port}" if args.nginx else "")
    )

    timings = ServerTimings(timings_dir)
    results, everyone = [], []
    for step, n in enumerate(args.steps, start=1):
        print(f"running   {n} learners for {args.seconds:g}s, then the bare page ...", flush=True)
        result, learners = run_step(n, step, args, (app_port, hello_port), timings, key)
        print_step(result, args)
        results.append(result)
        everyone += learners
    write_lines = check_writes(url, env["SECRET_KEY"], everyone)
    layout = f", {args.servers} server(s) x {args.workers} workers" + (
        " behind nginx" if args.nginx else ""
    )
    print_summary(results, args.database, write_lines, layout)
    verified = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "reports", "verify"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    print(f"reports   flask reports verify: {(verified.stdout + verified.stderr).strip()}")
    return verified.returncode == 0 and not any("FAIL" in line for line in write_lines)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--steps", type=int, nargs="+", default=[2, 4, 8, 16], help="learners")
    parser.add_argument("--seconds", type=float, default=20.0, help="per step (default 20)")
    parser.add_argument("--warmup", type=float, default=1.0, help="untimed seconds per step")
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers")
    parser.add_argument("--worker-class", default=WORKER_CLASS, help="gunicorn worker class")
    parser.add_argument("--seed", type=int, default=1, help="the learners' choices")
    parser.add_argument(
        "--servers", type=int, choices=[1, 2], default=1, help="app servers (2: behind nginx)"
    )
    parser.add_argument("--nginx", action="store_true", help="serve through nginx")
    parser.add_argument(
        "--import-wait", type=float, default=300.0, help="retry `flask courses import` this long"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 2 when a write was lost or `flask reports verify` finds a difference (CI)",
    )
    args = parser.parse_args(argv)
    args.nginx = args.nginx or args.servers > 1
    if not all(1 <= n <= 128 for n in args.steps) or not 0 < args.seconds <= 600:
        parser.error("use 1..128 learners per step and 0..600 seconds")

    for line in machine_lines():
        print(line)
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    tmp = Path(tempfile.mkdtemp(prefix="course-capacity-"))
    servers: list[Server] = []
    scratch: list[str] = []
    try:
        consistent = benchmark(args, tmp, servers, scratch)
    except SetupError as exc:
        print(f"\nbench could not run: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        for server in servers:
            stop(server)
        for name in scratch:
            drop_postgres(name)
        shutil.rmtree(tmp, ignore_errors=True)
    if args.check and not consistent:
        print("\nFAILED: a write was lost or the report tables differ from a rebuild")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
