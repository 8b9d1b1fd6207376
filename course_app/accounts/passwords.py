"""Password hashing (argon2id) and the password policy from NIST SP 800-63B."""

from __future__ import annotations

import gzip
import secrets
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 8
MAX_LENGTH = 128
_COMMON_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    with gzip.open(_COMMON_FILE, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip())


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is refused, or None when it is acceptable. No composition rules."""
    if len(password) < MIN_LENGTH:
        return str(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    lowered = password.strip().lower()
    if lowered in _common_passwords():
        return str(_l("That password is too common and easy to guess. Try a short sentence."))
    if username and lowered == username.strip().lower():
        return str(_l("Your password cannot be your username."))
    return None


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_COST"])


def hash_password(password: str) -> str:
    """An argon2id hash with a random salt."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches; never raises on a bad or foreign hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError, ValueError):
        return False


def dummy_hash() -> str:
    """A hash made with the configured cost, verified against when the username is unknown, so
    an unknown name takes as long as a known one. Made once per app (a fixed hash with a
    smaller cost answered in 6 ms where a real one took 100)."""
    hashes = current_app.extensions.setdefault("dummy_password_hash", {})
    cfg = current_app.config
    cost = (cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"])
    if cost not in hashes:
        hashes[cost] = hash_password(secrets.token_urlsafe(16))
    return hashes[cost]


def init_passwords(app) -> None:
    """In production the dummy hash is made as the worker starts, so the first sign-in with
    an unknown username does not take twice as long as any other."""
    if app.config.get("ENV_NAME") == "production":
        with app.app_context():
            dummy_hash()
