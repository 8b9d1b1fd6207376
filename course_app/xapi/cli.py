"""`flask xapi backlog` shows what waits for the LRS; `flask xapi send` sends what is due;
`flask xapi resend` sends the whole backlog now, ignoring the waits after failures."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from course_app.xapi.delivery import backlog, send_due
from course_app.xapi.subscribers import is_enabled

xapi_cli = AppGroup("xapi", help="Learning-record statements (xAPI) for the LRS.")


@xapi_cli.command("backlog")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(0, 1000))
def backlog_command(limit: int) -> None:
    """Show how many statements wait, and the oldest of them."""
    found = backlog(limit)
    click.echo(
        f"Waiting: {found.waiting} new, {found.retrying} after a failed try. Sent: {found.sent}."
    )
    for row in found.oldest:
        verb = row.body.get("verb", {}).get("display", {}).get("en-US", "?")
        line = f"{row.statement_id}  {verb:<11} {row.created_at:%Y-%m-%d %H:%M} UTC"
        if row.attempts:
            line += (
                f"  tries: {row.attempts}, next {row.next_attempt_at:%H:%M:%S} UTC,"
                f" {row.last_error}"
            )
        click.echo(line)


def _send(ignore_waits: bool) -> None:
    if not is_enabled(current_app.config):
        raise click.ClickException(
            "Sending is off: set XAPI_ENDPOINT, XAPI_USERNAME and XAPI_PASSWORD first."
        )
    result = send_due(ignore_waits=ignore_waits)
    click.echo(f"Sent {result.sent} statement(s).")
    if result.failed:
        raise click.ClickException(
            f"The LRS refused a batch of {result.failed}; they wait and will be tried again."
            f" ({result.error})"
        )


@xapi_cli.command("send")
def send_command() -> None:
    """Send the statements that are due now."""
    _send(ignore_waits=False)


@xapi_cli.command("resend")
def resend_command() -> None:
    """Send every waiting statement now, also those waiting after a failure."""
    _send(ignore_waits=True)
