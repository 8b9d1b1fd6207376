"""One-time reset codes: a librarian gives one to a patron who forgot their password.

A code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as
"ABCD-EFGH"; about 40 bits, stored only as a keyed hash bound to the patron, valid 24 hours,
used once, and a new code voids the previous one.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from course_app.accounts.models import User
from course_app.accounts.services import change_password, find_user
from course_app.audit.services import record_event
from course_app.db import utc_now
from course_app.desk.models import ResetCode
from course_app.extensions import db

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_LIFETIME = timedelta(hours=24)
_NOT_CODE = re.compile(r"[\s\-]+")


def format_code(code: str) -> str:
    """ABCDEFGH -> ABCD-EFGH: two groups are easier to read out and copy."""
    return f"{code[:4]}-{code[4:]}"


def normalise_code(typed: str) -> str:
    """What the patron typed, without spaces or dashes, upper-cased."""
    return _NOT_CODE.sub("", typed or "").upper()


def _digest(user_id: int, code: str) -> str:
    key = hmac.new(
        current_app.config["SECRET_KEY"].encode(), b"reset-code:v1", hashlib.sha256
    ).digest()
    return hmac.new(key, f"{user_id}:{code}".encode(), hashlib.sha256).hexdigest()


def issue_reset_code(actor: User | None, patron: User) -> str:
    """A new code for the patron (formatted); any earlier unused code stops working; audited.
    actor None: the patron asked for it by email."""
    now = utc_now()
    db.session.execute(
        update(ResetCode)
        .where(ResetCode.user_id == patron.id, ResetCode.spent_at.is_(None))
        .values(spent_at=now)
    )
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    db.session.add(
        ResetCode(
            user_id=patron.id,
            code_hash=_digest(patron.id, code),
            issued_by_id=actor.id if actor is not None else None,
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
    )
    db.session.flush()
    record_event(actor, "reset_code.issued", patron, patron.organisation, username=patron.username)
    return format_code(code)


def redeem_reset_code(username: str, typed_code: str, new_password: str) -> User | None:
    """Sets the new password when the code is this user's live one, and spends the code.

    None when the username, the code, its age or its use is wrong: the page says one thing
    for all of them, so nobody learns which usernames exist.
    """
    user = find_user(username)
    code = normalise_code(typed_code)
    if user is None or not user.is_active_account or len(code) != CODE_LENGTH:
        return None
    live = db.session.scalar(
        select(ResetCode)
        .where(
            ResetCode.user_id == user.id,
            ResetCode.spent_at.is_(None),
            ResetCode.expires_at > utc_now(),
        )
        .order_by(ResetCode.id.desc())
        .limit(1)
    )
    if live is None or not hmac.compare_digest(live.code_hash, _digest(user.id, code)):
        return None
    live.spent_at = utc_now()
    change_password(user, new_password)
    db.session.flush()
    return user
