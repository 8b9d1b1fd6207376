"""Library card numbers: how they are cleaned, hashed with a key, and masked for display.

Pure: no Flask and no database, so the rules can be tested alone. The key comes from
SECRET_KEY (see card_key); changing SECRET_KEY means cards can no longer be looked up.
"""

from __future__ import annotations

import hashlib
import hmac
import re

CARD_MIN_LENGTH = 6  # at least two characters stay hidden behind the last four
CARD_MAX_LENGTH = 20
_SEPARATORS = re.compile(r"[\s\-]+")
_CARD = re.compile(r"^[A-Z0-9]+$")


class CardNumberError(ValueError):
    """A card number that cannot be stored; `reason` is "invalid", "too-short" or "too-long"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def normalise_card_number(raw: str) -> str:
    """The number as hashed: spaces and dashes dropped, letters upper-cased; checked."""
    number = _SEPARATORS.sub("", raw or "").upper()
    if len(number) > CARD_MAX_LENGTH:
        raise CardNumberError("too-long")
    if not _CARD.match(number):
        raise CardNumberError("invalid")
    if len(number) < CARD_MIN_LENGTH:
        raise CardNumberError("too-short")
    return number


def card_key(secret_key: str) -> bytes:
    """A key used only for card numbers, derived from the app's SECRET_KEY."""
    return hmac.new(secret_key.encode(), b"library-card-number:v1", hashlib.sha256).digest()


def card_digest(number: str, key: bytes) -> str:
    """HMAC-SHA256 of a normalised card number, as 64 hex characters."""
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


def card_last4(number: str) -> str:
    return number[-4:]


def masked(last4: str) -> str:
    """How a card is shown anywhere on the site: only its last four characters."""
    return f"•••• {last4}"
