"""Liveness for load balancers and monitoring: the database, and Redis where it is used.

The database down is a 503 (nothing works without it). Redis down is reported but answers
200 with status "degraded": pages still work, queued jobs wait, sign-in limits fall back
(README: "Sign-in limits when Redis is down"); taking every server out of the balancer for
it would turn a degraded site into an outage.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from course_app.extensions import db

bp = Blueprint("health", __name__)


def redis_urls(config) -> list[str]:
    """The Redis servers this app uses: the job queue's and the rate limits'."""
    urls = [config.get("JOBS_REDIS_URL") or "", config.get("RATELIMIT_STORAGE_URI") or ""]
    return sorted({url for url in urls if url.startswith(("redis://", "rediss://"))})


def _redis_ok() -> bool:
    clients = current_app.extensions.setdefault("health_redis", {})
    for url in redis_urls(current_app.config):
        if url not in clients:
            clients[url] = Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        try:
            clients[url].ping()
        except RedisError:
            return False
    return True


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    body = {"status": "ok", "database": "ok"}
    if redis_urls(current_app.config):
        body["redis"] = "ok" if _redis_ok() else "down"
        if body["redis"] != "ok":
            body["status"] = "degraded"
    return jsonify(body)
