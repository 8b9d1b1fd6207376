"""`flask libraries create|list` and `flask users set-library`: organisations from the command
line."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from course_app.accounts.cli import users_cli
from course_app.accounts.services import find_user
from course_app.extensions import db
from course_app.libraries.models import Organisation, OrganisationKind
from course_app.libraries.services import (
    CODE_MAX_LENGTH,
    NAME_MAX_LENGTH,
    OrganisationError,
    create_organisation,
    find_organisation,
    organisation_tree,
    set_user_library,
)

libraries_cli = AppGroup("libraries", help="Manage networks, library systems and branches.")

# What the command line says when the service refuses; keys are OrganisationError reasons.
MESSAGES = {
    OrganisationError.NAME_EMPTY: "Give the organisation a name.",
    OrganisationError.NAME_TOO_LONG: (
        f"The name is too long (at most {NAME_MAX_LENGTH} characters)."
    ),
    OrganisationError.CODE_INVALID: (
        "Use lower-case letters, numbers and single dashes for the code, like main-street "
        "(give one with --code)."
    ),
    OrganisationError.CODE_TOO_LONG: (
        f"The code is too long (at most {CODE_MAX_LENGTH} characters)."
    ),
    OrganisationError.CODE_TAKEN: "Another organisation has this code; choose one with --code.",
    OrganisationError.PARENT_NEEDED: (
        "Say where it belongs with --parent CODE: a system sits in a network, a branch in a system."
    ),
    OrganisationError.PARENT_NOT_ALLOWED: "A network sits at the top; leave out --parent.",
    OrganisationError.WRONG_PARENT_KIND: (
        "A system sits in a network, and a branch in a library system; check --parent."
    ),
    OrganisationError.WHOLE_SYSTEM_LIBRARIANS_ONLY: (
        "Only a librarian can be given --whole-system."
    ),
    OrganisationError.LIBRARIAN_ON_NETWORK: (
        "A librarian works at a branch or a library system, not a whole network."
    ),
}


def organisation_or_exit(code: str) -> Organisation:
    """The organisation with this code, or a clear message and exit status 1."""
    organisation = find_organisation(code)
    if organisation is None:
        raise click.ClickException(
            f"No organisation has the code {code!r}. See `flask libraries list`."
        )
    return organisation


def refuse(error: OrganisationError) -> click.ClickException:
    return click.ClickException(MESSAGES.get(error.reason, error.reason))


@libraries_cli.command("create")
@click.argument("name")
@click.option("--kind", type=click.Choice([k.value for k in OrganisationKind]), required=True)
@click.option("--parent", "parent_code", help="Code of the network or system it belongs to.")
@click.option("--code", help="Short code; made from the name when not given.")
def create_command(name: str, kind: str, parent_code: str | None, code: str | None) -> None:
    """Add a network, library system or branch."""
    parent = organisation_or_exit(parent_code) if parent_code else None
    try:
        organisation = create_organisation(
            None, OrganisationKind(kind), name, parent=parent, code=code
        )
    except OrganisationError as error:
        raise refuse(error) from None
    db.session.commit()
    click.echo(f"Created {organisation.kind} {organisation.name!r} with code {organisation.code}.")


@libraries_cli.command("list")
def list_command() -> None:
    """Print every organisation as a tree, with its code and number of patrons."""
    rows = organisation_tree(select(Organisation.id))
    if not rows:
        click.echo("No organisations yet. Add one with `flask libraries create --kind network`.")
    for row in rows:
        org = row.organisation
        click.echo(f"{'  ' * row.depth}{org.code}  {org.name} ({org.kind}, {row.patrons} patrons)")


# Placed on the `users` group: placing a person in a library is the libraries' business.
@users_cli.command("set-library")
@click.argument("username")
@click.argument("code")
@click.option(
    "--whole-system",
    is_flag=True,
    help="A librarian then sees every branch of the library system, not only their own.",
)
def set_library(username: str, code: str, whole_system: bool) -> None:
    """Place a user in a network, library system or branch (by its code)."""
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"No user has the username {username!r}.")
    organisation = organisation_or_exit(code)
    try:
        set_user_library(None, user, organisation, sees_whole_system=whole_system)
    except OrganisationError as error:
        raise refuse(error) from None
    db.session.commit()
    scope = " and sees its whole library system" if whole_system else ""
    click.echo(f"{user.username} is now in {organisation.name} ({organisation.code}){scope}.")
