"""`flask courses validate|lint|import [PATH]`: check course files, hold them to the
plain-language rules, then load them into the database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from course_app.content.importer import import_courses, read_courses
from course_app.content.linter import describe_score, lint_course
from course_app.content.loader import Problem
from course_app.content.readability import INSTALL_HINT, tools_installed
from course_app.extensions import db

courses_cli = AppGroup("courses", help="Validate and import course files.")

_path_argument = click.argument(
    "path",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)


def _courses_path(path: Path | None) -> Path:
    if path is not None:
        return path
    default = Path(current_app.config["COURSES_DIR"])
    if not default.is_dir():
        raise click.BadParameter(
            f"the courses folder {default} does not exist (set COURSES_DIR or give a PATH)",
            param_hint="PATH",
        )
    return default


def _fail(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem))
    count = len(problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} found.", err=True)
    raise SystemExit(1)


@courses_cli.command("validate")
@_path_argument
def validate_command(path: Path | None) -> None:
    """Check course files and list every problem (PATH: courses folder or one course)."""
    specs, problems = read_courses(_courses_path(path))
    if problems:
        _fail(problems)
    lessons = sum(len(m.lessons) for spec in specs for m in spec.modules)
    click.echo(f"OK: {len(specs)} course(s), {lessons} lesson(s), no problems.")


@courses_cli.command("lint")
@_path_argument
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Check review dates as of this day (YYYY-MM-DD) instead of today.",
)
def lint_command(path: Path | None, today) -> None:
    """Validate, then check reading level, structure, glossary, media and review dates."""
    if not tools_installed():
        raise click.ClickException(f"`courses lint` cannot run: {INSTALL_HINT}.")
    specs, problems = read_courses(_courses_path(path))
    if problems:
        _fail(problems)
    day = today.date() if today else date.today()
    for spec in specs:
        lint = lint_course(spec, day)
        click.echo(f"{spec.slug}:")
        for lesson in lint.lessons:
            level = (
                "no text" if lesson.score is None else describe_score(lesson.score, lesson.language)
            )
            click.echo(f"  {lesson.file} [{lesson.language}] {level}")
        for language, value in lint.medians.items():
            if value is not None:
                click.echo(f"  median [{language}]: {describe_score(value, language)}")
        problems += lint.problems
    if problems:
        _fail(problems)
    click.echo(f"OK: {len(specs)} course(s) meet the plain-language rules.")


@courses_cli.command("import")
@_path_argument
def import_command(path: Path | None) -> None:
    """Validate, then import courses into the database; nothing changes if any file is wrong."""
    try:
        report = import_courses(_courses_path(path))
    except SQLAlchemyError as error:
        db.session.rollback()
        message = f"the database refused the import, nothing changed: {error}"
        raise click.ClickException(message) from error
    if not report.ok:
        db.session.rollback()
        _fail(report.problems)
    db.session.commit()
    for label, slugs in (
        ("created", report.created),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
    ):
        for slug in slugs:
            click.echo(f"{label}: {slug}")
    click.echo(
        f"Imported: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged."
    )
    if (report.created or report.updated) and not tools_installed():
        click.echo(f"Reading levels were not measured: {INSTALL_HINT}.", err=True)
