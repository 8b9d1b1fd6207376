"""Temporary passphrases for sign-in cards: four common short words, easy to read aloud."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

WORDS_PER_PASSPHRASE = 4
_WORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "passphrase-words.txt"


@lru_cache(maxsize=1)
def passphrase_words() -> tuple[str, ...]:
    with _WORDS_FILE.open(encoding="utf-8") as fh:
        return tuple(sorted({line.strip() for line in fh if line.strip()}))


def make_passphrase(words: int = WORDS_PER_PASSPHRASE) -> str:
    """Words chosen with the secrets module, joined by spaces: "lamp river cup moose"."""
    pool = passphrase_words()
    return " ".join(secrets.choice(pool) for _ in range(words))
