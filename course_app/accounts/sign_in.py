"""Sign-in limits: wrong passwords are counted per account and per address, correct ones never.

An address that keeps guessing waits (SIGN_IN_RATE_LIMIT); an account that keeps being
guessed is slowed for a few minutes at most (SIGN_IN_ACCOUNT_LIMIT), never locked for long;
its count of wrong passwords since the last sign-in is on the user row for librarians.
"""

from __future__ import annotations

from flask import current_app

from course_app.accounts.models import User
from course_app.accounts.services import find_user, username_key
from course_app.accounts.throttle import clear_hits, record_hit, wait_seconds
from course_app.audit.services import record_event
from course_app.db import utc_now

# Sign-ins and passwords, for the audit page's filter. Never the password, code or token.
SECURITY_ACTIONS = (
    "sign_in.succeeded",
    "sign_in.failed",
    "reauthentication.failed",
    "password.changed",
    "password.change_refused",
    "password.reset",
    "reset_code.issued",
    "account.erased",
)


def record_security_event(
    action: str, user: User | None, address: str | None, outcome: str, *, by: User | None = None
) -> None:
    """One sign-in or password event: who (the account), when, from where and the outcome,
    in the audit log and the application log. The caller commits."""
    record_event(
        by,
        action,
        user,
        user.organisation if user is not None else None,
        address=address or "unknown",
        outcome=outcome,
    )
    current_app.logger.info(
        "security %s user=%s address=%s outcome=%s",
        action,
        user.id if user is not None else "unknown",
        address or "unknown",
        outcome,
    )


ADDRESS_LIMIT = "SIGN_IN_RATE_LIMIT"
ACCOUNT_LIMIT = "SIGN_IN_ACCOUNT_LIMIT"
SIGN_UP_LIMIT = "SIGN_UP_RATE_LIMIT"


def _account_key(username: str) -> str:
    return "sign-in:account:" + username_key(username)[:80]


def _address_key(address: str | None) -> str:
    return "sign-in:address:" + (address or "unknown")


def sign_in_wait(username: str, address: str | None) -> int:
    """Seconds before this address may try this username again (0: now)."""
    return max(
        wait_seconds(_address_key(address), ADDRESS_LIMIT),
        wait_seconds(_account_key(username), ACCOUNT_LIMIT),
    )


def record_failed_sign_in(
    username: str, address: str | None, reauthentication: bool = False
) -> User | None:
    """Counts a wrong password against the address and the account, and audits it; returns
    the account if the username exists. The caller commits."""
    user = count_wrong_password(username, address)
    if reauthentication:
        record_security_event("reauthentication.failed", user, address, "wrong-password", by=user)
    else:
        outcome = "wrong-password" if user is not None else "unknown-username"
        record_security_event("sign_in.failed", user, address, outcome)
    return user


def count_wrong_password(username: str, address: str | None) -> User | None:
    """A wrong password typed anywhere (sign-in, re-authentication, the current password on
    the account page) counts against the address and the account alike."""
    record_hit(_address_key(address), ADDRESS_LIMIT)
    record_hit(_account_key(username), ACCOUNT_LIMIT)
    user = find_user(username)
    if user is not None:
        user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
        user.last_failed_sign_in_at = utc_now()
    return user


def sign_up_wait(address: str | None) -> int:
    """Seconds before this address may make another account (0: now)."""
    return wait_seconds(_sign_up_key(address), SIGN_UP_LIMIT)


def record_sign_up(address: str | None) -> None:
    """Counts an account made from this address (each costs a full password hash)."""
    record_hit(_sign_up_key(address), SIGN_UP_LIMIT)


def _sign_up_key(address: str | None) -> str:
    return "sign-up:address:" + (address or "unknown")


def record_refused_sign_in(username: str, address: str | None) -> None:
    """A sign-in refused unchecked because the address or account must wait; audited."""
    record_security_event("sign_in.failed", find_user(username), address, "waiting")


def record_signed_in(user: User, address: str | None) -> None:
    """A correct password: the account's wrong-password count starts again; audited."""
    clear_hits(_account_key(user.username), ACCOUNT_LIMIT)
    user.failed_sign_ins = 0
    record_security_event("sign_in.succeeded", user, address, "signed-in", by=user)


def forget_sign_in_failures(user: User) -> None:
    """The account's wrong-password count goes (the account is being erased)."""
    clear_hits(_account_key(user.username), ACCOUNT_LIMIT)


def is_being_guessed(user: User, threshold: int) -> bool:
    """True when the account has had threshold or more wrong passwords since it signed in."""
    return (user.failed_sign_ins or 0) >= threshold
