"""Server time of a patron's own data export (JSON and CSV) for a patron with 20 started courses
and 200 quiz attempts: is it small enough to answer in the request, or should it be a job?

Run by hand from the project root:

    .venv/bin/python bench/patron_export.py [--requests 30]

Builds a throwaway SQLite database with class_page.py's builders (a small class, then the busy
patron), signs in as that patron with the Flask test client and times
GET /account/my-data.json and /account/my-data.csv after a warm-up. Prints the medians (wall and
CPU), the query counts and the sizes. A measurement, not a test. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from class_page import build, build_patron, time_requests  # noqa: E402

TARGET_MS = 100


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from course_app import create_app
    from course_app.config import TestConfig
    from course_app.extensions import db

    with tempfile.TemporaryDirectory() as tmp:

        class BenchConfig(TestConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/bench.db"
            WTF_CSRF_ENABLED = False

        app = create_app(BenchConfig)
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            build(app, 5)
            build_patron(app)
        client = app.test_client()
        response = client.post(
            "/account/sign-in",
            data={"username": "bench-busy-patron", "password": "correct horse battery"},
        )
        assert response.status_code == 302, "sign-in failed"
        results = {}
        for kind in ("json", "csv"):
            url = f"/account/my-data.{kind}"
            size = len(client.get(url).get_data())
            results[kind] = (*time_requests(app, client, url, args.requests), size)
        with app.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
    print("patron with 20 started courses and 200 quiz attempts")
    for kind, (wall, cpu, queries, size) in results.items():
        print(
            f"  my-data.{kind}: median {wall:.1f} ms wall, {cpu:.1f} ms CPU over "
            f"{args.requests} requests, {queries} queries, {size:,} bytes "
            f"(target under {TARGET_MS} ms)"
        )
    print(f"  load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
