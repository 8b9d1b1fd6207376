"""Signing keys kept as JSON Web Keys, one file each, in a folder a setting names (outside the
database and the repository): Ed25519 for Open Badges (BADGE_KEYS_DIR), RSA for the LTI tool
(LTI_KEYS_DIR, as LTI 1.3 requires RS256).

Key ids start with the time they were made, so the newest file is the key that signs; older
keys stay published in the JWKS so what they signed still verifies after a rotation.
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
RSA_BITS = 2048
KID_PATTERN = re.compile(r"^\d{8}T\d{12}Z-[0-9a-f]{8}$")


class SigningKeyError(RuntimeError):
    """The key folder cannot be used: missing, empty, or holding a file that is not a key."""


def _key_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.jwk") if KID_PATTERN.match(p.stem))


def generate_key(folder: Path, algorithm: str = SIGNING_ALGORITHM) -> str:
    """Makes a new key (Ed25519 for EdDSA, RSA for RS256) in `folder` (created if missing,
    readable by its owner only) and returns its id; from now on it signs, and the older keys
    stay published."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    kid = f"{utc_now():%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(4)}"
    if algorithm == "RS256":
        key = jwk.JWK.generate(kty="RSA", size=RSA_BITS, kid=kid, alg=algorithm, use="sig")
    else:
        key = jwk.JWK.generate(kty="OKP", crv="Ed25519", kid=kid, alg=algorithm, use="sig")
    path = folder / f"{kid}.jwk"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key.export_private())
    return kid


def _load(path: Path) -> jwk.JWK:
    try:
        return jwk.JWK(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as error:
        raise SigningKeyError(f"{path} is not a readable key: {error}") from error


def signing_key(folder: Path) -> jwk.JWK:
    """The newest key, which signs new credentials; SigningKeyError if there is none."""
    files = _key_files(folder)
    if not files:
        raise SigningKeyError(f"No signing key in {folder}.")
    return _load(files[-1])


def key_ids(folder: Path) -> list[str]:
    """Every key id in the folder, oldest first."""
    return [p.stem for p in _key_files(folder)]


def public_jwks(folder: Path) -> dict:
    """The public halves of every key, newest first, as a JWK Set document."""
    keys = []
    for path in reversed(_key_files(folder)):
        key = _load(path)
        public = json.loads(key.export_public())
        public.update(alg=key.get("alg") or SIGNING_ALGORITHM, use="sig")
        keys.append(public)
    return {"keys": keys}
