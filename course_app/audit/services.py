"""Recording audit events. Below every package that records one: it takes the actor, target
and library as saved rows and keeps their ids."""

from __future__ import annotations

from typing import Any

from course_app.audit.models import AuditEvent
from course_app.extensions import db


def record_event(
    actor: Any,
    action: str,
    target: Any,
    organisation: Any,
    **details: Any,
) -> AuditEvent:
    """Adds one event for a change to target (a saved model, or None when there is none, e.g. a
    sign-in to an unknown username); actor None means the command line or a visitor."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        organisation_id=organisation.id if organisation is not None else None,
        action=action,
        target_type=target.__tablename__ if target is not None else "none",
        target_id=target.id if target is not None else None,
        details=details,
    )
    db.session.add(event)
    db.session.flush()
    return event
