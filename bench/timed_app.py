"""The course app behind a WSGI wrapper that records how long each request spends in the app.

Served by bench/capacity.py as `gunicorn --pythonpath bench timed_app:app`, with the same
settings as the plain app. Each gunicorn worker appends one line per request to
`$BENCH_TIMINGS_DIR/<pid>.tsv`: the request type, wall milliseconds and CPU milliseconds, from
the call into the app until its response body has been produced and closed (Flask's teardown
included, the socket write not). The type comes from the client's `X-Bench-Type` header, or
else from the URL (bench/request_types.py, the patterns the client labels its requests with).
Nothing here changes what the app does: course_app/ has no timing code of its own.
"""

from __future__ import annotations

import os
import time

from request_types import request_type

from wsgi import app as course_app


class _Recorder:
    """One append-only file per worker process (gunicorn forks the workers after import)."""

    def __init__(self, directory: str | None) -> None:
        self.directory = directory
        self.pid = 0
        self.fd = -1

    def write(self, label: str, wall: float, cpu: float) -> None:
        if not self.directory:
            return
        if self.pid != os.getpid():
            self.pid = os.getpid()
            path = os.path.join(self.directory, f"{self.pid}.tsv")
            self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        # One write per line, unbuffered: nothing is lost when gunicorn stops the worker, and
        # the reader never sees half a line between two requests.
        os.write(self.fd, f"{label}\t{wall * 1000:.3f}\t{cpu * 1000:.3f}\n".encode())


_recorder = _Recorder(os.environ.get("BENCH_TIMINGS_DIR"))


def app(environ, start_response):
    label = environ.get("HTTP_X_BENCH_TYPE") or request_type(
        environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
    )
    wall, cpu = time.perf_counter(), time.thread_time()
    body = course_app(environ, start_response)
    try:
        chunks = list(body)  # HTML pages: the body is produced here, not while it is sent
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    _recorder.write(label, time.perf_counter() - wall, time.thread_time() - cpu)
    return chunks
