"""`flask reports rebuild` and `verify`: the kept report rows against the source tables."""

from __future__ import annotations

import sys
import time

import click
from flask.cli import AppGroup

from course_app.extensions import db
from course_app.reports.rollup import rebuild_all
from course_app.reports.verify import compare_with_rebuild

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


@reports_cli.command("verify")
@click.option(
    "--show", default=20, show_default=True, help="Differences to list per table and way."
)
def verify_command(show: int) -> None:
    """Compare the kept report tables with a count of everything again; exit 1 on any
    difference (then `flask reports rebuild` makes them right)."""
    result = compare_with_rebuild(show)
    checked = ", ".join(f"{count:,} {name} rows" for name, count in result.checked.items())
    if result.ok:
        click.echo(f"The report tables match a rebuild ({checked}).")
        return
    click.echo(f"The report tables differ from a rebuild ({checked}):", err=True)
    for line in result.differences[:show]:
        click.echo(f"  {line}", err=True)
    sys.exit(1)
