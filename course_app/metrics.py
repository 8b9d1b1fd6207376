"""Prometheus metrics at /metrics: requests and latencies by route, database pool use, job
queue depth, sign-in failures.

Under gunicorn each worker is a process: with PROMETHEUS_MULTIPROC_DIR set (deploy/
gunicorn.conf.py sets it and clears a dead worker's files) every worker writes its values
there and /metrics adds them up, whichever worker answers. /metrics answers only the trusted
network (METRICS_ALLOW_FROM) or a request with `Authorization: Bearer METRICS_TOKEN`; anyone
else gets a 404.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time

from flask import Blueprint, Flask, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from course_app.extensions import db
from course_app.jobs import queue_depth

REQUESTS = Counter(
    "course_app_http_requests_total",
    "Requests answered, by route, method and status.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "course_app_http_request_duration_seconds",
    "Time to answer a request, by route and method.",
    ["route", "method"],
    buckets=(0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8),
)
POOL_IN_USE = Gauge(
    "course_app_db_pool_connections_in_use",
    "Database connections checked out of the pools, all workers together.",
    multiprocess_mode="livesum",
)
QUEUE_DEPTH = Gauge(
    "course_app_job_queue_depth",
    "Jobs waiting to run or to be retried (-1: the queue could not be read).",
    multiprocess_mode="mostrecent",
)
SIGN_IN_FAILURES = Counter(
    "course_app_sign_in_failures_total",
    "Sign-in attempts refused (a wrong name or password, a stale form) or stopped for too many"
    " tries.",
    ["reason"],
)

bp = Blueprint("metrics", __name__)


def _trusted(address: str | None) -> bool:
    allowed = current_app.config.get("METRICS_ALLOW_FROM") or ""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(
        ip in ipaddress.ip_network(net.strip(), strict=False)
        for net in allowed.split(",")
        if net.strip()
    )


def _token_given() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or ""
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@bp.get("/metrics")
def metrics():
    if not (_token_given() or _trusted(request.remote_addr)):
        abort(404)
    try:
        QUEUE_DEPTH.set(queue_depth())
    except Exception:  # Redis away: the figure says so, /metrics still answers
        current_app.logger.warning("job queue depth could not be read")
        QUEUE_DEPTH.set(-1)
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), 200, {"Content-Type": CONTENT_TYPE_LATEST}


def init_metrics(app: Flask) -> None:
    @app.after_request
    def count_request(response):
        route = request.url_rule.rule if request.url_rule else "(no route)"
        REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        if "request_started" in g:
            LATENCY.labels(route, request.method).observe(time.perf_counter() - g.request_started)
        if request.endpoint == "accounts.sign_in" and request.method == "POST":
            if response.status_code == 429:
                SIGN_IN_FAILURES.labels("too-many-tries").inc()
            elif response.status_code != 302:
                SIGN_IN_FAILURES.labels("refused").inc()
        pool = db.engine.pool
        if hasattr(pool, "checkedout"):
            POOL_IN_USE.set(pool.checkedout())
        return response
