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
from course_app.content.links import Pacer, check_links, find_links
from course_app.content.linter import describe_score, lint_course
from course_app.content.loader import Problem
from course_app.content.readability import INSTALL_HINT, tools_installed
from course_app.content.vocabulary import Vocabulary, find_vocabulary_file, load_vocabulary
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
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def lint_command(path: Path | None, today, strict: bool) -> None:
    """Validate, then check reading level, structure, glossary, media, sources, figures,
    quizzes, the Spanish term list (terms.es.yml) and review dates."""
    if not tools_installed():
        raise click.ClickException(f"`courses lint` cannot run: {INSTALL_HINT}.")
    folder = _courses_path(path)
    specs, problems = read_courses(folder)
    vocabularies, vocabulary_problems = _vocabularies(folder)
    problems += vocabulary_problems
    if problems:
        _fail(problems)
    day = today.date() if today else date.today()
    warnings: list[Problem] = []
    for spec in specs:
        lint = lint_course(spec, day, vocabularies)
        warnings += lint.warnings
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
    for warning in warnings:
        click.echo(str(warning))
    if problems or (strict and warnings):
        _fail(problems + (warnings if strict else []))
    if warnings:
        count = len(warnings)
        click.echo(f"{count} warning{'s' if count != 1 else ''}.", err=True)
    click.echo(f"OK: {len(specs)} course(s) meet the plain-language rules.")


def _vocabularies(folder: Path) -> tuple[dict[str, Vocabulary], list[Problem]]:
    """The Spanish term list next to the courses (terms.es.yml), when there is one."""
    file = find_vocabulary_file(folder)
    if file is None:
        return {}, []
    vocabulary, problems = load_vocabulary(file)
    return {"es": vocabulary}, problems


@courses_cli.command("check-links")
@_path_argument
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1, max=120),
    default=10.0,
    show_default=True,
    help="Seconds to wait for each answer.",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0, max=60),
    default=1.0,
    show_default=True,
    help="Seconds between two requests to the same host.",
)
def check_links_command(path: Path | None, timeout: float, delay: float) -> None:
    """List dead and moved links in course files, with file and line (needs the internet)."""
    links = find_links(_courses_path(path))
    results = check_links(links, timeout, Pacer(delay))
    dead = moved = 0
    for link, result in results:
        if result.state == "dead":
            dead += 1
            click.echo(f"{link.file}:{link.line}: dead ({result.detail}): {link.url}")
        elif result.state == "moved":
            moved += 1
            click.echo(
                f"{link.file}:{link.line}: moved ({result.detail}) to {result.location}: {link.url}"
            )
    addresses = len({link.url for link in links})
    click.echo(
        f"Checked {len(links)} link(s) to {addresses} address(es): {dead} dead, {moved} moved."
    )
    if dead or moved:
        raise SystemExit(1)


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
