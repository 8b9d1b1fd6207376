"""xAPI 1.0.3 statements built from plain values: no Flask, no database. Verbs are the ADL
registry's (and the Tin Can registry's `earned`), activity types the ADL ones."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

XAPI_VERSION = "1.0.3"
ADL = "http://adlnet.gov/expapi"
VERBS = {
    "experienced": f"{ADL}/verbs/experienced",
    "completed": f"{ADL}/verbs/completed",
    "answered": f"{ADL}/verbs/answered",
    "passed": f"{ADL}/verbs/passed",
    "failed": f"{ADL}/verbs/failed",
    "earned": "http://id.tincanapi.com/verb/earned",
}
ACTIVITY_TYPES = {
    "course": f"{ADL}/activities/course",
    "lesson": f"{ADL}/activities/lesson",
    "assessment": f"{ADL}/activities/assessment",
    "interaction": f"{ADL}/activities/cmi.interaction",
    "badge": "http://activitystrea.ms/schema/1.0/badge",
}
# Statement ids are made from what happened, so the same event never makes two statements.
STATEMENT_NAMESPACE = uuid.UUID("6f0d3c0e-7c1a-4d8e-9b5e-3f1f3a8e2c41")


def pseudonym(key: str, learner_id: int) -> str:
    """A stable id for a learner that says nothing about them without the key."""
    digest = hmac.new(key.encode("utf-8"), f"learner:{learner_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def statement_id(home_page: str, *what: object) -> str:
    return str(uuid.uuid5(STATEMENT_NAMESPACE, "|".join([home_page, *map(str, what)])))


def timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Activity:
    iri: str
    kind: str  # a key of ACTIVITY_TYPES
    name: str
    language: str

    def as_object(self) -> dict[str, Any]:
        return {
            "objectType": "Activity",
            "id": self.iri,
            "definition": {
                "type": ACTIVITY_TYPES[self.kind],
                "name": {self.language: self.name},
            },
        }


def actor(home_page: str, account_name: str, display_name: str | None = None) -> dict:
    """An Agent identified by an account on this site; a name only where allowed."""
    agent: dict[str, Any] = {
        "objectType": "Agent",
        "account": {"homePage": home_page, "name": account_name},
    }
    if display_name:
        agent["name"] = display_name
    return agent


def score_result(correct: int, total: int, passed: bool) -> dict[str, Any]:
    """A quiz result: the score as raw, min, max and scaled (0..1), success, completion."""
    return {
        "score": {
            "scaled": round(correct / total, 4) if total else 0.0,
            "raw": correct,
            "min": 0,
            "max": total,
        },
        "success": passed,
        "completion": True,
    }


def make_statement(
    *,
    id_: str,
    agent: dict,
    verb: str,
    activity: Activity,
    at: datetime,
    platform: str,
    parents: tuple[Activity, ...] = (),
    grouping: tuple[Activity, ...] = (),
    result: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One statement: actor, verb (with its English display), object, context, timestamp."""
    context: dict[str, Any] = {"platform": platform, "language": activity.language}
    activities = {}
    if parents:
        activities["parent"] = [a.as_object() for a in parents]
    if grouping:
        activities["grouping"] = [a.as_object() for a in grouping]
    if activities:
        context["contextActivities"] = activities
    statement: dict[str, Any] = {
        "id": id_,
        "actor": agent,
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": activity.as_object(),
        "context": context,
        "timestamp": timestamp(at),
    }
    if result is not None:
        statement["result"] = result
    return statement


def response_text(response: Any) -> str:
    """A learner's answer as xAPI's response string (choices joined by '[,]')."""
    if isinstance(response, list):
        return "[,]".join(str(item) for item in response)
    if isinstance(response, dict):
        return "[,]".join(f"{k}[.]{v}" for k, v in sorted(response.items()))
    return "" if response is None else str(response)
