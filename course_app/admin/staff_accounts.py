"""Librarian, staff and administrator accounts made and changed on the web by administrators
(`flask users` stays for scripts). Every change is audited; the last administrator keeps the
role and stays active. Functions flush and never commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from course_app.accounts.models import Role, User
from course_app.accounts.passwords import hash_password
from course_app.accounts.services import (
    AccountError,
    change_role,
    create_user,
    set_account_active,
    username_key,
)
from course_app.audit.services import record_event
from course_app.desk.services import new_passphrase, temporary_password_expiry
from course_app.domain_errors import DomainError
from course_app.extensions import db
from course_app.libraries.models import Organisation
from course_app.libraries.services import OrganisationError, set_user_library

STAFF_ACCOUNT_ROLES = (Role.LIBRARIAN, Role.STAFF, Role.ADMIN)


class StaffAccountError(DomainError):
    """A change to a staff account that cannot be done; `reason` names the rule."""

    USERNAME_TAKEN = "username-taken"
    LIBRARY_NEEDED = "library-needed"
    LIBRARIAN_ON_NETWORK = "librarian-on-network"
    WHOLE_SYSTEM_LIBRARIANS_ONLY = "whole-system-librarians-only"
    LAST_ADMIN = "last-admin"


@dataclass(frozen=True)
class StaffPlace:
    role: Role
    organisation: Organisation | None
    sees_whole_system: bool = False


@dataclass(frozen=True)
class NewStaffAccount:
    username: str
    display_name: str
    email: str | None
    place: StaffPlace


def staff_accounts() -> list[User]:
    """Every librarian, staff member and administrator, by role then username."""
    return list(
        db.session.scalars(
            select(User)
            .options(joinedload(User.organisation))
            .where(User.role.in_([r.value for r in STAFF_ACCOUNT_ROLES]))
            .order_by(User.role, User.username_key)
        )
    )


def find_staff_account(user_id: int) -> User | None:
    return db.session.scalar(
        select(User).where(
            User.id == user_id, User.role.in_([r.value for r in STAFF_ACCOUNT_ROLES])
        )
    )


def _check_place(place: StaffPlace) -> None:
    if place.role == Role.LIBRARIAN and place.organisation is None:
        raise StaffAccountError(StaffAccountError.LIBRARY_NEEDED)
    if place.sees_whole_system and place.role != Role.LIBRARIAN:
        raise StaffAccountError(StaffAccountError.WHOLE_SYSTEM_LIBRARIANS_ONLY)
    if (
        place.role == Role.LIBRARIAN
        and place.organisation is not None
        and place.organisation.kind == "network"
    ):
        raise StaffAccountError(StaffAccountError.LIBRARIAN_ON_NETWORK)


def _place(actor: User, user: User, place: StaffPlace) -> None:
    if place.organisation is None:
        if user.organisation_id is not None:
            previous = user.organisation_id
            user.organisation_id = None
            user.sees_whole_system = False
            db.session.flush()
            record_event(
                actor,
                "user.library_cleared",
                user,
                None,
                username=user.username,
                previous_organisation_id=previous,
            )
        return
    if (
        user.organisation_id == place.organisation.id
        and user.sees_whole_system == place.sees_whole_system
    ):
        return
    try:
        set_user_library(actor, user, place.organisation, sees_whole_system=place.sees_whole_system)
    except OrganisationError as error:  # checked above; kept as a guard
        raise StaffAccountError(error.reason) from error


def create_staff_account(actor: User, data: NewStaffAccount) -> tuple[User, str]:
    """A new account with the role and place, that must choose its password at first
    sign-in; returns it with its one-time passphrase (shown once, never stored). Audited."""
    _check_place(data.place)
    if db.session.scalar(select(User.id).where(User.username_key == username_key(data.username))):
        raise StaffAccountError(StaffAccountError.USERNAME_TAKEN)
    passphrase = new_passphrase()
    user = create_user(
        data.username,
        passphrase,
        display_name=data.display_name,
        email=data.email or None,
        role=data.place.role,
        password_hash=hash_password(passphrase),
    )
    user.must_change_password = True
    user.temporary_password_expires_at = temporary_password_expiry()
    db.session.flush()
    record_event(
        actor,
        "user.created",
        user,
        data.place.organisation,
        username=user.username,
        role=data.place.role.value,
    )
    _place(actor, user, data.place)
    return user, passphrase


def update_staff_account(actor: User, user: User, place: StaffPlace, active: bool) -> None:
    """Sets the role, the place and whether the account may sign in; each change audited.
    The last active administrator keeps the role and stays active."""
    _check_place(place)
    try:
        change_role(actor, user, place.role)
        set_account_active(actor, user, active)
    except AccountError as error:
        raise StaffAccountError(StaffAccountError.LAST_ADMIN) from error
    _place(actor, user, place)
