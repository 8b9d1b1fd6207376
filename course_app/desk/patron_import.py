"""Importing patrons from a CSV file, at the desk or into a class: one flow for both.

1. preview_import reads the file, checks every row against the database and, when all is
   well, signs the checked rows into a token for the preview page's "Create" button.
   Nothing is stored on the server between the two pages.
2. import_from_preview reads the token back, checks again what may have changed since, and
   makes every account or none; then the place adds its own step (a class: its members).

Where an import may put patrons is an ImportPlace: the desk's is every branch the librarian
may see (desk_import_place); a class's is narrower (classes/imports.py). Every refusal is a
PatronImportError (desk/import_errors.py). Functions flush and never commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from course_app.accounts.models import User
from course_app.accounts.services import AccountError
from course_app.audit.models import AuditEvent
from course_app.audit.services import record_event
from course_app.db import utc_now
from course_app.desk.cards import card_last4
from course_app.desk.csv_import import CsvRow, ParsedCsv, Problem, parse_patron_csv
from course_app.desk.import_errors import PatronImportError
from course_app.desk.models import LibraryCard
from course_app.desk.services import (
    CreatedPatron,
    add_patron,
    default_branch,
    digest_card,
    taken_usernames,
    visible_branches,
)
from course_app.desk.usernames import propose_username
from course_app.extensions import db
from course_app.libraries.models import Organisation

TOKEN_MAX_AGE = 3600
TOKEN_MAX_LENGTH = 200_000  # 500 rows compress to far less; anything longer was not ours
_SALT = "desk-patron-import:v1"


@dataclass(frozen=True)
class ImportPlace:
    """Where an import may put patrons: the branches its rows may name, by name, and the
    one first chosen for rows that name none."""

    branches: list[Organisation]
    default: Organisation | None

    @property
    def class_id(self) -> int | None:
        """The class the import is for; the token and the audit event are bound to it."""
        return None

    def branch(self, organisation_id: int | None) -> Organisation | None:
        return next((b for b in self.branches if b.id == organisation_id), None)

    def welcome(self, actor: User, patrons: list[User]) -> None:
        """The place's own step once the accounts are made, in the same transaction; the
        desk has none. Raises PatronImportError to undo the whole import."""


def desk_import_place(actor: User) -> ImportPlace:
    """The desk's place: every branch the actor may see, their own branch first chosen."""
    branches = visible_branches(actor)
    return ImportPlace(branches=branches, default=default_branch(actor, branches))


@dataclass(frozen=True)
class ImportRow:
    """A checked CSV row, without the card number itself: only what will be stored."""

    line: int
    name: str
    email: str
    organisation_id: int
    card_hash: str | None
    card_last4: str | None


@dataclass(frozen=True)
class Preview:
    """A file with nothing wrong: its rows as read, the accounts to make, and the signed token."""

    parsed: ParsedCsv
    rows: list[ImportRow]
    token: str


def preview_import(actor: User, place: ImportPlace, branch: Organisation, data: bytes) -> Preview:
    """The file's rows checked against the database, two queries whatever their number;
    rows that name no branch go to `branch`. Saves nothing.

    Raises PatronImportError naming every problem when anything is wrong.
    """
    parsed = parse_patron_csv(data)
    rows = _checked_rows(actor, place, branch, parsed)
    if parsed.file_problems:
        first = parsed.file_problems[0]
        raise PatronImportError(first.code, first.values, problems=parsed.problems, parsed=parsed)
    if parsed.problems:
        raise PatronImportError(
            PatronImportError.ROWS_REFUSED, problems=parsed.problems, parsed=parsed
        )
    token = _sign_rows(actor, branch, place, rows)
    return Preview(parsed=parsed, rows=rows, token=token)


def import_from_preview(
    actor: User, place: ImportPlace, token: str, organisation_id: int
) -> list[CreatedPatron]:
    """Every previewed patron's account, then the place's step; or, on any refusal, nothing.

    One audit event names the import; a token is imported once, even when two clicks arrive
    together. Raises PatronImportError: the token forged, expired or someone else's, the
    branch no longer the actor's, the batch already imported, or a row changed since.
    """
    branch = place.branch(organisation_id)
    if branch is None:
        raise PatronImportError(PatronImportError.BRANCH_NOT_VISIBLE)
    batch, rows = _read_rows(token, actor, branch, place)
    try:
        # On SQLite the savepoint takes the write lock first, so a second click waits here
        # and then finds the batch imported.
        with db.session.begin_nested():
            if batch_already_imported(actor, batch):
                raise PatronImportError(PatronImportError.ALREADY_IMPORTED)
            problems = _changes_since_preview(actor, place, rows)
            if problems:
                raise PatronImportError(PatronImportError.CHANGED_SINCE_PREVIEW, problems=problems)
            created = _make_accounts(actor, branch, rows, batch, place.class_id)
            place.welcome(actor, [c.user for c in created])
    except (IntegrityError, AccountError) as error:
        # On PostgreSQL a second click made the same usernames at once; the first to commit won.
        if batch_already_imported(actor, batch):
            raise PatronImportError(PatronImportError.ALREADY_IMPORTED) from error
        raise PatronImportError(PatronImportError.CHANGED_SINCE_PREVIEW) from error
    return created


def batch_already_imported(actor: User, batch: str) -> bool:
    """True when this preview was already imported (a second click, or the back button).

    Looks at the actor's import events of the last day; previews live an hour.
    """
    since = utc_now() - timedelta(days=1)
    details = db.session.scalars(
        select(AuditEvent.details).where(
            AuditEvent.actor_id == actor.id,
            AuditEvent.action == "patrons.imported",
            AuditEvent.at >= since,
        )
    )
    return any(d.get("batch") == batch for d in details)


def _cards_in_use(hashes: Iterable[str]) -> set[str]:
    wanted = set(hashes)
    if not wanted:
        return set()
    return set(
        db.session.scalars(select(LibraryCard.card_hash).where(LibraryCard.card_hash.in_(wanted)))
    )


def _checked_rows(
    actor: User, place: ImportPlace, default: Organisation, parsed: ParsedCsv
) -> list[ImportRow]:
    """Adds the database's problems to the file's rows (card used, branch not yours or not
    the place's); the rows to make, when every branch is known."""
    visible = {b.code: b for b in visible_branches(actor)}
    allowed = {b.id for b in place.branches}
    hashes = {row.line: digest_card(row.card_number) for row in parsed.rows if row.card_number}
    used = _cards_in_use(hashes.values())
    rows: list[ImportRow] = []
    for row in parsed.rows:
        branch = visible.get(row.branch_code) if row.branch_code else default
        problem = _branch_problem(branch, allowed)
        if problem:
            row.problems.append(Problem(row.line, "branch", problem, {"code": row.branch_code}))
        card_hash = hashes.get(row.line)
        if card_hash in used:
            row.problems.append(Problem(row.line, "card_number", "card-taken"))
        if branch is not None:
            rows.append(_import_row(row, branch, card_hash))
    return rows


def _branch_problem(branch: Organisation | None, allowed: set[int]) -> str | None:
    if branch is None:
        return "branch-unknown"
    return None if branch.id in allowed else "branch-outside-class"


def _import_row(row: CsvRow, branch: Organisation, card_hash: str | None) -> ImportRow:
    return ImportRow(
        line=row.line,
        name=row.name,
        email=row.email,
        organisation_id=branch.id,
        card_hash=card_hash,
        card_last4=card_last4(row.card_number) if row.card_number else None,
    )


def _changes_since_preview(actor: User, place: ImportPlace, rows: list[ImportRow]) -> list[Problem]:
    """Cards taken and branches hidden, or gone from the place, since the preview."""
    by_id = {b.id: b for b in visible_branches(actor)}
    allowed = {b.id for b in place.branches}
    used = _cards_in_use(r.card_hash for r in rows if r.card_hash)
    problems = []
    for row in rows:
        problem = _branch_problem(by_id.get(row.organisation_id), allowed)
        if problem:
            problems.append(Problem(row.line, "branch", problem, {"code": ""}))
        if row.card_hash in used:
            problems.append(Problem(row.line, "card_number", "card-taken"))
    return problems


def _make_accounts(
    actor: User,
    organisation: Organisation,
    rows: list[ImportRow],
    batch: str,
    class_id: int | None,
) -> list[CreatedPatron]:
    """Every row's patron with a free username; one audit event for the import, made from
    `organisation` (rows may name other branches) and, for a class, naming it."""
    taken = taken_usernames(row.name for row in rows)
    created = []
    for row in rows:
        username = propose_username(row.name, taken)
        taken.add(username)
        created.append(
            add_patron(
                actor,
                name=row.name,
                username=username,
                organisation_id=row.organisation_id,
                email=row.email,
                card_hash=row.card_hash,
                last4=row.card_last4,
                via="import",
                hash_later=True,
            )
        )
    record_event(
        actor,
        "patrons.imported",
        organisation,
        organisation,
        count=len(created),
        usernames=[c.user.username for c in created],
        batch=batch,
        **({"class_id": class_id} if class_id is not None else {}),
    )
    return created


# The token: the checked rows carried from the preview to "Create" in a signed form field.
# Signed with SECRET_KEY (tamper-proof), bound to the librarian, the branch and the class it
# was checked for, expires after an hour, and holds no card numbers: only their keyed hashes
# and last four characters. A random batch name lets it be imported only once.


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _sign_rows(actor: User, branch: Organisation, place: ImportPlace, rows: list[ImportRow]) -> str:
    payload = {
        "a": actor.id,
        "o": branch.id,
        "c": place.class_id,
        "b": secrets.token_urlsafe(12),
        "r": [asdict(row) for row in rows],
    }
    return _serializer().dumps(payload)


def _read_rows(
    token: str, actor: User, branch: Organisation, place: ImportPlace
) -> tuple[str, list[ImportRow]]:
    """The batch name and rows; PREVIEW_INVALID when the token is forged, expired, too long,
    or another librarian's, branch's or class's."""
    refused = PatronImportError(PatronImportError.PREVIEW_INVALID)
    if not token or len(token) > TOKEN_MAX_LENGTH:
        raise refused
    try:
        payload = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
        if (payload["a"], payload["o"], payload.get("c")) != (actor.id, branch.id, place.class_id):
            raise refused
        return str(payload["b"]), [ImportRow(**row) for row in payload["r"]]
    except (BadData, KeyError, TypeError, ValueError):
        raise refused from None
