"""Keeping no more than needed: old guest progress is erased, long-unused accounts flagged.

Run daily by `flask privacy purge` (cron or a systemd timer; README "Privacy").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_, select, update

from course_app.accounts.erasure import erase_learner
from course_app.accounts.models import Learner, Role, User
from course_app.db import utc_now
from course_app.extensions import db
from course_app.resume_codes.models import ResumeCode


@dataclass(frozen=True)
class PurgeReport:
    guests_erased: int
    accounts_flagged: int


def erase_old_guests(days: int) -> int:
    """Erases guest learners (no account) with no resume code who did nothing for `days`
    days; returns how many. Flushes, never commits."""
    cutoff = utc_now() - timedelta(days=days)
    old = db.session.scalars(
        select(Learner)
        .outerjoin(ResumeCode, ResumeCode.learner_id == Learner.id)
        .where(
            Learner.user_id.is_(None),
            ResumeCode.id.is_(None),
            Learner.last_active_at < cutoff,
        )
        .order_by(Learner.id)
    ).all()
    for learner in old:
        erase_learner(learner)
    return len(old)


def flag_inactive_accounts(days: int) -> int:
    """Marks patron accounts with no sign-in for `days` days (never signed in: since they were
    made) for librarians to follow up; returns how many newly flagged. 0 days: off."""
    if days <= 0:
        return 0
    cutoff = utc_now() - timedelta(days=days)
    last_seen = func.coalesce(User.last_sign_in_at, User.created_at)
    result = db.session.execute(
        update(User)
        .where(
            User.role == Role.LEARNER.value,
            User.flagged_inactive_at.is_(None),
            last_seen < cutoff,
        )
        .values(flagged_inactive_at=utc_now())
    )
    # Someone flagged who signed in again is no longer inactive.
    db.session.execute(
        update(User)
        .where(
            User.flagged_inactive_at.is_not(None),
            or_(User.last_sign_in_at >= cutoff, User.role != Role.LEARNER.value),
        )
        .values(flagged_inactive_at=None)
    )
    return result.rowcount or 0


def purge(guest_days: int, inactive_days: int) -> PurgeReport:
    """One retention run: erase old guest progress, flag long-unused accounts."""
    return PurgeReport(erase_old_guests(guest_days), flag_inactive_accounts(inactive_days))
