"""The queue's job that empties the outbox, queued after each commit that added statements.

A failed batch makes the job fail, and the queue tries it again with growing delays; the
statements wait in the outbox meanwhile (delivery.py), so a job whose tries are spent loses
nothing: the next event's job, `flask xapi send` or `flask xapi resend` sends them."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import event

from course_app.extensions import db
from course_app.jobs import job
from course_app.xapi.delivery import LrsError, send_due
from course_app.xapi.subscribers import PENDING, QUEUED, is_enabled, write_pending


@job(retries=8, retry_delay=30, retry_backoff=2.0)
def send_statements() -> None:
    """Sends every due statement; fails (to be tried again) while the LRS refuses them."""
    if not is_enabled(current_app.config):
        return
    result = send_due()
    if result.failed:
        raise LrsError(result.error)


def _queue_after_commit(session) -> None:
    if session.info.pop(QUEUED, False):
        send_statements()


def _forget(session, *_args) -> None:
    session.info.pop(QUEUED, None)
    session.info.pop(PENDING, None)


def connect() -> None:
    if not event.contains(db.session, "after_commit", _queue_after_commit):
        event.listen(db.session, "before_commit", write_pending)
        event.listen(db.session, "after_commit", _queue_after_commit)
        event.listen(db.session, "after_rollback", _forget)
