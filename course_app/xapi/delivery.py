"""Sending the outbox to the LRS: oldest first, in batches; a failed batch waits longer each
time (30 s, 1 min, 2 min ... up to 6 hours) with everything after it, and nothing is ever
dropped. An LRS keeps a statement id once, so a batch sent again after a lost answer is
harmless."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from flask import current_app
from sqlalchemy import func, select

from course_app.db import utc_now
from course_app.extensions import db
from course_app.xapi.models import OutboxStatement
from course_app.xapi.statements import XAPI_VERSION

FIRST_DELAY = timedelta(seconds=30)
LONGEST_DELAY = timedelta(hours=6)
TIMEOUT_SECONDS = 15
ERROR_LENGTH = 500


class LrsError(RuntimeError):
    """The LRS did not accept a batch (no answer, or an answer other than success)."""


def retry_delay(attempts: int) -> timedelta:
    """How long a batch that has failed `attempts` times waits before the next try."""
    doublings = min(max(attempts - 1, 0), 20)  # 30 s * 2**20 is far past the longest wait
    return min(FIRST_DELAY * 2**doublings, LONGEST_DELAY)


def post_statements(bodies: list[dict]) -> None:
    """POSTs the statements to the LRS's statements resource as one JSON array."""
    config = current_app.config
    url = config["XAPI_ENDPOINT"].rstrip("/") + "/statements"
    try:
        response = requests.post(
            url,
            json=bodies,
            auth=(config["XAPI_USERNAME"], config["XAPI_PASSWORD"]),
            headers={"X-Experience-API-Version": XAPI_VERSION},
            timeout=TIMEOUT_SECONDS,
        )
    except requests.RequestException as error:
        raise LrsError(f"no answer from {url}: {type(error).__name__}") from error
    if not 200 <= response.status_code < 300:
        raise LrsError(f"{url} answered {response.status_code}: {response.text[:200]}")


@dataclass(frozen=True)
class BatchResult:
    sent: int = 0
    failed: int = 0
    error: str = ""


def send_batch(now: datetime | None = None, *, ignore_waits: bool = False) -> BatchResult:
    """Sends the oldest waiting statements (XAPI_BATCH_SIZE at most) unless they wait after a
    failure, and records the outcome; flushes. With ignore_waits they go now anyway."""
    now = now or utc_now()
    batch = list(
        db.session.scalars(
            select(OutboxStatement)
            .where(OutboxStatement.sent_at.is_(None))
            .order_by(OutboxStatement.id)
            .limit(current_app.config["XAPI_BATCH_SIZE"])
        )
    )
    # In order, oldest first: while the oldest waits after a failure, everything waits (the
    # LRS is down for all of them, and it receives them in the order they happened).
    if not batch or (batch[0].next_attempt_at > now and not ignore_waits):
        return BatchResult()
    try:
        post_statements([row.body for row in batch])
    except LrsError as error:
        for row in batch:
            row.attempts += 1
            row.next_attempt_at = now + retry_delay(row.attempts)
            row.last_error = str(error)[:ERROR_LENGTH]
        db.session.flush()
        return BatchResult(failed=len(batch), error=str(error))
    for row in batch:
        row.sent_at = now
        row.last_error = None
    db.session.flush()
    return BatchResult(sent=len(batch))


def send_due(now: datetime | None = None, *, ignore_waits: bool = False) -> BatchResult:
    """Sends batches until none is due or one fails, committing after each batch (a job's or
    a command's own transaction, never a request's). Returns the totals."""
    sent = 0
    while True:
        result = send_batch(now, ignore_waits=ignore_waits)
        db.session.commit()
        sent += result.sent
        if result.failed or not result.sent:
            return BatchResult(sent=sent, failed=result.failed, error=result.error)


@dataclass(frozen=True)
class Backlog:
    waiting: int
    retrying: int
    sent: int
    oldest: list[OutboxStatement]


def backlog(limit: int = 20) -> Backlog:
    """How many statements wait (new, or after a failure), how many were sent, and the
    oldest waiting ones."""
    unsent = OutboxStatement.sent_at.is_(None)

    def count(*where) -> int:
        return db.session.scalar(select(func.count(OutboxStatement.id)).where(*where))

    retrying = count(unsent, OutboxStatement.attempts > 0)
    oldest = select(OutboxStatement).where(unsent).order_by(OutboxStatement.id).limit(limit)
    return Backlog(
        waiting=count(unsent) - retrying,
        retrying=retrying,
        sent=count(OutboxStatement.sent_at.is_not(None)),
        oldest=list(db.session.scalars(oldest)),
    )
