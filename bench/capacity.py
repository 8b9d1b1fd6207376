"""Capacity of the course app as learners use it: closed-loop virtual learners, step by step.

Run by hand from the project root:

    .venv/bin/python bench/capacity.py [--database sqlite|postgresql] [--steps 2 4 8 16]
                                       [--seconds 20]

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
import http.client
import json
import math
import os
import random
import re
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from http_bench import (
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
from request_types import request_type

from course_app.accounts.identity import GUEST_KEY

PG_SERVER = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TARGET_RATIO = {"sqlite": 0.30, "postgresql": 0.20}  # mixed req/s / bare req/s
P95_LIMIT_MS = 200.0  # the ratio is taken at the highest step whose mixed p95 is below this
LESSON_SERVER_TARGET_MS = 2.0  # server time of a signed-in lesson page
SIGNED_IN_SHARE = 0.7
WRONG_CHECK_SHARE = 0.5  # knowledge checks answered wrongly
WRONG_QUIZ_SHARE = 0.4  # quizzes whose first try is all wrong (then retried right)
PASSWORD = "capacity bench password"  # noqa: S105
SIGNED_IN_LESSON = "lesson read (signed in)"


class JourneyBroken(Exception):
    """A request failed (the error is counted); the learner starts again from the catalogue."""


class StepOver(Exception):
    """The step's time is up; the learner stops where it is."""


# --------------------------------------------------------------------------- pages


@dataclass
class Form:
    action: str
    inputs: list[dict[str, str]] = field(default_factory=list)  # <input> and <button>
    selects: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return next((i.get("value", "") for i in self.inputs if i.get("name") == name), "")

    def hidden(self) -> list[tuple[str, str]]:
        return [(i["name"], i.get("value", "")) for i in self.inputs if i.get("type") == "hidden"]

    def prefilled(self) -> list[tuple[str, str]]:
        """Hidden and text fields as the page fills them, and the first named submit button."""
        kept = [
            (i["name"], i.get("value", ""))
            for i in self.inputs
            if i.get("name") and i.get("type", "text") in ("hidden", "text")
        ]
        return kept + self.button(None)

    def button(self, value: str | None) -> list[tuple[str, str]]:
        for i in self.inputs:
            if i.get("name") and i.get("type") == "submit" and value in (None, i.get("value")):
                return [(i["name"], i.get("value", ""))]
        return []


class _PageParser(HTMLParser):
    """Forms (fields, selects, buttons) and links with their class."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[tuple[str, str]] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append((a["href"], a.get("class", "")))
        elif tag == "form":
            self._form = Form(a.get("action", ""))
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            self._form.inputs.append({**a, "type": a.get("type", "text").lower()})
        elif tag == "button":
            self._form.inputs.append({**a, "type": a.get("type", "submit").lower()})
        elif tag == "select":
            self._select = a.get("name", "")
            self._form.selects[self._select] = []
        elif tag == "option" and self._select is not None:
            self._form.selects[self._select].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


# Only the forms and link tags are fed to the parser: a whole lesson page would cost the
# client a few milliseconds of CPU, which it needs for the load itself.
_FORMS_AND_LINKS = re.compile(r"<form\b.*?</form>|<a\s[^>]*>", re.DOTALL | re.IGNORECASE)


def parse(html: str) -> _PageParser:
    parser = _PageParser()
    parser.feed("".join(m.group(0) for m in _FORMS_AND_LINKS.finditer(html)))
    return parser


def local(url: str) -> str:
    """Path and query of a link or Location header, as a browser would request it."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --------------------------------------------------------------------------- answers

QUESTION_FIELD = re.compile(r"q(\d+)(?:-.+)?")
AnswerKey = dict[int, tuple[str, dict]]  # question id -> (type, data) as the database holds it


def load_answer_key(url: str) -> AnswerKey:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, type, data FROM questions")).all()
    finally:
        engine.dispose()
    return {
        qid: (kind, json.loads(data) if isinstance(data, str) else data) for qid, kind, data in rows
    }


def answer_question(kind: str, data: dict, name: str, right: bool) -> list[tuple[str, str]]:
    """Form pairs for one question, all right or all wrong."""
    if kind in ("single", "true_false", "scenario", "multiple"):
        good = [c["id"] for c in data["choices"] if c.get("correct")]
        bad = [c["id"] for c in data["choices"] if not c.get("correct")]
        picked = good if right else (bad[:1] or good[:1])
        picked = picked if kind == "multiple" else picked[:1]
        return [(name, choice) for choice in picked]
    if kind == "short_text":
        return [(name, data["accepted"][0] if right else "not the answer")]
    if kind == "ordering":
        items = [item["id"] for item in data["items"]]
        places = range(1, len(items) + 1) if right else range(len(items), 0, -1)
        return [(f"{name}-{item}", str(n)) for item, n in zip(items, places, strict=True)]
    raise ValueError(f"no answers for question type {kind!r}")


def answer_form(form: Form, prefix: str, key: AnswerKey, right: bool) -> list[tuple[str, str]]:
    """Answers to every question whose fields the form has (names q<ID>, q<ID>-<item>)."""
    names = [i.get("name", "") for i in form.inputs if i.get("type") != "hidden"]
    question_ids: dict[int, None] = {}
    for name in [*names, *form.selects]:
        match = QUESTION_FIELD.fullmatch(name.removeprefix(prefix))
        if match:
            question_ids[int(match.group(1))] = None
    pairs: list[tuple[str, str]] = []
    for qid in question_ids:
        kind, data = key[qid]
        pairs += answer_question(kind, data, f"{prefix}q{qid}", right)
    return pairs


# --------------------------------------------------------------------------- learners


@dataclass
class Ledger:
    """The writes the app acknowledged to one learner, with its session cookie at the time."""

    lessons: list[tuple[str, str, str]] = field(default_factory=list)  # cookie, slug, lesson
    attempts: list[tuple[str, str, int]] = field(default_factory=list)  # cookie, token, id
    certificates: list[tuple[str, str]] = field(default_factory=list)  # cookie, code


COURSE_PART = re.compile(r"/courses/([^/]+)/lessons/([^/]+)/complete")
ATTEMPT_ID = re.compile(r"/attempts/(\d+)$")


class VirtualLearner:
    """One browser: a cookie jar, one connection, and a learner's habits, in a loop."""

    def __init__(self, port: int, username: str | None, key: AnswerKey, seed: str) -> None:
        self.client = Client(port)
        self.username = username
        self.kind = "signed in" if username else "guest"
        self.key = key
        self.rng = random.Random(seed)
        self.ledger = Ledger()
        self.samples: list[tuple[str, float]] = []  # timed window only
        self.errors: list[tuple[str, str]] = []
        self.measure_from = self.stop_at = math.inf

    def send(self, method, path, form=None, expect=(200,)) -> tuple[int, str, str]:
        """One request, labelled by type; returns the status, Location and page."""
        label = request_type(method, urlsplit(path).path)
        if label == "lesson read":
            label = f"lesson read ({self.kind})"
        start = time.perf_counter()
        if start >= self.stop_at:
            raise StepOver
        try:
            status, headers, body = self.client.exchange(
                method, path, form, {"X-Bench-Type": label}
            )
        except (OSError, http.client.HTTPException) as exc:
            self.errors.append((label, f"{method} {path}: {type(exc).__name__}: {exc}"))
            raise JourneyBroken from exc
        if status not in expect:
            self.errors.append((label, f"{method} {path}: {status}"))
            raise JourneyBroken
        if start >= self.measure_from:
            self.samples.append((label, time.perf_counter() - start))
        return status, local(headers.get("Location", "")), body.decode("utf-8", "replace")

    def get(self, path: str) -> tuple[str, str]:
        """GET as a browser does, following the app's redirects; the final path and page."""
        for _ in range(5):
            status, location, html = self.send("GET", path, expect=(200, 302, 303))
            if status == 200:
                return path, html
            path = location
        self.errors.append(("redirects", f"more than 5 redirects from {path}"))
        raise JourneyBroken

    def find(self, found, what: str):
        if found is None:
            self.errors.append(("page", f"no {what}"))
            raise JourneyBroken
        return found

    def own_form(self, html: str, path: str) -> Form:
        """The form that posts back to the page's own URL (no action, or the same path)."""
        forms = parse(html).forms
        return self.find(
            next((f for f in forms if local(f.action) in ("", path)), None), f"form on {path}"
        )

    def session(self) -> str:
        return self.client.cookies.get("session", "")

    def sign_up(self) -> None:
        path, html = self.get("/account/sign-up")
        fields = dict(self.own_form(html, path).prefilled())
        fields.update(username=self.username, password=PASSWORD, display_name=self.username)
        self.send("POST", path, list(fields.items()), expect=(302, 303))

    def run(self) -> None:
        while True:
            try:
                self.take_a_course()
            except JourneyBroken:
                time.sleep(0.05)  # counted; begin again at the catalogue
            except StepOver:
                return

    def take_a_course(self) -> None:
        _, catalogue = self.get("/")
        courses = sorted(
            {
                local(h)
                for h, _ in parse(catalogue).links
                if request_type("GET", local(h)) == "course page"
            }
        )
        _, overview = self.get(
            self.rng.choice(self.find(courses or None, "course on the catalogue"))
        )
        lessons = [h for h, _ in parse(overview).links if request_type("GET", h) == "lesson read"]
        path, html = self.get(self.find(next(iter(lessons), None), "lesson on the course page"))
        while True:  # until the course ends: the claim, a certificate or the sign-in page
            kind = request_type("GET", urlsplit(path).path)
            if kind == "lesson read":
                path, html = self.read_lesson(html)
            elif kind == "quiz page":
                path, html = self.take_quiz(path, html)
            elif kind == "claim page":
                return self.claim(path, html)
            else:
                return

    def read_lesson(self, html: str) -> tuple[str, str]:
        page = parse(html)
        for form in page.forms:
            if "/checks/" in form.action:
                action = local(form.action)  # without the #fragment
                right = self.rng.random() >= WRONG_CHECK_SHARE
                answers = answer_form(form, action.rsplit("/", 1)[-1] + "-", self.key, right)
                self.send("POST", action, form.hidden() + answers)
        done = next((f for f in page.forms if f.action.endswith("/complete")), None)
        done = self.find(done, "Done form on the lesson page")
        _, location, _ = self.send("POST", done.action, done.prefilled(), expect=(302, 303))
        slug, lesson = COURSE_PART.fullmatch(done.action).groups()
        self.ledger.lessons.append((self.session(), slug, lesson))
        return self.get(location)

    def take_quiz(self, path: str, html: str) -> tuple[str, str]:
        right = self.rng.random() >= WRONG_QUIZ_SHARE
        while True:
            form = self.own_form(html, path)
            answers = form.hidden() + answer_form(form, "", self.key, right) + form.button("submit")
            _, location, _ = self.send("POST", path, answers, expect=(303,))
            attempt = self.find(ATTEMPT_ID.search(location), f"attempt id in {location}")
            token = form.value("submission_token")
            self.ledger.attempts.append((self.session(), token, int(attempt.group(1))))
            _, result = self.get(location)
            buttons = [local(h) for h, cls in parse(result).links if "button" in cls.split()]
            if right:
                onward = next(iter(buttons), None)
                if onward == path:
                    self.errors.append(("quiz submit", f"right answers did not pass {path}"))
                return self.get(self.find(onward, "next step on the quiz result"))
            path, html = self.get(self.find(path if path in buttons else None, "retry link"))
            right = True

    def claim(self, path: str, html: str) -> None:
        form = self.own_form(html, path)
        _, location, _ = self.send("POST", path, form.prefilled(), expect=(302, 303))
        self.ledger.certificates.append((self.session(), location.rsplit("/", 1)[-1]))
        self.get(location)


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


def check_writes(url: str, secret_key: str, learners: list[VirtualLearner]) -> list[str]:
    """Every acknowledged lesson done, quiz attempt and certificate, looked up in the database."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            learner_of_user = dict(
                conn.execute(
                    sa.text(
                        "SELECT u.username, l.id FROM users u JOIN learners l ON l.user_id = u.id"
                    )
                ).all()
            )
            progress = set(
                conn.execute(
                    sa.text(
                        "SELECT p.learner_id, c.slug, le.key FROM lesson_progress p "
                        "JOIN lessons le ON le.id = p.lesson_id JOIN courses c ON c.id = le.course_id"
                    )
                ).all()
            )
            attempts = {
                token: (learner_id, attempt_id)
                for token, learner_id, attempt_id in conn.execute(
                    sa.text("SELECT submission_token, learner_id, id FROM quiz_attempts")
                )
            }
            certificates = dict(
                conn.execute(sa.text("SELECT code, learner_id FROM certificates")).all()
            )
    finally:
        engine.dispose()

    app = Flask("capacity-bench")
    app.secret_key = secret_key
    cookies = SecureCookieSessionInterface().get_signing_serializer(app)

    def learner_id(learner: VirtualLearner, cookie: str) -> int | None:
        if learner.username:
            return learner_of_user.get(learner.username)
        return cookies.loads(cookie).get(GUEST_KEY) if cookie else None

    tallies = {
        "lesson done": [0, 0, []],
        "quiz submit": [0, 0, []],
        "certificate claim": [0, 0, []],
    }
    learners_matching = 0
    for learner in learners:
        checks = [
            ("lesson done", c, (slug, key), lambda who, w: (who, *w) in progress)
            for c, slug, key in learner.ledger.lessons
        ]
        checks += [
            ("quiz submit", c, (token, aid), lambda who, w: attempts.get(w[0]) == (who, w[1]))
            for c, token, aid in learner.ledger.attempts
        ]
        checks += [
            ("certificate claim", c, (code,), lambda who, w: certificates.get(w[0]) == who)
            for c, code in learner.ledger.certificates
        ]
        attempts_found = 0
        for kind, cookie, write, present in checks:
            who = learner_id(learner, cookie)
            tally = tallies[kind]
            tally[0] += 1
            if who is not None and present(who, write):
                tally[1] += 1
                attempts_found += kind == "quiz submit"
            elif len(tally[2]) < 3:
                tally[2].append(f"learner {who} {'/'.join(map(str, write))}")
        learners_matching += attempts_found == len(learner.ledger.attempts)

    lines = []
    for kind, (acknowledged, found, missing) in tallies.items():
        verdict = "PASS" if acknowledged == found else "FAIL (acknowledged writes lost)"
        extra = (
            f"; per learner: {learners_matching} of {len(learners)} counts match"
            if kind == "quiz submit"
            else ""
        )
        lines.append(
            f"{kind:<18}{acknowledged:>7,} acknowledged, {found:>7,} found{extra} -> {verdict}"
        )
        if missing:
            lines.append(f"{'':<18}missing, e.g. {'; '.join(missing)}")
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


def print_summary(results: list[StepResult], database: str, write_lines: list[str]) -> None:
    print(f"\nsummary ({database})")
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
    if fit:
        best = max(fit, key=lambda r: r.learners)
        verdict = "MET" if best.ratio >= target else "NOT MET"
        print(
            f"target    mixed/bare >= {target:.0%} on {database} at the highest step with p95 under "
            f"{P95_LIMIT_MS:.0f} ms ({best.learners} learners): {best.ratio:.0%} -> {verdict}"
        )
    else:
        best = results[0]
        print(
            f"target    mixed/bare >= {target:.0%}: no step had p95 under {P95_LIMIT_MS:.0f} ms -> NOT MET"
        )
    lesson = best.lesson_server_ms(0.5)
    verdict = "MET" if 0 < lesson <= LESSON_SERVER_TARGET_MS else "NOT MET"
    print(
        f"target    signed-in lesson page <= {LESSON_SERVER_TARGET_MS:g} ms server time (median at "
        f"{best.learners} learners): {lesson:.2f} ms -> {verdict}"
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
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def benchmark(args, tmp: Path, servers: list[Server], scratch: list[str]) -> None:
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

    app_port, hello_port = free_port(), free_port()
    while hello_port == app_port:
        hello_port = free_port()
    gunicorn = {"extra": ("--pythonpath", str(ROOT / "bench"))}
    gunicorn.update(workers=args.workers, worker_class=args.worker_class)
    servers.append(start_gunicorn("app", "timed_app:app", app_port, env, tmp, **gunicorn))
    servers.append(start_gunicorn("hello", "hello_app:app", hello_port, env, tmp, **gunicorn))
    wait_until_up(servers[0], "/healthz")
    wait_until_up(servers[1], "/")
    print(
        f"servers   app (timed_app) on :{app_port}, hello on :{hello_port} (gunicorn "
        f"--workers {args.workers} --worker-class {args.worker_class})"
    )

    timings = ServerTimings(timings_dir)
    results, everyone = [], []
    for step, n in enumerate(args.steps, start=1):
        print(f"running   {n} learners for {args.seconds:g}s, then the bare page ...", flush=True)
        result, learners = run_step(n, step, args, (app_port, hello_port), timings, key)
        print_step(result, args)
        results.append(result)
        everyone += learners
    print_summary(results, args.database, check_writes(url, env["SECRET_KEY"], everyone))


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
        "--import-wait", type=float, default=300.0, help="retry `flask courses import` this long"
    )
    args = parser.parse_args(argv)
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
        benchmark(args, tmp, servers, scratch)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
