"""Where a lesson request's time goes, in-process: CPU time per request and a cProfile listing.

Run by hand from the project root:

    .venv/bin/python bench/profile_lesson.py                    # guest and learner, timings
    .venv/bin/python bench/profile_lesson.py --profile guest    # plus cProfile, cumulative
    .venv/bin/python bench/profile_lesson.py --requests 2000 --profile learner --top 40

It builds a throwaway SQLite database (migrations, the sample course), makes the app with the
benchmark's production settings, and calls its WSGI interface directly with a prepared request
(no server, no sockets, no test client in the timed loop): a guest who keeps the session cookie
as the benchmark's client does, a signed-in learner, the catalogue, /healthz, and the bare page
of bench/hello_app.py for scale. Requests carry an Accept-Language header, as browsers' do.
The CPU time of the process is reported, best of several interleaved batches, since the machine
is often shared. Add --profile for a cProfile listing (it inflates call-heavy code several
times over, so read it for shares, not for absolute times).
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE = "sample-health-basics"


def make_app(tmp: Path):
    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'profile.db'}",
            "SECRET_KEY": secrets.token_hex(32),
            "APP_ENV": "production",
            "BASE_URL": "http://127.0.0.1",
            "TRUSTED_HOSTS": "127.0.0.1,localhost",
            "RATELIMIT_ENABLED": "false",
        }
    )
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from course_app import create_app
    from course_app.content.importer import import_courses
    from course_app.extensions import db
    from tests.factories import make_user

    app = create_app()
    logging.disable(logging.INFO)  # Alembic's progress lines
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        report = import_courses(Path(app.config["COURSES_DIR"]) / COURSE)
        assert report.ok, report.problems
        make_user(username="reader", role="learner", password="correct horse battery")
        db.session.commit()
    return app


def lesson_path(app) -> str:
    from sqlalchemy import select

    from course_app.content.models import Course, Lesson
    from course_app.extensions import db

    with app.app_context():
        key = db.session.scalar(
            select(Lesson.key)
            .join(Course, Course.id == Lesson.course_id)
            .where(Course.slug == COURSE)
            .order_by(Lesson.position)
            .limit(1)
        )
    return f"/courses/{COURSE}/lessons/{key}"


def signed_in_client(app):
    import re

    client = app.test_client()
    page = client.get("/account/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/account/sign-in",
        data={"username": "reader", "password": "correct horse battery", "csrf_token": token},
    )
    assert response.status_code == 302, response.status_code
    return client


def wsgi_caller(app, client, path: str):
    """One request through the WSGI interface, as a server makes it, with the client's cookies."""
    from werkzeug.test import EnvironBuilder

    headers = {"Accept": "text/html", "Accept-Language": "en-GB,en;q=0.9"}
    cookie = client.get_cookie("session")
    if cookie is not None:
        headers["Cookie"] = f"session={cookie.value}"
    environ = EnvironBuilder(path=path, headers=headers, base_url="http://127.0.0.1/").get_environ()
    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    def call():
        body = app(dict(environ), start_response)
        try:
            b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        status = statuses.pop()
        assert status.startswith("200"), (path, status)

    return call


def cpu_per_request(calls: dict, n: int, batches: int) -> dict[str, float]:
    """Best CPU time per request of each call; batches take turns, so load hits all alike."""
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(batches):
        for name, call in calls.items():
            start = time.process_time()
            for _ in range(n):
                call()
            best[name] = min(best[name], (time.process_time() - start) / n)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests profiled")
    parser.add_argument("--batch", type=int, default=200, help="requests per timed batch")
    parser.add_argument("--batches", type=int, default=8, help="timed batches (best is kept)")
    parser.add_argument("--profile", choices=["guest", "learner", "none"], default="none")
    parser.add_argument("--top", type=int, default=35, help="rows of the profile listing")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="course-profile-") as tmp:
        app = make_app(Path(tmp))
        path = lesson_path(app)
        guest = app.test_client()
        guest.get(path)  # the visit's session cookie, as a browser keeps it
        learner = signed_in_client(app)
        learner.get(path)
        sys.path.insert(0, str(ROOT / "bench"))
        from hello_app import app as hello

        calls = {
            "lesson page, guest": wsgi_caller(app, guest, path),
            "lesson page, learner": wsgi_caller(app, learner, path),
            "catalogue, guest": wsgi_caller(app, guest, "/"),
            "/healthz": wsgi_caller(app, guest, "/healthz"),
            "bare hello page": wsgi_caller(hello, hello.test_client(), "/"),
        }
        for name, seconds in cpu_per_request(calls, args.batch, args.batches).items():
            print(f"{name:<24}{seconds * 1000:7.3f} ms CPU per request")
        if args.profile != "none":
            call = calls[f"lesson page, {args.profile}"]
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                call()
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
        with app.app_context():
            from course_app.extensions import db

            for engine in db.engines.values():
                engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
