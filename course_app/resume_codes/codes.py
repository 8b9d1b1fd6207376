"""The code itself: making, normalising, showing and hashing it. No Flask, no database."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# No 0/O, 1/I/L: a code read aloud or copied from paper cannot be mistaken.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8
_SEPARATORS = str.maketrans("", "", " -_.\t")


def new_code() -> str:
    """A random code of LENGTH characters from ALPHABET (31**8, about 40 bits)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(text: str) -> str:
    """What the person typed, as stored: capitals, no spaces or dashes."""
    return text.translate(_SEPARATORS).upper()


def is_well_formed(code: str) -> bool:
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)


def grouped(code: str) -> str:
    """The code as shown and printed: two groups of four, e.g. K7QM-4XPA."""
    half = LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def code_digest(code: str, key: str) -> str:
    """A keyed hash: a copy of the database alone cannot be searched for the codes."""
    message = b"resume-code:" + normalise_code(code).encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
