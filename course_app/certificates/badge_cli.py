"""`flask badges keygen` makes (and so rotates) the Open Badges signing key; `flask badges
keys` lists the keys published at /.well-known/jwks.json."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from course_app.key_folders import generate_key, key_ids

badges_cli = AppGroup("badges", help="Open Badges signing keys.")


def _folder(folder: str | None) -> Path:
    return Path(folder or current_app.config["BADGE_KEYS_DIR"]).expanduser()


@badges_cli.command("keygen")
@click.option("--dir", "folder", help="Key folder (default: the BADGE_KEYS_DIR setting).")
def keygen_command(folder: str | None) -> None:
    """Make a new signing key; it signs from now on, older keys stay published."""
    path = _folder(folder)
    if path.exists() and not path.is_dir():
        raise click.ClickException(f"{path} is a file, not a folder. Choose a folder for keys.")
    try:
        kid = generate_key(path)
    except OSError as error:
        raise click.ClickException(f"Could not write a key in {path}: {error.strerror}.") from None
    click.echo(f"New signing key {kid} in {path}.")
    older = [k for k in key_ids(path) if k != kid]
    if older:
        click.echo(f"Older keys still published: {', '.join(older)}.")


@badges_cli.command("keys")
@click.option("--dir", "folder", help="Key folder (default: the BADGE_KEYS_DIR setting).")
def keys_command(folder: str | None) -> None:
    """List the keys, oldest first; the last one signs."""
    path = _folder(folder)
    ids = key_ids(path)
    if not ids:
        raise click.ClickException(f"No keys in {path}. Run `flask badges keygen`.")
    for kid in ids:
        click.echo(kid + ("  (signs)" if kid == ids[-1] else ""))
