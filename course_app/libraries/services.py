"""Creating and renaming organisations, placing users in them, and listing them as a tree."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from course_app.accounts.models import Role, User
from course_app.audit.services import record_event
from course_app.domain_errors import DomainError
from course_app.events import Change, ProgressChange, announce
from course_app.extensions import db
from course_app.libraries.models import PARENT_KIND, Organisation, OrganisationKind

NAME_MAX_LENGTH = 120
CODE_MAX_LENGTH = 40
CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class OrganisationError(DomainError):
    """A change to organisations that cannot be done; `reason` names the rule that refused it."""

    NAME_EMPTY = "name-empty"
    NAME_TOO_LONG = "name-too-long"
    CODE_INVALID = "code-invalid"
    CODE_TOO_LONG = "code-too-long"
    CODE_TAKEN = "code-taken"
    PARENT_NEEDED = "parent-needed"
    PARENT_NOT_ALLOWED = "parent-not-allowed"
    WRONG_PARENT_KIND = "wrong-parent-kind"
    WHOLE_SYSTEM_LIBRARIANS_ONLY = "whole-system-librarians-only"
    LIBRARIAN_ON_NETWORK = "librarian-on-network"


def clean_name(name: str) -> str:
    """The name as stored: NFC, trimmed, one line, 1 to 120 characters."""
    name = " ".join(unicodedata.normalize("NFC", name or "").split())
    if not name:
        raise OrganisationError(OrganisationError.NAME_EMPTY)
    if len(name) > NAME_MAX_LENGTH:
        raise OrganisationError(OrganisationError.NAME_TOO_LONG)
    return name


def code_from_name(name: str) -> str:
    """A lower-case ASCII code made from a name: "Biblioteca Núñez" -> "biblioteca-nunez"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    code = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return code[:CODE_MAX_LENGTH].rstrip("-")


def clean_code(code: str) -> str:
    code = (code or "").strip().lower()
    if len(code) > CODE_MAX_LENGTH:
        raise OrganisationError(OrganisationError.CODE_TOO_LONG)
    if not CODE_PATTERN.match(code):
        raise OrganisationError(OrganisationError.CODE_INVALID)
    return code


def find_organisation(code: str) -> Organisation | None:
    """The organisation with this code, whatever its case, or None."""
    return db.session.scalar(
        select(Organisation).where(Organisation.code == (code or "").strip().lower())
    )


def create_organisation(
    actor: User | None,
    kind: OrganisationKind,
    name: str,
    *,
    parent: Organisation | None = None,
    code: str | None = None,
) -> Organisation:
    """A new organisation under a parent of the right kind, with a unique code; audited."""
    name = clean_name(name)
    code = clean_code(code if code else code_from_name(name))
    expected_parent = PARENT_KIND[kind]
    if expected_parent is None and parent is not None:
        raise OrganisationError(OrganisationError.PARENT_NOT_ALLOWED)
    if expected_parent is not None and parent is None:
        raise OrganisationError(OrganisationError.PARENT_NEEDED)
    if parent is not None and parent.kind != expected_parent:
        raise OrganisationError(OrganisationError.WRONG_PARENT_KIND)
    if find_organisation(code) is not None:
        raise OrganisationError(OrganisationError.CODE_TAKEN)
    organisation = Organisation(kind=kind.value, name=name, code=code, parent=parent)
    db.session.add(organisation)
    db.session.flush()
    record_event(actor, "organisation.created", organisation, organisation, name=name, code=code)
    return organisation


def rename_organisation(actor: User | None, organisation: Organisation, name: str) -> None:
    """Gives the organisation a new name (its code stays); audited when the name changes."""
    name = clean_name(name)
    if name == organisation.name:
        return
    old_name, organisation.name = organisation.name, name
    db.session.flush()
    record_event(
        actor, "organisation.renamed", organisation, organisation, old_name=old_name, name=name
    )


def set_user_library(
    actor: User | None, user: User, organisation: Organisation, *, sees_whole_system: bool = False
) -> None:
    """Places the user in the organisation; only librarians may see a whole system; audited."""
    if sees_whole_system and not user.has_role(Role.LIBRARIAN):
        raise OrganisationError(OrganisationError.WHOLE_SYSTEM_LIBRARIANS_ONLY)
    if user.has_role(Role.LIBRARIAN) and organisation.kind == OrganisationKind.NETWORK.value:
        raise OrganisationError(OrganisationError.LIBRARIAN_ON_NETWORK)
    old_id = user.organisation_id
    user.organisation_id = organisation.id
    user.sees_whole_system = sees_whole_system
    db.session.flush()
    if user.learner is not None and old_id != organisation.id:
        # Reports count a patron in the library they belong to now.
        announce(ProgressChange(Change.LIBRARY_MOVED, user.learner.id))
    record_event(
        actor,
        "user.library_set",
        user,
        organisation,
        username=user.username,
        previous_organisation_id=old_id,
        sees_whole_system=sees_whole_system,
    )


@dataclass(frozen=True)
class TreeRow:
    organisation: Organisation
    depth: int
    patrons: int = 0


def tree_order(organisations: list[Organisation], patrons: dict[int, int] | None = None):
    """Organisations parents first, children under them by name; depth for indentation.

    An organisation whose parent is not in the list (a librarian's branch) starts a tree.
    """
    present = {o.id for o in organisations}
    children: dict[int | None, list[Organisation]] = {}
    for org in sorted(organisations, key=lambda o: (o.name.casefold(), o.id)):
        key = org.parent_id if org.parent_id in present else None
        children.setdefault(key, []).append(org)
    rows: list[TreeRow] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for org in children.get(parent_id, []):
            rows.append(TreeRow(org, depth, (patrons or {}).get(org.id, 0)))
            walk(org.id, depth + 1)

    walk(None, 0)
    return rows


def organisation_tree(visible_ids: Select[tuple[int]], patrons: bool = True) -> list[TreeRow]:
    """The visible organisations as a tree, each with its count of patrons, in one query.

    patrons=False skips the counting, for pickers that only need the names.
    """
    if not patrons:
        organisations = db.session.scalars(
            select(Organisation).where(Organisation.id.in_(visible_ids))
        ).all()
        return tree_order(list(organisations))
    # Patrons are counted per organisation id before the join: grouping the joined rows by
    # organisation made PostgreSQL hash-join every patron to their organisation first.
    patron_counts = (
        select(User.organisation_id, func.count().label("patrons"))
        .where(User.role == Role.LEARNER.value, User.organisation_id.in_(visible_ids))
        .group_by(User.organisation_id)
        .subquery("patron_counts")
    )
    rows = db.session.execute(
        select(Organisation, patron_counts.c.patrons)
        .outerjoin(patron_counts, patron_counts.c.organisation_id == Organisation.id)
        .where(Organisation.id.in_(visible_ids))
    ).all()
    return tree_order([org for org, _ in rows], {org.id: count or 0 for org, count in rows})


def organisation_members(organisation: Organisation) -> list[User]:
    """The users placed in this organisation, by username."""
    return list(
        db.session.scalars(
            select(User).where(User.organisation_id == organisation.id).order_by(User.username_key)
        )
    )


def branch_choices(branches: list[Organisation]) -> list[tuple[int, str]]:
    """(id, "Branch (System)") for each branch, in one query: branch names repeat across
    library systems, so a list of branches always names the system too."""
    parent_ids = {b.parent_id for b in branches if b.parent_id is not None}
    names = (
        dict(
            db.session.execute(
                select(Organisation.id, Organisation.name).where(Organisation.id.in_(parent_ids))
            ).all()
        )
        if parent_ids
        else {}
    )
    return [
        (b.id, f"{b.name} ({names[b.parent_id]})" if b.parent_id in names else b.name)
        for b in branches
    ]
