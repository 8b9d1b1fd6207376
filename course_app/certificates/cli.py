"""`flask certificates show CODE` and `flask certificates revoke CODE --reason TEXT`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from course_app.certificates.models import Certificate
from course_app.certificates.services import CertificateError, find_certificate, revoke_certificate
from course_app.extensions import db

certificates_cli = AppGroup("certificates", help="Look up and revoke certificates.")


def _certificate_or_exit(code: str) -> Certificate:
    cert = find_certificate(code.strip())
    if cert is None:
        raise click.ClickException(f"No certificate has the code {code!r}. Check it and try again.")
    return cert


def _describe(cert: Certificate) -> str:
    status = "valid" if cert.is_valid else f"revoked {cert.revoked_at:%Y-%m-%d %H:%M} UTC"
    lines = [
        f"Code:      {cert.code}",
        f"Name:      {cert.recipient_name}",
        f"Course:    {cert.course.title} ({cert.course.slug})",
        f"Issued:    {cert.issued_at:%Y-%m-%d %H:%M} UTC",
        f"Language:  {cert.language}",
        f"Learner:   {cert.learner_id}",
        f"Status:    {status}",
    ]
    if cert.revoked_reason:
        lines.append(f"Reason:    {cert.revoked_reason}")
    return "\n".join(lines)


@certificates_cli.command("show")
@click.argument("code")
def show_command(code: str) -> None:
    """Print a certificate's details."""
    click.echo(_describe(_certificate_or_exit(code)))


@certificates_cli.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Why it is revoked; seen by staff only.")
def revoke_command(code: str, reason: str) -> None:
    """Revoke a certificate; its public check page then says it is revoked."""
    cert = _certificate_or_exit(code)
    try:
        revoke_certificate(cert, reason)
    except CertificateError as error:
        messages = {
            CertificateError.ALREADY_REVOKED: "This certificate is already revoked.",
            CertificateError.REASON_EMPTY: "Give a reason with --reason.",
            CertificateError.REASON_TOO_LONG: "The reason is too long (500 characters at most).",
        }
        raise click.ClickException(messages.get(error.reason, error.reason)) from None
    db.session.commit()
    click.echo(f"Revoked {cert.code} ({cert.recipient_name}, {cert.course.title}).")
