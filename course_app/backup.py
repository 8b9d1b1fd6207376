"""`flask backup create|restore`: a copy of the database taken while the app runs, and putting
one back.

SQLite: the online backup API copies one consistent snapshot, WAL included; copying the file
alone while the app writes can lose the latest writes or tear the copy, so that is never done.
PostgreSQL: pg_dump's custom format (one consistent snapshot; compressed), restored with
pg_restore in one transaction.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.engine import URL, make_url

from course_app.extensions import db

SQLITE_SUFFIX = ".sqlite3"
POSTGRES_SUFFIX = ".dump"


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says why and what to do."""


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("this SQLite database lives in memory; there is nothing to back up")
    return Path(url.database)


def _libpq(url: URL) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def create_backup(url: URL, folder: Path) -> Path:
    """A consistent copy of the database at `url` in `folder`, named by database and UTC time;
    returns its path. Safe while the app runs and writes."""
    folder.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source_path = _sqlite_path(url)
        target = folder / f"{source_path.stem}-{_stamp()}{SQLITE_SUFFIX}"
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)  # all pages in one step: one snapshot, never restarted
            finally:
                copy.close()
        finally:
            source.close()
        return target
    if url.get_backend_name() == "postgresql":
        target = folder / f"{url.database}-{_stamp()}{POSTGRES_SUFFIX}"
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", _libpq(url)])
        return target
    raise BackupError(f"backups of {url.get_backend_name()} databases are not supported")


def database_in_use(url: URL) -> bool:
    """True when the database holds the app's tables (a live database, not a new empty one)."""
    engine = sa.create_engine(url)
    try:
        return "alembic_version" in sa.inspect(engine).get_table_names()
    except sa.exc.OperationalError:
        return False  # a SQLite file not made yet
    finally:
        engine.dispose()


def restore_backup(url: URL, backup: Path, *, force: bool) -> None:
    """Put `backup` in place of the database at `url`; a database with the app's tables is
    replaced only with `force` (stop the app and the workers first)."""
    if not backup.is_file():
        raise BackupError(f"there is no file {backup}")
    if database_in_use(url) and not force:
        raise BackupError(
            "the database already holds the app's data; stop the app and the job workers, "
            "then run again with --force to replace it"
        )
    if url.get_backend_name() == "sqlite":
        _restore_sqlite(_sqlite_path(url), backup)
    elif url.get_backend_name() == "postgresql":
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={_libpq(url)}",
                str(backup),
            ]
        )
    else:
        raise BackupError(f"backups of {url.get_backend_name()} databases are not supported")


def _restore_sqlite(target_path: Path, backup: Path) -> None:
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        try:
            checked = source.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{backup} is not a SQLite backup ({error})") from error
        if checked != "ok":
            raise BackupError(f"{backup} is damaged: {checked}")
        target_path.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(target_path)
        try:
            # Through SQLite's locks, so it is whole even if something still had it open.
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


def _run(command: list[str]) -> None:
    result = subprocess.run(  # noqa: S603 - our own arguments, no shell
        command, capture_output=True, text=True, env={**os.environ, "PGCONNECT_TIMEOUT": "10"}
    )
    if result.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} failed: {result.stderr.strip() or result.returncode}")


backup_cli = AppGroup("backup", help="Back up the database, or restore a backup.")


def _database_url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


@backup_cli.command("create")
@click.option(
    "--to",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the backup (default: BACKUP_DIR, instance/backups).",
)
def create_command(folder: Path | None) -> None:
    """Copy the database while the app runs; prints the backup's path."""
    folder = folder or Path(current_app.config["BACKUP_DIR"])
    try:
        path = create_backup(_database_url(), folder)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(str(path))


@backup_cli.command("restore")
@click.argument("backup", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that holds data.")
def restore_command(backup: Path, force: bool) -> None:
    """Put a backup in place of the database (stop the app and workers first)."""
    db.session.remove()
    db.engine.dispose()  # no pooled connection of ours keeps the old database open
    try:
        restore_backup(_database_url(), backup, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {backup}. Next: flask db upgrade, then start the app and workers.")
