"""Sign-in limits: wrong passwords are counted per account and per address, correct ones never.

An address that keeps guessing waits (SIGN_IN_RATE_LIMIT); an account that keeps being
guessed is slowed for a few minutes at most (SIGN_IN_ACCOUNT_LIMIT), never locked for long;
its count of wrong passwords since the last sign-in is on the user row for librarians.
"""

from __future__ import annotations

from course_app.accounts.models import User
from course_app.accounts.services import find_user, username_key
from course_app.accounts.throttle import clear_hits, record_hit, wait_seconds
from course_app.db import utc_now

ADDRESS_LIMIT = "SIGN_IN_RATE_LIMIT"
ACCOUNT_LIMIT = "SIGN_IN_ACCOUNT_LIMIT"


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
    """Counts a wrong password against the address and the account; returns the account if
    the username exists. The caller commits."""
    record_hit(_address_key(address), ADDRESS_LIMIT)
    record_hit(_account_key(username), ACCOUNT_LIMIT)
    user = find_user(username)
    if user is not None:
        user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
        user.last_failed_sign_in_at = utc_now()
    return user


def record_signed_in(user: User) -> None:
    """A correct password: the account's wrong-password count starts again."""
    clear_hits(_account_key(user.username), ACCOUNT_LIMIT)
    user.failed_sign_ins = 0


def forget_sign_in_failures(user: User) -> None:
    """The account's wrong-password count goes (the account is being erased)."""
    clear_hits(_account_key(user.username), ACCOUNT_LIMIT)


def is_being_guessed(user: User, threshold: int) -> bool:
    """True when the account has had threshold or more wrong passwords since it signed in."""
    return (user.failed_sign_ins or 0) >= threshold
