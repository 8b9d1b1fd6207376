"""A small Learning Record Store for the tests, served over real HTTP from a thread. It
checks every statement against the xAPI 1.0.3 rules our statements touch and keeps each
statement id once; it can be told to fail the next requests."""

from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from datetime import datetime

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

TOP_LEVEL = {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored",
             "authority", "version", "attachments"}  # fmt: skip
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
IRI = re.compile(r"^[a-z][a-z0-9+.-]*:[^\s]+$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-5][0-9a-f]{3}-[089ab][0-9a-f]{3}-[0-9a-f]{12}$")
VERB_IDS = {
    "http://adlnet.gov/expapi/verbs/experienced",
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/answered",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/failed",
    "http://id.tincanapi.com/verb/earned",
}


def _language_map(value, where: str) -> list[str]:
    if not isinstance(value, dict) or not value:
        return [f"{where} is not a language map"]
    return [f"{where}: bad language tag {k!r}" for k in value if not LANGUAGE_TAG.match(k)]


def _activity(value, where: str) -> list[str]:
    problems = []
    if value.get("objectType", "Activity") != "Activity":
        problems.append(f"{where}.objectType is not Activity")
    if not IRI.match(value.get("id", "")):
        problems.append(f"{where}.id is not an IRI")
    definition = value.get("definition", {})
    if "type" in definition and not IRI.match(definition["type"]):
        problems.append(f"{where}.definition.type is not an IRI")
    if "name" in definition:
        problems += _language_map(definition["name"], f"{where}.definition.name")
    return problems


def statement_problems(s: dict, *, names_allowed: bool = False) -> list[str]:
    """What in one statement breaks xAPI 1.0.3 (or our rule of no names or addresses)."""
    problems = [f"unknown property {k}" for k in s if k not in TOP_LEVEL]
    if not UUID.match(s.get("id", "")):
        problems.append("id is not a lowercase UUID")
    agent = s.get("actor", {})
    ifis = [k for k in ("mbox", "mbox_sha1sum", "openid", "account") if k in agent]
    if agent.get("objectType", "Agent") != "Agent" or ifis != ["account"]:
        problems.append("actor must be an Agent identified by an account only")
    account = agent.get("account", {})
    if not re.match(r"^https?://", account.get("homePage", "")) or not account.get("name"):
        problems.append("account needs homePage (a URL) and name")
    if "name" in agent and not names_allowed:
        problems.append("actor carries a name")
    verb = s.get("verb", {})
    if verb.get("id") not in VERB_IDS:
        problems.append(f"unexpected verb {verb.get('id')}")
    problems += _language_map(verb.get("display"), "verb.display")
    problems += _activity(s.get("object", {}), "object")
    result = s.get("result")
    if result is not None:
        score = result.get("score")
        if score is not None:
            if not -1 <= score.get("scaled", 0) <= 1:
                problems.append("score.scaled outside -1..1")
            if "raw" in score and not score.get("min", score["raw"]) <= score["raw"] <= score.get(
                "max", score["raw"]
            ):
                problems.append("score.raw outside min..max")
            if "min" in score and "max" in score and not score["min"] < score["max"]:
                problems.append("score.min not below max")
        for key in ("success", "completion"):
            if key in result and not isinstance(result[key], bool):
                problems.append(f"result.{key} is not a boolean")
        if "response" in result and not isinstance(result["response"], str):
            problems.append("result.response is not a string")
    context = s.get("context", {})
    if "language" in context and not LANGUAGE_TAG.match(context["language"]):
        problems.append("context.language is not a language tag")
    for kind, activities in context.get("contextActivities", {}).items():
        if kind not in {"parent", "grouping", "category", "other"}:
            problems.append(f"contextActivities.{kind} is not a known kind")
        for n, activity in enumerate(activities if isinstance(activities, list) else [activities]):
            problems += _activity(activity, f"contextActivities.{kind}[{n}]")
    try:
        moment = datetime.fromisoformat(s["timestamp"].replace("Z", "+00:00"))
        if moment.tzinfo is None:
            problems.append("timestamp has no time zone")
    except (KeyError, ValueError):
        problems.append("timestamp is not ISO 8601")
    return problems


class StubLrs:
    def __init__(self, username: str = "lrs-key", password: str = "lrs-secret") -> None:
        self.credentials = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.statements: dict[str, dict] = {}
        self.requests = 0
        self.fail_next = 0
        self.problems: list[str] = []
        self.names_allowed = False
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        return self.handle(Request(environ))(environ, start_response)

    def handle(self, request: Request) -> Response:
        with self._lock:
            self.requests += 1
            if self.fail_next:
                self.fail_next -= 1
                return Response("busy", status=503)
            if request.path != "/xapi/statements" or request.method != "POST":
                return Response("not found", status=404)
            if not request.headers.get("X-Experience-API-Version", "").startswith("1.0."):
                return self._bad("missing or wrong X-Experience-API-Version header")
            if request.headers.get("Authorization") != f"Basic {self.credentials}":
                return Response("unauthorized", status=401)
            if request.mimetype != "application/json":
                return self._bad("Content-Type is not application/json")
            body = json.loads(request.get_data())
            batch = body if isinstance(body, list) else [body]
            for statement in batch:
                found = statement_problems(statement, names_allowed=self.names_allowed)
                if found:
                    return self._bad(f"{statement.get('id')}: {found}")
                kept = self.statements.get(statement["id"])
                if kept is not None and kept != statement:
                    return Response("conflict", status=409)
            for statement in batch:
                self.statements.setdefault(statement["id"], statement)
            ids = [s["id"] for s in batch]
            return Response(json.dumps(ids), status=200, mimetype="application/json")

    def _bad(self, problem: str) -> Response:
        self.problems.append(problem)
        return Response(problem, status=400)

    def verbs(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for statement in self.statements.values():
            verb = statement["verb"]["display"]["en-US"]
            counts[verb] = counts.get(verb, 0) + 1
        return counts


def serve(lrs: StubLrs):
    """Starts the LRS on a free port; returns (base URL of its xAPI endpoint, stop)."""
    server = make_server("127.0.0.1", 0, lrs, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.port}/xapi/", server.shutdown


def new_id() -> str:
    return str(uuid.uuid4())
