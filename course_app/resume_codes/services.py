"""Issuing and redeeming resume codes; they flush, the view commits."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from course_app.accounts.models import Learner
from course_app.accounts.services import merge_guest
from course_app.db import utc_now
from course_app.extensions import db
from course_app.learning.services import last_activity
from course_app.resume_codes.codes import code_digest, is_well_formed, new_code, normalise_code
from course_app.resume_codes.models import ResumeCode

# A code nobody used (and whose learner did nothing) for this long stops working.
UNUSED_LIFETIME = timedelta(days=365)


class ResumeCodeError(Exception):
    """A code that cannot bring progress back; the value says why, the view words it."""

    WRONG = "wrong"
    EXPIRED = "expired"


def resume_code_of(learner: Learner) -> ResumeCode | None:
    return db.session.scalar(select(ResumeCode).where(ResumeCode.learner_id == learner.id))


def issue_resume_code(learner: Learner, key: str) -> str:
    """A new code for a guest learner; an earlier code stops working. Returns the plain code."""
    if learner.user_id is not None:
        raise ValueError("resume codes are for guests; an account signs in instead")
    db.session.execute(delete(ResumeCode).where(ResumeCode.learner_id == learner.id))
    while True:
        code = new_code()
        digest = code_digest(code, key)
        # 31**8 codes: a clash is very unlikely, but a clash must never share a learner.
        if db.session.scalar(select(ResumeCode.id).where(ResumeCode.code_hash == digest)) is None:
            break
    db.session.add(ResumeCode(learner_id=learner.id, code_hash=digest))
    db.session.flush()
    return code


def redeem_resume_code(code: str, key: str, current_guest: Learner | None) -> Learner:
    """The code's guest learner, its use recorded and this visit's guest progress merged in.

    Raises ResumeCodeError when the code is unknown, belongs to a learner who now has an
    account, or was left unused for UNUSED_LIFETIME.
    """
    code = normalise_code(code)
    if not is_well_formed(code):
        raise ResumeCodeError(ResumeCodeError.WRONG)
    row = db.session.scalar(
        select(ResumeCode)
        .options(joinedload(ResumeCode.learner))
        .where(ResumeCode.code_hash == code_digest(code, key))
    )
    if row is None or row.learner.user_id is not None:
        raise ResumeCodeError(ResumeCodeError.WRONG)
    now = utc_now()
    # Learning with the code's progress counts as using it, not only typing the code.
    last_use = max(row.last_used_at, last_activity(row.learner_id) or row.last_used_at)
    if now - last_use > UNUSED_LIFETIME:
        raise ResumeCodeError(ResumeCodeError.EXPIRED)
    row.last_used_at = now
    learner = row.learner
    if current_guest is not None and current_guest.id != learner.id:
        merge_guest(current_guest, learner)
    db.session.flush()
    return learner
