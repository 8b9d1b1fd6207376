"""`flask reports rebuild`: the report rows made again from the source tables."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from course_app.extensions import db
from course_app.reports.rollup import rebuild_all

reports_cli = AppGroup("reports", help="Report data.")


@reports_cli.command("rebuild")
def rebuild_command() -> None:
    """Rebuild the report tables (per-month rows and the course report's cells) from
    lessons, quiz attempts, enrolments and certificates (after loading history straight into
    the database, for example)."""
    started = time.perf_counter()
    count = rebuild_all()
    db.session.commit()
    click.echo(f"{count:,} report rows rebuilt in {time.perf_counter() - started:.1f} seconds.")
