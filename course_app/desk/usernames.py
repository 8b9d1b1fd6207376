"""Readable usernames proposed from a patron's name: "María López" -> "maria.lopez".

Pure: the caller says which usernames are taken, so one query can serve a whole import.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

USERNAME_MIN = 3
USERNAME_MAX = 40
FALLBACK = "patron"  # for names with no letters we can spell in ASCII (e.g. 王芳)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def username_base(name: str) -> str:
    """Lower-case ASCII words of the name joined by dots, at most 36 characters."""
    ascii_name = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    base = _NOT_ALNUM.sub(".", ascii_name.lower()).strip(".")
    # Room for a number after it, so maria.lopez999 still fits in 40 characters.
    base = base[: USERNAME_MAX - 4].rstrip(".")
    return base or FALLBACK


def propose_username(name: str, taken: Container[str]) -> str:
    """The first of base, base2, base3... that is at least 3 characters and not in taken.

    taken holds username keys (lower case), as accounts.services.username_key makes them.
    """
    base = username_base(name)
    candidates = (base if n == 1 else f"{base}{n}" for n in range(1, 100_000))
    for candidate in candidates:
        if len(candidate) >= USERNAME_MIN and candidate not in taken:
            return candidate
    raise RuntimeError("no free username")  # pragma: no cover - 100,000 people of one name
