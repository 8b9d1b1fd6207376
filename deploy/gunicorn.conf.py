"""gunicorn settings, used by `make run` and by deploy/course-app.service.

Every value can be set from the environment (the service's env file): GUNICORN_BIND,
GUNICORN_WORKERS, GUNICORN_TIMEOUT, GUNICORN_MAX_REQUESTS. See deploy/README.md.
"""

import os
import shutil
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each answers one request at a time. Two per CPU core is a good start; the
# database pool (5 + 10 overflow per worker) must fit PostgreSQL's max_connections.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# A request still running after this many seconds is killed with its worker. The database's
# statement timeout (DATABASE_STATEMENT_TIMEOUT, 25 s) stops a slow query first.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Each worker is replaced after this many requests (with jitter, so not all at once): memory
# that creeps up never becomes an outage.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
keepalive = 5
# Whose X-Forwarded-Proto gunicorn believes (the page is then https for the app, and the
# CSRF check compares the Referer with it): nginx's address; 127.0.0.1 when on this machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None  # the app writes one JSON line per request (course_app/request_log.py)
errorlog = "-"

# Prometheus: each worker writes its figures here; /metrics adds them up (course_app/metrics.py).
# Set before any worker imports the app, which is when prometheus_client reads it.
_metrics_dir = Path(
    os.environ.setdefault(
        "PROMETHEUS_MULTIPROC_DIR",
        str(Path(__file__).resolve().parent.parent / "instance" / "prometheus"),
    )
)


def on_starting(server):
    """Figures of a previous run would be added to this one's: start from none."""
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    _metrics_dir.mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
