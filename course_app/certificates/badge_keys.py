"""The issuer's signing keys for Open Badges 3.0: Ed25519 JSON Web Keys, one file each, in the
folder BADGE_KEYS_DIR names (outside the database and the repository).

Key ids start with the time they were made, so the newest file is the key that signs; older
keys stay published in the JWKS so credentials they signed still verify after a rotation.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from pathlib import Path

from jwcrypto import jwk

from course_app.db import utc_now

SIGNING_ALGORITHM = "EdDSA"
KID_PATTERN = re.compile(r"^\d{8}T\d{12}Z-[0-9a-f]{8}$")


class BadgeKeyError(RuntimeError):
    """The key folder cannot be used: missing, empty, or holding a file that is not a key."""


def _key_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.jwk") if KID_PATTERN.match(p.stem))


def generate_key(folder: Path) -> str:
    """Makes a new Ed25519 key in `folder` (created if missing, readable by its owner only)
    and returns its id; from now on it signs, and the older keys stay published."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    kid = f"{utc_now():%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(4)}"
    key = jwk.JWK.generate(kty="OKP", crv="Ed25519", kid=kid, alg=SIGNING_ALGORITHM, use="sig")
    path = folder / f"{kid}.jwk"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key.export_private())
    return kid


def _load(path: Path) -> jwk.JWK:
    try:
        return jwk.JWK(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as error:
        raise BadgeKeyError(f"{path} is not a readable key: {error}") from error


def signing_key(folder: Path) -> jwk.JWK:
    """The newest key, which signs new credentials; BadgeKeyError if there is none."""
    files = _key_files(folder)
    if not files:
        raise BadgeKeyError(f"No badge signing key in {folder}; run `flask badges keygen`.")
    return _load(files[-1])


def key_ids(folder: Path) -> list[str]:
    """Every key id in the folder, oldest first."""
    return [p.stem for p in _key_files(folder)]


def public_jwks(folder: Path) -> dict:
    """The public halves of every key, newest first, as a JWK Set document."""
    keys = []
    for path in reversed(_key_files(folder)):
        public = json.loads(_load(path).export_public())
        public.update(alg=SIGNING_ALGORITHM, use="sig")
        keys.append(public)
    return {"keys": keys}
