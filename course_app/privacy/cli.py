"""`flask privacy purge`: the daily retention run."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from course_app.extensions import db
from course_app.privacy.retention import purge_as_configured

privacy_cli = AppGroup("privacy", help="Patron privacy: retention.")


@privacy_cli.command("purge")
@click.option(
    "--guest-days",
    type=click.IntRange(min=1),
    default=None,
    help="Erase guest progress unused this long (default PRIVACY_GUEST_DAYS).",
)
@click.option(
    "--inactive-days",
    type=click.IntRange(min=0),
    default=None,
    help="Flag accounts with no sign-in this long; 0 is off (default PRIVACY_INACTIVE_DAYS).",
)
def purge_command(guest_days: int | None, inactive_days: int | None) -> None:
    """Erase guest progress with no resume code and no account after N days, flag
    long-unused accounts to librarians, and delete sign-in records older than
    PRIVACY_SIGN_IN_DAYS; prints the counts. The job worker runs it daily at
    PRIVACY_PURGE_AT; run it from cron instead where that is empty."""
    report = purge_as_configured(guest_days, inactive_days)
    db.session.commit()
    click.echo(f"Guest learners erased: {report.guests_erased}")
    click.echo(f"Accounts flagged as inactive: {report.accounts_flagged}")
    click.echo(f"Old sign-in records and sessions deleted: {report.sign_in_records_deleted}")
