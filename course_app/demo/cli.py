"""`flask demo generate --learners N [--seed S]`: a seeded demo network for trying reports."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from course_app.demo.services import DemoError, generate_demo_data
from course_app.extensions import db

demo_cli = AppGroup("demo", help="Make synthetic demo data for trying out and benchmarking.")

MAX_LEARNERS = 1_000_000
PROGRESS_EVERY = 10_000

MESSAGES = {
    DemoError.NO_COURSES: (
        "No courses are imported yet. Run `flask --app wsgi courses import` first."
    ),
    DemoError.COURSES_UNUSABLE: "The imported courses cannot be used for demo data.",
    DemoError.ALREADY_THERE: (
        "Demo data is already here (the organisation demo-network exists). "
        "Nothing was written; use a fresh database to generate it again."
    ),
}


@demo_cli.command("generate")
@click.option(
    "--learners",
    type=click.IntRange(1, MAX_LEARNERS),
    required=True,
    help="How many learners to make (about 10 lessons done each).",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
def generate_command(learners: int, seed: int) -> None:
    """Make a demo network with learners, classes, progress, quiz attempts and certificates.

    All in one transaction: on any error nothing is written. Every demo account shares one
    password, so this is refused when APP_ENV is production.
    """
    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException(
            "Demo data is not made in production (APP_ENV=production): every demo account "
            "shares one published password."
        )
    started = time.perf_counter()

    def progress(done: int) -> None:
        if 0 < done < learners and done % PROGRESS_EVERY == 0:
            click.echo(f"  {done:,} of {learners:,} learners...", err=True)

    try:
        report = generate_demo_data(learners, seed, on_chunk=progress)
        db.session.commit()
    except DemoError as error:
        db.session.rollback()
        message = MESSAGES[error.reason]
        if error.__cause__ is not None:
            message = f"{message} ({error.__cause__})"
        raise click.ClickException(message) from None
    except Exception:
        db.session.rollback()
        click.echo("Nothing was written.", err=True)
        raise
    seconds = time.perf_counter() - started
    width = max(len(name) for name in report.counts)
    click.echo(f"Demo data written with seed {seed} in {seconds:.1f} seconds:")
    for name, count in report.counts.items():
        click.echo(f"  {name:<{width}}  {count:>10,}")
    click.echo(f"  and {report.report_rows:,} report rows (report_months) built from them")
    click.echo("Sign in to look at it (every demo account has this password):")
    click.echo(f"  staff:     {report.staff_username} / {report.password}")
    click.echo(
        f"  librarian: {report.librarian_username} / {report.password}  ({report.librarian_branch})"
    )
