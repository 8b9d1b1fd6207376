"""Virtual learners for bench/capacity.py: a browser each, using the app's pages as a learner does.

A learner finds a course on the catalogue, opens its first lesson, answers the lesson's
knowledge checks (half of them wrongly), presses Done and follows the redirect, which leads to
the next lesson, a module quiz or the certificate. Quizzes are answered from the answer key (the
`questions` rows the bench imported); some first tries are all wrong, then retried from the
result page's link. At the end of a course a signed-in learner claims the certificate; a guest
is sent to the sign-in page. Links and forms are read from the HTML, CSRF token included.
Every write the app acknowledges is noted with the learner's session cookie at the time, so
the bench can look it up in the database afterwards.
"""

from __future__ import annotations

import http.client
import json
import math
import random
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import sqlalchemy as sa
from http_bench import Client
from request_types import request_type

PASSWORD = "capacity bench password"  # noqa: S105
WRONG_CHECK_SHARE = 0.5  # knowledge checks answered wrongly
WRONG_QUIZ_SHARE = 0.4  # quizzes whose first try is all wrong (then retried right)
QUESTION_FIELD = re.compile(r"q(\d+)(?:-.+)?")  # q<ID>, or q<ID>-<item> for ordering
COMPLETE_ACTION = re.compile(r"/courses/([^/]+)/lessons/([^/]+)/complete")
ATTEMPT_ID = re.compile(r"/attempts/(\d+)$")
# Only forms and link tags are parsed: a whole lesson page would cost the client a few
# milliseconds of CPU, which it needs for the load itself.
FORMS_AND_LINKS = re.compile(r"<form\b.*?</form>|<a\s[^>]*>", re.DOTALL | re.IGNORECASE)

AnswerKey = dict[int, tuple[str, dict]]  # question id -> (type, data) as the database holds it
Pairs = list[tuple[str, str]]


class JourneyBroken(Exception):
    """A request failed (the error is counted); the learner begins again at the catalogue."""


class StepOver(Exception):
    """The step's time is up; the learner stops where it is."""


# --------------------------------------------------------------------------- pages


@dataclass
class Form:
    action: str
    inputs: list[dict[str, str]] = field(default_factory=list)  # <input> and <button>
    selects: list[str] = field(default_factory=list)

    def value(self, name: str) -> str:
        return next((i.get("value", "") for i in self.inputs if i.get("name") == name), "")

    def fields(self, *types: str) -> Pairs:
        return [
            (i["name"], i.get("value", ""))
            for i in self.inputs
            if i.get("name") and i["type"] in types
        ]

    def hidden(self) -> Pairs:
        return self.fields("hidden")

    def prefilled(self) -> Pairs:
        """Hidden and text fields as the page fills them, and the first named submit button."""
        return self.fields("hidden", "text") + self.button(None)

    def button(self, value: str | None) -> Pairs:
        for i in self.inputs:
            if i.get("name") and i["type"] == "submit" and value in (None, i.get("value")):
                return [(i["name"], i.get("value", ""))]
        return []


class Page(HTMLParser):
    """A page's forms (fields, selects, buttons) and links (href, class)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[tuple[str, str]] = []
        self._form: Form | None = None
        self.feed("".join(m.group(0) for m in FORMS_AND_LINKS.finditer(html)))

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append((local(a["href"]), a.get("class", "")))
        elif tag == "form":
            self._form = Form(a.get("action", ""))
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "button"):
            default = "text" if tag == "input" else "submit"
            self._form.inputs.append({**a, "type": a.get("type", default).lower()})
        elif self._form is not None and tag == "select":
            self._form.selects.append(a.get("name", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None

    def links_to(self, kind: str) -> list[str]:
        return [href for href, _ in self.links if request_type("GET", urlsplit(href).path) == kind]


def local(url: str) -> str:
    """Path and query of a link or Location header, as a browser requests it (no #fragment)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --------------------------------------------------------------------------- answers


def load_answer_key(url: str) -> AnswerKey:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, type, data FROM questions")).all()
    finally:
        engine.dispose()
    return {q: (kind, json.loads(d) if isinstance(d, str) else d) for q, kind, d in rows}


def answer_question(kind: str, data: dict, name: str, right: bool) -> Pairs:
    """Form pairs for one question, right or wrong."""
    if kind in ("single", "true_false", "scenario", "multiple", "hotspot"):
        good = [c["id"] for c in data["choices"] if c.get("correct")]
        bad = [c["id"] for c in data["choices"] if not c.get("correct")]
        picked = good if right else (bad[:1] or good[:1])
        return [(name, choice) for choice in (picked if kind == "multiple" else picked[:1])]
    if kind == "short_text":
        return [(name, data["accepted"][0] if right else "not the answer")]
    if kind == "ordering":
        items = [item["id"] for item in data["items"]]
        places = range(1, len(items) + 1) if right else range(len(items), 0, -1)
        return [(f"{name}-{item}", str(n)) for item, n in zip(items, places, strict=True)]
    if kind == "form_practice":
        return [
            (f"{name}-{box['id']}", box["accepted"][0] if right else "not sure")
            for box in data["fields"]
        ]
    raise ValueError(f"no answers for question type {kind!r}")


def answer_form(form: Form, prefix: str, key: AnswerKey, right: bool) -> Pairs:
    """Answers to every question whose fields the form has."""
    names = [i.get("name", "") for i in form.inputs if i["type"] != "hidden"] + form.selects
    matches = [QUESTION_FIELD.fullmatch(name.removeprefix(prefix)) for name in names]
    question_ids = dict.fromkeys(int(m.group(1)) for m in matches if m)
    pairs: Pairs = []
    for qid in question_ids:
        kind, data = key[qid]
        pairs += answer_question(kind, data, f"{prefix}q{qid}", right)
    return pairs


# --------------------------------------------------------------------------- learners


class VirtualLearner:
    """One browser (a cookie jar and a connection) and a learner's habits, in a loop."""

    def __init__(self, port: int, username: str | None, key: AnswerKey, seed: str) -> None:
        self.client = Client(port)
        self.username = username
        self.kind = "signed in" if username else "guest"
        self.key = key
        self.rng = random.Random(seed)
        # Acknowledged writes: (request type, session cookie then, what identifies the row).
        self.writes: list[tuple[str, str, tuple]] = []
        self.samples: list[tuple[str, float]] = []  # (request type, seconds), timed window only
        self.errors: list[tuple[str, str]] = []
        self.measure_from = self.stop_at = math.inf

    def send(self, method: str, path: str, form: Pairs | None = None, expect=(200,)):
        """One request, labelled by type; returns the status, the Location and the page."""
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
            raise self.broken(label, f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        if status not in expect:
            raise self.broken(label, f"{method} {path}: {status}")
        if start >= self.measure_from:
            self.samples.append((label, time.perf_counter() - start))
        return status, local(headers.get("Location", "")), body.decode("utf-8", "replace")

    def broken(self, label: str, message: str) -> JourneyBroken:
        self.errors.append((label, message))
        return JourneyBroken(message)

    def get(self, path: str) -> tuple[str, str]:
        """GET as a browser does, following the app's redirects; the final path and page."""
        for _ in range(5):
            status, location, html = self.send("GET", path, expect=(200, 302, 303))
            if status == 200:
                return path, html
            path = location
        raise self.broken("redirects", f"more than 5 redirects, last to {path}")

    def own_form(self, html: str, path: str) -> Form:
        """The form that posts back to its page (no action, or the page's own path)."""
        form = next((f for f in Page(html).forms if local(f.action) in ("", path)), None)
        if form is None:
            raise self.broken("page", f"no form on {path}")
        return form

    def noted(self, kind: str, *row) -> None:
        self.writes.append((kind, self.client.cookies.get("session", ""), row))

    def sign_up(self) -> None:
        path, html = self.get("/account/sign-up")
        fields = dict(self.own_form(html, path).prefilled())
        fields.update(username=self.username, password=PASSWORD, display_name=self.username)
        self.send("POST", path, list(fields.items()), expect=(302, 303))

    def run(self) -> None:
        while True:
            try:
                self.take_a_course()
            except StepOver:
                return
            except JourneyBroken:
                time.sleep(0.05)  # counted; begin again at the catalogue
            except Exception as exc:  # a page the client cannot follow: counted, not fatal
                self.errors.append(("client", f"{type(exc).__name__}: {exc}"))
                time.sleep(0.05)

    def take_a_course(self) -> None:
        courses = sorted(set(Page(self.get("/")[1]).links_to("course page")))
        if not courses:
            raise self.broken("catalogue", "no course links on the catalogue")
        lessons = Page(self.get(self.rng.choice(courses))[1]).links_to("lesson read")
        if not lessons:
            raise self.broken("course page", "no lesson links on the course page")
        path, html = self.get(lessons[0])
        while True:  # until the course ends: a claim, a certificate, or the sign-in page
            kind = request_type("GET", urlsplit(path).path)
            if kind == "lesson read":
                path, html = self.read_lesson(path, html)
            elif kind == "quiz page":
                path, html = self.take_quiz(path, html)
            elif kind == "claim page":
                if self.username is None:
                    return  # a guest is offered an account (or sign-in) for the certificate
                return self.claim(path, html)
            else:
                return

    def read_lesson(self, path: str, html: str) -> tuple[str, str]:
        page = Page(html)
        for form in page.forms:
            if "/checks/" in form.action:
                action = local(form.action)
                right = self.rng.random() >= WRONG_CHECK_SHARE
                prefix = action.rsplit("/", 1)[-1] + "-"  # the check's key
                # Post/redirect/get: the feedback is on the lesson page the answer leads back to.
                _, location, _ = self.send(
                    "POST",
                    action,
                    form.hidden() + answer_form(form, prefix, self.key, right),
                    expect=(303,),
                )
                self.get(location)
        done = next((f for f in page.forms if COMPLETE_ACTION.fullmatch(local(f.action))), None)
        if done is None:
            raise self.broken("page", f"no Done form on {path}")
        _, location, _ = self.send("POST", done.action, done.prefilled(), expect=(302, 303))
        self.noted("lesson done", *COMPLETE_ACTION.fullmatch(local(done.action)).groups())
        return self.get(location)

    def take_quiz(self, path: str, html: str) -> tuple[str, str]:
        right = self.rng.random() >= WRONG_QUIZ_SHARE
        while True:
            form = self.own_form(html, path)
            answers = form.hidden() + answer_form(form, "", self.key, right) + form.button("submit")
            _, location, _ = self.send("POST", path, answers, expect=(303,))
            attempt = ATTEMPT_ID.search(location)
            if attempt is None:
                raise self.broken("quiz submit", f"no attempt in the redirect to {location}")
            self.noted("quiz submit", form.value("submission_token"), int(attempt.group(1)))
            buttons = [
                href for href, cls in Page(self.get(location)[1]).links if "button" in cls.split()
            ]
            if right and buttons and buttons[0] != path:
                return self.get(buttons[0])  # the next step, or the certificate
            if right or path not in buttons:
                raise self.broken("quiz result", f"no way on after {location} (right: {right})")
            path, html = self.get(path)  # "Try the quiz again"
            right = True

    def claim(self, path: str, html: str) -> None:
        # The name starts empty; the learner types it, then confirms it on the page shown back.
        form = self.own_form(html, path)
        typed = [(k, v) for k, v in form.prefilled() if k != "recipient_name"]
        typed.append(("recipient_name", "Bench Learner"))
        _, _, confirm_page = self.send("POST", path, typed, expect=(200,))
        confirm = self.own_form(confirm_page, path)
        _, location, _ = self.send("POST", path, confirm.prefilled(), expect=(302, 303))
        self.noted("certificate claim", location.rsplit("/", 1)[-1])
        self.get(location)
