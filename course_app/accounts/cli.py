"""`flask users ...`: create administrators and staff from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from course_app.accounts.models import Role
from course_app.accounts.passwords import password_problem
from course_app.accounts.services import AccountError, change_role, create_user, find_user
from course_app.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


def _create(username: str, password: str, role: Role, display_name: str | None) -> None:
    username = username.strip()
    if not (3 <= len(username) <= 40):
        raise click.BadParameter("use 3 to 40 characters", param_hint="USERNAME")
    if find_user(username) is not None:
        raise click.ClickException(f"the username {username!r} is already taken")
    problem = password_problem(password, username)
    if problem:
        raise click.ClickException(f"password refused: {problem}")
    try:
        create_user(username, password, role=role, display_name=display_name)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {role.value} {username!r}. Sign in at /account/sign-in.")


@users_cli.command("create-admin")
@click.argument("username")
@click.option("--name", "display_name", help="Name shown on the site.")
@click.password_option(help="Asked for when not given (typed twice, not shown).")
def create_admin(username: str, password: str, display_name: str | None) -> None:
    """Create an administrator account."""
    _create(username, password, Role.ADMIN, display_name)


@users_cli.command("create")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.LEARNER.value,
    show_default=True,
)
@click.option("--name", "display_name", help="Name shown on the site.")
@click.password_option(help="Asked for when not given (typed twice, not shown).")
def create(username: str, role: str, password: str, display_name: str | None) -> None:
    """Create an account with any role."""
    _create(username, password, Role(role), display_name)


@users_cli.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice([r.value for r in Role]))
def set_role(username: str, role: str) -> None:
    """Give a user another role (learner, librarian, staff, admin); recorded in the audit log."""
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"No user has the username {username!r}.")
    try:
        changed = change_role(None, user, Role(role))
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    if changed:
        click.echo(f"{user.username} is now {role}.")
    else:
        click.echo(f"{user.username} is already {role}; nothing changed.")
