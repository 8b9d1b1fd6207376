"""`flask lti keygen` makes (and rotates) the tool's RSA key; `flask lti register` registers a
platform for a library; `flask lti list` shows the registrations."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from course_app.extensions import db
from course_app.key_folders import generate_key, key_ids
from course_app.libraries.models import Organisation
from course_app.lti.models import LtiRegistration
from course_app.lti.platforms import TOOL_ALGORITHM
from course_app.lti.services import LtiError, RegistrationData, register_platform

lti_cli = AppGroup("lti", help="LTI 1.3: the tool's keys and the learning platforms.")

MESSAGES = {
    LtiError.NOT_HTTPS: "Every address must start with https:// (use --allow-http only for a "
    "platform on this machine).",
    LtiError.DUPLICATE: "This issuer and client ID are registered already.",
    LtiError.NO_DEPLOYMENT: "Give at least one --deployment.",
    LtiError.NOT_A_LIBRARY: "Choose a library system or branch, not the network.",
}


@lti_cli.command("keygen")
@click.option("--dir", "folder", help="Key folder (default: the LTI_KEYS_DIR setting).")
def keygen_command(folder: str | None) -> None:
    """Make a new RSA signing key; it signs from now on, older keys stay published."""
    path = Path(folder or current_app.config["LTI_KEYS_DIR"]).expanduser()
    if path.exists() and not path.is_dir():
        raise click.ClickException(f"{path} is a file, not a folder. Choose a folder for keys.")
    kid = generate_key(path, TOOL_ALGORITHM)
    click.echo(f"New tool key {kid} in {path}. Keys published: {len(key_ids(path))}.")


@lti_cli.command("register")
@click.option("--name", required=True, help="A name staff recognise, e.g. 'Eastside Moodle'.")
@click.option("--issuer", required=True, help="The platform's issuer (platform ID).")
@click.option("--client-id", required=True)
@click.option("--deployment", "deployments", multiple=True, required=True, help="Repeatable.")
@click.option("--auth-login-url", required=True)
@click.option("--auth-token-url", required=True)
@click.option("--key-set-url", required=True, help="The platform's public keyset (JWKS) URL.")
@click.option("--library", "library_code", required=True, help="The library's code.")
@click.option("--instructors-become-librarians", is_flag=True)
@click.option("--frame-origin", "frame_origins", multiple=True, help="Repeatable.")
@click.option("--allow-http", is_flag=True, hidden=True)
def register_command(
    name, issuer, client_id, deployments, auth_login_url, auth_token_url, key_set_url,
    library_code, instructors_become_librarians, frame_origins, allow_http,
) -> None:  # fmt: skip
    """Register a platform (Moodle, Canvas) for a library."""
    library = db.session.scalar(select(Organisation).where(Organisation.code == library_code))
    if library is None:
        raise click.ClickException(f"No library has the code {library_code!r}.")
    data = RegistrationData(
        name=name,
        issuer=issuer,
        client_id=client_id,
        deployment_ids=list(deployments),
        auth_login_url=auth_login_url,
        auth_token_url=auth_token_url,
        key_set_url=key_set_url,
        organisation=library,
        instructors_become_librarians=instructors_become_librarians,
        frame_origins=" ".join(frame_origins),
    )
    try:
        row = register_platform(None, data, allow_http=allow_http)
    except LtiError as error:
        raise click.ClickException(MESSAGES[error.reason]) from None
    db.session.commit()
    click.echo(f"Registered {row.name} ({row.issuer}, client {row.client_id}) for {library.name}.")


@lti_cli.command("list")
def list_command() -> None:
    """Show the registered platforms."""
    rows = db.session.scalars(select(LtiRegistration).order_by(LtiRegistration.name)).all()
    if not rows:
        click.echo("No platform is registered.")
    for row in rows:
        deployments = ", ".join(d.deployment_id for d in row.deployments)
        click.echo(f"{row.name}: {row.issuer} client {row.client_id} deployments {deployments}")
