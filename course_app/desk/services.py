"""Patron accounts at the desk: create one, find them again (imports: desk/patron_import.py).

Every function takes the acting user and checks nothing about the request: views load and
check access (libraries.access), then call these. They flush and never commit.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import joinedload

from course_app.accounts.access import STAFF_ROLES
from course_app.accounts.models import Role, User
from course_app.accounts.passwords import hash_password, password_problem
from course_app.accounts.services import create_user, username_key
from course_app.audit.services import record_event
from course_app.db import utc_now
from course_app.desk.cards import (
    CardNumberError,
    card_digest,
    card_key,
    card_last4,
    normalise_card_number,
)
from course_app.desk.models import LibraryCard
from course_app.desk.passphrases import make_passphrase
from course_app.desk.usernames import propose_username, username_base
from course_app.domain_errors import DomainError
from course_app.extensions import db
from course_app.jobs import job
from course_app.libraries.access import visible_organisation_ids
from course_app.libraries.models import Organisation, OrganisationKind

PATRONS_PER_PAGE = 25


class DeskError(DomainError):
    """A desk change that cannot be done; `reason` names the rule, `field` the form field."""

    def __init__(self, reason: str, field: str):
        super().__init__(reason)
        self.field = field


@dataclass(frozen=True)
class NewPatron:
    name: str
    username: str
    organisation: Organisation
    card_number: str | None = None  # normalised (desk.cards) or None
    email: str | None = None


@dataclass(frozen=True)
class CreatedPatron:
    """A new patron and the passphrase for their sign-in card (shown once, never stored)."""

    user: User
    passphrase: str
    card_last4: str | None


def digest_card(number: str) -> str:
    """The keyed hash stored for a normalised card number."""
    return card_digest(number, card_key(current_app.config["SECRET_KEY"]))


# Stored until a job hashes an imported patron's passphrase: no password matches it.
PENDING_HASH = "!temporary-password-being-hashed"


def temporary_password_expiry() -> datetime:
    """When a passphrase made now stops working (TEMPORARY_PASSWORD_DAYS)."""
    return utc_now() + timedelta(days=int(current_app.config["TEMPORARY_PASSWORD_DAYS"]))


@job(retries=3, retry_delay=10)
def hash_temporary_passwords(pairs: list[tuple[int, str]]) -> None:
    """Hashes imported patrons' passphrases at the full cost, after the import's response:
    500 patrons at 0.6 s each would hold the page for minutes. Only rows still waiting."""
    for user_id, passphrase in pairs:
        user = db.session.get(User, user_id)
        if user is not None and user.password_hash == PENDING_HASH:
            user.password_hash = hash_password(passphrase)
            db.session.commit()


def queue_password_hashing(created: list[CreatedPatron], per_job: int = 25) -> None:
    """Queues the hashing of the created patrons' passphrases in jobs of per_job, so several
    workers share a large import. Call after the commit that made them."""
    pairs = [(c.user.id, c.passphrase) for c in created if c.user.password_hash == PENDING_HASH]
    for start in range(0, len(pairs), per_job):
        hash_temporary_passwords(pairs[start : start + per_job])


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


def add_patron(
    actor: User,
    *,
    name: str,
    username: str,
    organisation_id: int,
    email: str | None,
    card_hash: str | None,
    last4: str | None,
    via: str,
    hash_later: bool = False,
) -> CreatedPatron:
    """A patron account that must choose its own password at first sign-in, before its
    passphrase expires, with its card when it has one; audited as made `via` the desk or an
    import. The passphrase is hashed like any password; with hash_later, by a job
    (queue_password_hashing) after the commit."""
    passphrase = new_passphrase()
    user = create_user(
        username,
        passphrase,
        display_name=name,
        email=email or None,
        role=Role.LEARNER,
        password_hash=PENDING_HASH if hash_later else hash_password(passphrase),
    )
    user.organisation_id = organisation_id
    user.must_change_password = True
    user.temporary_password_expires_at = temporary_password_expiry()
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
    return add_patron(
        actor,
        name=data.name,
        username=data.username,
        organisation_id=data.organisation.id,
        email=data.email,
        card_hash=card_hash,
        last4=card_last4(data.card_number) if data.card_number else None,
        via="desk",
    )


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
