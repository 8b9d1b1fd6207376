"""Keeping no more than needed: old guest progress is erased, long-unused accounts flagged.

Run daily by the job worker at PRIVACY_PURGE_AT (03:30 server time by default), or by
`flask privacy purge` (cron or a systemd timer; README "Privacy") where that is empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from course_app.accounts.erasure import erase_learner
from course_app.accounts.models import Learner, Role, ThrottleHit, User, UserSession
from course_app.audit.models import AuditEvent
from course_app.db import utc_now
from course_app.extensions import db
from course_app.jobs import daily_at, periodic_job
from course_app.resume_codes.models import ResumeCode

# Sign-in records with an address: kept PRIVACY_SIGN_IN_DAYS for security, then deleted.
SIGN_IN_RECORDS = (
    "sign_in.succeeded",
    "sign_in.failed",
    "reauthentication.failed",
    "password.changed",
    "password.change_refused",
    "password.reset",
)
# Counted attempts older than this no longer matter to any limit (the longest is a day).
THROTTLE_KEEP = timedelta(days=2)


@dataclass(frozen=True)
class PurgeReport:
    guests_erased: int
    accounts_flagged: int
    sign_in_records_deleted: int = 0


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


def delete_old_sign_in_records(days: int) -> int:
    """Deletes sign-in and password records (with their addresses), ended sessions and counted
    attempts older than `days` days (attempts: two days); returns how many records and
    sessions went."""
    cutoff = utc_now() - timedelta(days=days)
    records = (
        db.session.execute(
            delete(AuditEvent).where(AuditEvent.action.in_(SIGN_IN_RECORDS), AuditEvent.at < cutoff)
        ).rowcount
        or 0
    )
    sessions = (
        db.session.execute(
            delete(UserSession).where(
                or_(UserSession.ended_at < cutoff, UserSession.last_seen_at < cutoff)
            )
        ).rowcount
        or 0
    )
    db.session.execute(delete(ThrottleHit).where(ThrottleHit.at < utc_now() - THROTTLE_KEEP))
    return records + sessions


def purge(guest_days: int, inactive_days: int, sign_in_days: int = 90) -> PurgeReport:
    """One retention run: erase old guest progress, flag long-unused accounts, delete old
    sign-in records."""
    return PurgeReport(
        erase_old_guests(guest_days),
        flag_inactive_accounts(inactive_days),
        delete_old_sign_in_records(sign_in_days),
    )


def purge_as_configured(guest_days: int | None = None, inactive_days: int | None = None):
    """purge() with the days the settings give, where not given."""
    config = current_app.config
    return purge(
        guest_days if guest_days is not None else int(config["PRIVACY_GUEST_DAYS"]),
        inactive_days if inactive_days is not None else int(config["PRIVACY_INACTIVE_DAYS"]),
        int(config["PRIVACY_SIGN_IN_DAYS"]),
    )


@periodic_job(daily_at("PRIVACY_PURGE_AT"))
def daily_purge() -> None:
    """The worker's daily run: what `flask privacy purge` does, committed; a second run the
    same day (several workers) finds nothing more to do."""
    report = purge_as_configured()
    db.session.commit()
    current_app.logger.info(
        "privacy purge: %d guest learners erased, %d accounts flagged, %d sign-in records "
        "and sessions deleted",
        report.guests_erased,
        report.accounts_flagged,
        report.sign_in_records_deleted,
    )
