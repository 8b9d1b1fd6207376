"""When a sign-in session ends on its own: pure rules, no Flask, no database.

A session ends when it has been idle too long or is too old, whatever its cookie says. Staff
roles (librarian, staff, admin) get shorter limits than patrons, and must type their password
again before staff-only pages once it was typed more than a while ago.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class SessionLimits:
    idle: timedelta
    absolute: timedelta


def limits_for(staff: bool, config: dict) -> SessionLimits:
    """The idle and absolute limits for a patron's or a staff member's session."""
    prefix = "STAFF_SESSION" if staff else "SESSION"
    return SessionLimits(
        idle=timedelta(minutes=int(config[f"{prefix}_IDLE_MINUTES"])),
        absolute=timedelta(hours=int(config[f"{prefix}_ABSOLUTE_HOURS"])),
    )


def has_expired(
    created_at: datetime, last_seen_at: datetime, now: datetime, limits: SessionLimits
) -> bool:
    """True when the session has been idle or alive for too long."""
    return now - last_seen_at >= limits.idle or now - created_at >= limits.absolute


def needs_password_again(authenticated_at: datetime, now: datetime, config: dict) -> bool:
    """True when the password was typed longer ago than REAUTH_MINUTES."""
    return now - authenticated_at >= timedelta(minutes=int(config["REAUTH_MINUTES"]))
