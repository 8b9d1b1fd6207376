"""Times every report page and CSV export on the demo data set, on SQLite and PostgreSQL,
next to the same figures computed by one hand-written SQL query (the floor).

    .venv/bin/python bench/reports_bench.py                      # 100,000 learners, both DBs
    .venv/bin/python bench/reports_bench.py --learners 20000 --databases sqlite

Run by hand; it prints figures and exits 0 whether or not targets are met. Targets: every
report page under 500 ms server time and within 2x its floor; CSV export of 100,000 rows with
peak memory under 100 MB. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import reports_sql  # noqa: E402
import sqlalchemy as sa  # noqa: E402

PASSWORD = "bench password 1"  # noqa: S105
# The database --keep reuses on that server unless --pg-database names another (a copy).
KEPT_PG_DATABASE = "bench_reports_kept"
PG_SERVER = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def make_app(url: str):
    from course_app import create_app
    from course_app.config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = "bench-" + "x" * 40
        RATELIMIT_ENABLED = False
        WTF_CSRF_ENABLED = False
        ARGON2_TIME_COST = 1
        ARGON2_MEMORY_COST = 1024
        SESSION_COOKIE_SECURE = False

    return create_app(BenchConfig)


def new_database(
    kind: str, tmp: Path, keep: bool = False, pg_database: str = KEPT_PG_DATABASE
) -> tuple[str, callable]:
    """A scratch database, or with `keep` one that outlives the run (reused when loaded)."""
    if kind == "sqlite":
        path = tmp / "reports-bench.db"
        return f"sqlite:///{path}", lambda: None
    name = pg_database if keep else f"bench_reports_{os.getpid()}"
    admin = sa.create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not keep:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        if not (keep and exists):
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    if keep:
        return sa.engine.make_url(PG_SERVER).set(database=name).render_as_string(False), (
            lambda: None
        )

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))

    return sa.engine.make_url(PG_SERVER).set(database=name).render_as_string(False), drop


def load(app, learners: int, seed: int) -> dict:
    """Migrations, courses, the demo network, two bench users; returns what the pages need.
    A kept database that is already loaded is only read."""
    from flask_migrate import upgrade

    from course_app.accounts.models import Role, User
    from course_app.accounts.services import create_user
    from course_app.content.importer import import_courses
    from course_app.demo.services import generate_demo_data
    from course_app.extensions import db
    from course_app.libraries.models import Organisation

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        if db.session.scalar(sa.select(User.id).where(User.username == "bench-staff")):
            return {**_facts(db), "counts": {}, "generated": 0.0}
        report = import_courses(Path(app.config["COURSES_DIR"]))
        assert report.ok, report.problems
        db.session.commit()
        started = time.perf_counter()
        demo = generate_demo_data(learners, seed)
        db.session.commit()
        generated = time.perf_counter() - started
        with db.engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
        network = db.session.scalar(sa.select(Organisation).where(Organisation.kind == "network"))
        create_user("bench-staff", PASSWORD, role=Role.STAFF)
        # A librarian placed at the network sees every patron: the 100,000-row CSV.
        librarian = create_user("bench-librarian", PASSWORD, role=Role.LIBRARIAN)
        librarian.organisation_id = network.id
        db.session.commit()
        return {**_facts(db), "counts": demo.counts, "generated": generated}


def _facts(db) -> dict:
    from course_app.learning.models import Enrolment
    from course_app.libraries.models import Organisation

    system = db.session.scalar(
        sa.select(Organisation).where(Organisation.kind == "system").order_by(Organisation.id)
    )
    course_id, slug = db.session.execute(
        sa.text(
            "SELECT c.id, c.slug FROM courses c JOIN enrolments e ON e.course_id = c.id "
            "GROUP BY c.id, c.slug ORDER BY COUNT(*) DESC LIMIT 1"
        )
    ).one()
    return {
        "system_id": system.id,
        "course_id": course_id,
        "slug": slug,
        "enrolments": db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)),
    }


def settle(url: str) -> None:
    """Statistics and, on PostgreSQL, the visibility map, as a live database has them once
    autovacuum has seen a bulk load: without it no index-only scan is possible."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(
            sa.text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
        )
    engine.dispose()


def signed_in(app, username: str):
    client = app.test_client()
    response = client.post("/account/sign-in", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def median_ms(run, repeat: int) -> float:
    run()  # warm: caches, planner
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def quarter_before(today: date) -> tuple[date, date]:
    first_month = 3 * ((today.month - 1) // 3) + 1
    this_quarter = date(today.year, first_month, 1)
    end = this_quarter - timedelta(days=1)
    start_month = 3 * ((end.month - 1) // 3) + 1
    return date(end.year, start_month, 1), end


def bench_database(
    kind: str,
    learners: int,
    seed: int,
    repeat: int,
    tmp: Path,
    keep: bool = False,
    only: str | None = None,
    memory: bool = True,
    pg_database: str = KEPT_PG_DATABASE,
) -> list[dict]:
    url, drop = new_database(kind, tmp, keep, pg_database)
    try:
        app = make_app(url)
        facts = load(app, learners, seed)
        settle(url)
        print(f"\n== {kind}: {learners:,} learners generated in {facts['generated']:.0f} s")
        print("   " + ", ".join(f"{k} {v:,}" for k, v in facts["counts"].items()))
        staff = signed_in(app, "bench-staff")
        librarian = signed_in(app, "bench-librarian")
        today = datetime.now(UTC).date()
        from course_app.reports.filters import default_filter

        default = default_filter(today)
        year = (default.start, default.end)
        q_start, q_end = quarter_before(today)
        period = {
            "s": datetime.combine(year[0], clock()),
            "e": datetime.combine(year[1] + timedelta(days=1), clock()),
        }
        quarter = f"start={q_start}&end={q_end}"
        months = {"m1": year[0].strftime("%Y-%m"), "m2": year[1].strftime("%Y-%m")}
        cases = [
            (
                "Overview by course (12 months)",
                staff,
                "/reports?by=course",
                reports_sql.months_sql("course_id"),
                months,
            ),
            ("  same figures, raw tables", None, None, reports_sql.OVERVIEW_BY_COURSE, period),
            (
                "Overview by branch (12 months)",
                staff,
                "/reports?by=branch",
                reports_sql.months_sql("organisation_id"),
                months,
            ),
            ("  same figures, raw tables", None, None, reports_sql.OVERVIEW_BY_BRANCH, period),
            (
                "Overview by month, one system, one quarter",
                staff,
                f"/reports?by=month&organisation_id={facts['system_id']}&{quarter}",
                None,
                None,
            ),
            (
                "Course report (busiest course, 12 months)",
                staff,
                f"/reports/courses/{facts['slug']}",
                reports_sql.COURSE_CELLS,
                {**period, **months, "c": facts["course_id"]},
            ),
            (
                "  same figures, raw tables",
                None,
                None,
                reports_sql.COURSE,
                {**period, "c": facts["course_id"]},
            ),
            (
                "Library report (12 months)",
                staff,
                "/reports/libraries",
                reports_sql.LIBRARIES,
                {**period, "sd": year[0], "ed": year[1], "today": today},
            ),
            (
                "Overview CSV by course",
                staff,
                "/reports/overview.csv?by=course",
                reports_sql.months_sql("course_id"),
                months,
            ),
            (
                "Patrons CSV (every patron)",
                librarian,
                "/reports/learners.csv",
                reports_sql.LEARNERS,
                {},
            ),
        ]
        results = []
        from course_app.extensions import db

        for name, client, path, floor_sql, params in cases:
            if only and only.lower() not in name.lower():
                continue

            def page(client=client, path=path):
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
                return response.data

            page_ms = median_ms(page, repeat) if path else None
            floor_ms = None
            if floor_sql:
                statement = sa.text(reports_sql.sql(floor_sql, kind))
                with app.app_context():

                    def floor(statement=statement, params=params):
                        with db.engine.connect() as conn:
                            return conn.execute(statement, params).fetchall()

                    floor_ms = median_ms(floor, repeat)
            results.append({"db": kind, "name": name, "page_ms": page_ms, "floor_ms": floor_ms})
            ratio = f"{page_ms / floor_ms:.2f}x" if floor_ms and page_ms else "-"
            floor_text = f"{floor_ms:8.1f}" if floor_ms else "       -"
            page_text = f"{page_ms:8.1f}" if page_ms else "       -"
            print(f"   {name:<46} {page_text} ms   floor {floor_text} ms   {ratio}")
        if not memory:
            return results
        memory = measure_csv_memory(url)
        print(
            f"   Patrons CSV memory: {memory['rows']:,} rows in {memory['seconds']:.1f} s; "
            f"Python peak {memory['traced_peak_mb']:.1f} MB; "
            f"process peak {memory['rss_peak_mb']:.0f} MB "
            f"(before the export {memory['rss_before_mb']:.0f} MB)"
        )
        results.append({"db": kind, "name": "csv memory", **memory})
        with app.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
        return results
    finally:
        drop()


def measure_csv_memory(url: str) -> dict:
    """The patrons CSV in a fresh process, so its peak memory is the export's own."""
    out = subprocess.run(
        [sys.executable, __file__, "--measure-csv", url],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _status_mb(field: str) -> float:
    """VmRSS or VmHWM (peak) of this process image, in MB. Unlike getrusage's ru_maxrss it
    does not carry the parent's peak across fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def _export(client) -> tuple[int, float]:
    started = time.perf_counter()
    response = client.get("/reports/learners.csv", buffered=False)
    lines = 0
    for chunk in response.response:
        lines += chunk.count("\n") if isinstance(chunk, str) else chunk.count(b"\n")
    return lines - 1, time.perf_counter() - started


def csv_memory_child(url: str) -> None:
    """The patrons CSV twice: once for the process's peak RSS while it streams (the peak
    is reset first, through /proc/self/clear_refs), once under tracemalloc for Python's own
    allocations (tracing costs memory and time of its own)."""
    app = make_app(url)
    client = signed_in(app, "bench-librarian")
    client.get("/reports/learners")  # everything imported and warmed before measuring
    before = _status_mb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from now
    rows, seconds = _export(client)
    peak = _status_mb("VmHWM")
    tracemalloc.start()
    _export(client)
    traced_peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": seconds,
                "traced_peak_mb": traced_peak,
                "rss_before_mb": before,
                "rss_peak_mb": peak,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep the data between runs: SQLite in DIR, PostgreSQL in --pg-database",
    )
    parser.add_argument(
        "--pg-database",
        default=KEPT_PG_DATABASE,
        metavar="NAME",
        help=f"the PostgreSQL database --keep uses (default {KEPT_PG_DATABASE})",
    )
    parser.add_argument("--only", help="time only the cases whose name contains this")
    parser.add_argument("--no-memory", action="store_true", help="skip the CSV memory check")
    parser.add_argument("--measure-csv", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_csv:
        csv_memory_child(args.measure_csv)
        return
    if args.learners < 1:
        parser.error("--learners must be at least 1")
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.databases:
            bench_database(
                kind,
                args.learners,
                args.seed,
                args.repeat,
                Path(args.keep or tmp),
                keep=bool(args.keep),
                only=args.only,
                memory=not args.no_memory,
                pg_database=args.pg_database,
            )


if __name__ == "__main__":
    main()
