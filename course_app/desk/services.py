"""Patron accounts at the desk: create one, import many, find them again.

Every function takes the acting user and checks nothing about the request: views load and
check access (libraries.access), then call these. They flush and never commit.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import joinedload

from course_app.accounts.access import STAFF_ROLES
from course_app.accounts.models import Role, User
from course_app.accounts.passwords import password_problem
from course_app.accounts.services import create_user, username_key
from course_app.audit.models import AuditEvent
from course_app.audit.services import record_event
from course_app.db import utc_now
from course_app.desk.cards import (
    CardNumberError,
    card_digest,
    card_key,
    card_last4,
    normalise_card_number,
)
from course_app.desk.csv_import import CsvRow, ParsedCsv, Problem
from course_app.desk.models import LibraryCard
from course_app.desk.passphrases import make_passphrase
from course_app.desk.usernames import propose_username, username_base
from course_app.extensions import db
from course_app.libraries.access import visible_organisation_ids
from course_app.libraries.models import Organisation, OrganisationKind

PATRONS_PER_PAGE = 25


class DeskError(Exception):
    """A desk change that cannot be done; `reason` names the rule, `field` the form field."""

    def __init__(self, reason: str, field: str):
        super().__init__(reason)
        self.reason = reason
        self.field = field


@dataclass(frozen=True)
class NewPatron:
    name: str
    username: str
    organisation: Organisation
    card_number: str | None = None  # normalised (desk.cards) or None
    email: str | None = None


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
class CreatedPatron:
    """A new patron and the passphrase for their sign-in card (shown once, never stored)."""

    user: User
    passphrase: str
    card_last4: str | None


def digest_card(number: str) -> str:
    """The keyed hash stored for a normalised card number."""
    return card_digest(number, card_key(current_app.config["SECRET_KEY"]))


def hash_temporary_password(passphrase: str) -> str:
    """An argon2id hash at a lighter cost than chosen passwords.

    The passphrase is random (about 35 bits), used once and replaced at first sign-in, so its
    strength is its randomness; the full cost (0.6 s each here) would make an import of 500
    patrons take minutes. The cost never exceeds the configured one (tests set it lower).
    """
    cfg = current_app.config
    hasher = PasswordHasher(
        time_cost=min(1, cfg["ARGON2_TIME_COST"]),
        memory_cost=min(8192, cfg["ARGON2_MEMORY_COST"]),
    )
    return hasher.hash(passphrase)


def new_passphrase() -> str:
    """A fresh passphrase that the password rules accept."""
    while True:
        passphrase = make_passphrase()
        if password_problem(passphrase) is None:
            return passphrase


def visible_branches(actor: User) -> list[Organisation]:
    """The branches the actor may put patrons in, by name."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(
                Organisation.id.in_(visible_organisation_ids(actor)),
                Organisation.kind == OrganisationKind.BRANCH.value,
            )
            .order_by(func.lower(Organisation.name), Organisation.id)
        )
    )


def default_branch(actor: User, branches: list[Organisation]) -> Organisation | None:
    """The actor's own branch when they have one; otherwise the first they may see."""
    own = [b for b in branches if b.id == actor.organisation_id]
    return own[0] if own else (branches[0] if branches else None)


def taken_usernames(names: Iterable[str]) -> set[str]:
    """The username keys already used that a proposal for these names could collide with."""
    bases = sorted({username_base(name) for name in names})
    if not bases:
        return set()
    return set(
        db.session.scalars(
            select(User.username_key).where(or_(*(User.username_key.like(f"{b}%") for b in bases)))
        )
    )


def suggest_username(name: str) -> str:
    """A free, readable username for this name (one query)."""
    return propose_username(name, taken_usernames([name]))


def card_in_use(card_hash: str) -> bool:
    return (
        db.session.scalar(select(LibraryCard.id).where(LibraryCard.card_hash == card_hash))
        is not None
    )


def _add_patron(
    actor: User,
    *,
    name: str,
    username: str,
    organisation_id: int,
    email: str | None,
    card_hash: str | None,
    last4: str | None,
    via: str,
) -> CreatedPatron:
    passphrase = new_passphrase()
    user = create_user(
        username,
        passphrase,
        display_name=name,
        email=email or None,
        role=Role.LEARNER,
        password_hash=hash_temporary_password(passphrase),
    )
    user.organisation_id = organisation_id
    user.must_change_password = True
    if card_hash is not None and last4 is not None:
        db.session.add(LibraryCard(user_id=user.id, card_hash=card_hash, last4=last4))
    db.session.flush()
    organisation = db.session.get(Organisation, organisation_id)
    record_event(actor, "patron.created", user, organisation, username=user.username, via=via)
    return CreatedPatron(user=user, passphrase=passphrase, card_last4=last4)


def create_patron(actor: User, data: NewPatron) -> CreatedPatron:
    """A patron account that must choose its own password at first sign-in; audited.

    Raises DeskError when the username or the card number is already used.
    """
    if db.session.scalar(select(User.id).where(User.username_key == username_key(data.username))):
        raise DeskError("username-taken", "username")
    card_hash = digest_card(data.card_number) if data.card_number else None
    if card_hash is not None and card_in_use(card_hash):
        raise DeskError("card-taken", "card_number")
    return _add_patron(
        actor,
        name=data.name,
        username=data.username,
        organisation_id=data.organisation.id,
        email=data.email,
        card_hash=card_hash,
        last4=card_last4(data.card_number) if data.card_number else None,
        via="desk",
    )


def check_import(
    actor: User, default: Organisation, parsed: ParsedCsv
) -> tuple[list[ImportRow], list[Problem]]:
    """Adds the database's problems to the file's: cards already used, branches not visible.

    Two queries whatever the number of rows. The rows come back only when nothing is wrong.
    """
    branches = {b.code: b for b in visible_branches(actor)}
    hashes = {row.line: digest_card(row.card_number) for row in parsed.rows if row.card_number}
    used = (
        set(
            db.session.scalars(
                select(LibraryCard.card_hash).where(LibraryCard.card_hash.in_(set(hashes.values())))
            )
        )
        if hashes
        else set()
    )
    rows: list[ImportRow] = []
    for row in parsed.rows:
        branch = branches.get(row.branch_code) if row.branch_code else default
        if row.branch_code and branch is None:
            row.problems.append(
                Problem(row.line, "branch", "branch-unknown", {"code": row.branch_code})
            )
        card_hash = hashes.get(row.line)
        if card_hash in used:
            row.problems.append(Problem(row.line, "card_number", "card-taken"))
        if branch is not None:
            rows.append(_import_row(row, branch, card_hash))
    problems = parsed.problems
    return ([] if problems else rows), problems


def _import_row(row: CsvRow, branch: Organisation, card_hash: str | None) -> ImportRow:
    return ImportRow(
        line=row.line,
        name=row.name,
        email=row.email,
        organisation_id=branch.id,
        card_hash=card_hash,
        card_last4=card_last4(row.card_number) if row.card_number else None,
    )


def recheck_import(actor: User, rows: list[ImportRow]) -> list[Problem]:
    """At save time: cards taken or branches hidden since the preview (two queries)."""
    visible = {b.id for b in visible_branches(actor)}
    hashes = {r.card_hash for r in rows if r.card_hash}
    used = (
        set(
            db.session.scalars(
                select(LibraryCard.card_hash).where(LibraryCard.card_hash.in_(hashes))
            )
        )
        if hashes
        else set()
    )
    problems = []
    for row in rows:
        if row.organisation_id not in visible:
            problems.append(Problem(row.line, "branch", "branch-unknown", {"code": ""}))
        if row.card_hash in used:
            problems.append(Problem(row.line, "card_number", "card-taken"))
    return problems


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


def import_patrons(
    actor: User,
    organisation: Organisation,
    rows: list[ImportRow],
    *,
    batch: str | None = None,
    class_id: int | None = None,
) -> list[CreatedPatron]:
    """Creates every row's patron, or raises before any is made; one audit event for the import.

    organisation is where the import was made from (rows may name other branches); class_id,
    when the import was made for a class, is recorded on the event (classes/imports.py adds
    the patrons to it).
    The caller commits once, so a failure part-way leaves nothing behind.
    """
    taken = taken_usernames(row.name for row in rows)
    created = []
    for row in rows:
        username = propose_username(row.name, taken)
        taken.add(username)
        created.append(
            _add_patron(
                actor,
                name=row.name,
                username=username,
                organisation_id=row.organisation_id,
                email=row.email,
                card_hash=row.card_hash,
                last4=row.card_last4,
                via="import",
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


def patron_scope(actor: User) -> ColumnElement[bool]:
    """Which users the actor may manage as patrons: learners in libraries they may see.

    Staff and admins also see patrons not placed in any library (they signed themselves up).
    """
    is_patron = User.role == Role.LEARNER.value
    if actor.has_role(*STAFF_ROLES):
        return is_patron
    return and_(is_patron, User.organisation_id.in_(visible_organisation_ids(actor)))


def find_patron(actor: User, user_id: int) -> User | None:
    """The patron with this id when the actor may manage them; None otherwise (so: 404)."""
    return db.session.scalar(select(User).where(User.id == user_id, patron_scope(actor)))


def _search_condition(query: str) -> ColumnElement[bool] | None:
    query = " ".join(query.split())
    if not query:
        return None
    like = f"%{query.casefold().replace('%', '').replace('_', '')}%"
    conditions = [func.lower(User.display_name).like(like), User.username_key.like(like)]
    compact = query.replace(" ", "").replace("-", "")
    if len(compact) == 4 and compact.isalnum():
        conditions.append(LibraryCard.last4 == compact.upper())
    with contextlib.suppress(CardNumberError):
        conditions.append(LibraryCard.card_hash == digest_card(normalise_card_number(query)))
    return or_(*conditions)


def patrons_page(actor: User, query: str, page: int) -> Pagination:
    """The patrons the actor may see, by name, 25 a page; searched by name, username or card.

    A card is found by its last four characters or by its whole number (through its hash).
    Two queries (count and page) whatever the page holds.
    """
    statement = (
        select(User)
        .outerjoin(LibraryCard, LibraryCard.user_id == User.id)
        .options(joinedload(User.organisation))
        .where(patron_scope(actor))
        .order_by(func.lower(User.display_name), User.id)
    )
    condition = _search_condition(query)
    if condition is not None:
        statement = statement.where(condition)
    return db.paginate(statement, page=page, per_page=PATRONS_PER_PAGE, error_out=False)


def cards_for(users: list[User]) -> dict[int, str]:
    """The last four characters of each user's card, by user id, in one query."""
    if not users:
        return {}
    rows = db.session.execute(
        select(LibraryCard.user_id, LibraryCard.last4).where(
            LibraryCard.user_id.in_([u.id for u in users])
        )
    )
    return {user_id: last4 for user_id, last4 in rows}
