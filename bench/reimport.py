"""How long a re-import of the busiest course holds the database, and how long its job takes.

Run by hand from the project root:

    .venv/bin/python bench/reimport.py [--learners 20000] [--database /tmp/reimport.db]

Loads the courses and a demo network of N learners (`flask demo generate`) into a SQLite file
(kept and reused when --database names one already loaded), copies it, re-imports the course
with the most enrolments with its last module's quiz taken out (so learners who did
everything else finish it), then runs the job the import queued as the worker would. Prints
the import's time (one write transaction), the job's, its number of transactions and the
longest, and whether `flask reports verify` passes afterwards. A measurement, not a test.
See bench/README.md, "Re-imports off the import's path".
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_app(database: Path, jobs: Path):
    from course_app import create_app
    from course_app.config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{database}"
        SECRET_KEY = "bench-" + "x" * 40
        JOBS_IMMEDIATE = False
        JOBS_SQLITE_PATH = str(jobs)

    return create_app(BenchConfig)


def load(source: Path, learners: int) -> None:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from course_app.content.importer import import_courses
    from course_app.demo.services import generate_demo_data
    from course_app.extensions import db

    app = make_app(source, source.with_suffix(".jobs"))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        if not db.session.scalar(sa.text("SELECT count(*) FROM enrolments")):
            assert import_courses(ROOT / "courses").ok
            db.session.commit()
            generate_demo_data(learners, 1)
            db.session.commit()
        db.session.remove()
        db.engine.dispose()  # the last connection closed: the WAL is folded into the file


def without_last_quiz(slug: str, into: Path) -> Path:
    folder = into / slug
    shutil.copytree(ROOT / "courses" / slug, folder)
    modules = sorted(folder.glob("*/module.yml")) + sorted(folder.glob("*/*/module.yml"))
    last = sorted({m.parent.name for m in modules})[-1]
    for module in modules:
        if module.parent.name == last and (module.parent / "quiz.yml").exists():
            lines = module.read_text().splitlines()
            module.write_text("\n".join(x for x in lines if not x.startswith("quiz:")) + "\n")
            (module.parent / "quiz.yml").unlink()
    return into


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20000)
    parser.add_argument("--database", type=Path, default=None)
    args = parser.parse_args()

    import sqlalchemy as sa

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        source = args.database or tmp / "loaded.db"
        load(source, args.learners)
        run = tmp / "run.db"
        shutil.copy(source, run)
        app = make_app(run, tmp / "jobs.db")
        from course_app.content.importer import import_courses
        from course_app.content.models import Course
        from course_app.extensions import db
        from course_app.jobs import huey
        from course_app.learning import reimports
        from course_app.learning.models import Enrolment

        batches: list[float] = []
        settle = reimports.settle_learners

        def timed_batch(*batch_args):
            started = time.perf_counter()
            done = settle(*batch_args)
            db.session.commit()  # the job's own commit is then a no-op: time it here
            batches.append(time.perf_counter() - started)
            return done

        reimports.settle_learners = timed_batch
        with app.app_context():
            slug, enrolled = db.session.execute(
                sa.select(Course.slug, sa.func.count())
                .join(Enrolment, Enrolment.course_id == Course.id)
                .group_by(Course.slug)
                .order_by(sa.func.count().desc())
            ).first()
            changed = without_last_quiz(slug, tmp / "v2")
            started = time.perf_counter()
            assert import_courses(changed).updated == [slug]
            db.session.commit()
            imported = time.perf_counter() - started
            tasks = list(huey.pending())
            started = time.perf_counter()
            for task in tasks:
                huey.execute(task)
            settled = time.perf_counter() - started
        verify = app.test_cli_runner().invoke(args=["reports", "verify"])
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    print(f"{args.learners:,} learners; re-import of {slug} ({enrolled:,} enrolled), SQLite")
    print(f"  import (one write transaction): {imported:.2f} s")
    print(
        f"  job: {settled:.2f} s in {len(batches)} transactions, the longest "
        f"{max(batches, default=0):.2f} s"
    )
    print(f"  flask reports verify: {'passes' if verify.exit_code == 0 else 'FAILS'}")
    print(f"  load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
