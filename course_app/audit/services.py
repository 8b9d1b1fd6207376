"""Recording audit events, and reading them back a page at a time."""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from course_app.accounts.models import User
from course_app.audit.models import AuditEvent
from course_app.extensions import db
from course_app.libraries.access import subtree_ids
from course_app.libraries.models import Organisation

EVENTS_PER_PAGE = 50


def record_event(
    actor: User | None,
    action: str,
    target: Any,
    organisation: Organisation | None,
    **details: Any,
) -> AuditEvent:
    """Adds one event for a change to target (a saved model); actor None means the command line."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        organisation_id=organisation.id if organisation is not None else None,
        action=action,
        target_type=target.__tablename__,
        target_id=target.id,
        details=details,
    )
    db.session.add(event)
    db.session.flush()
    return event


def audit_events_page(organisation: Organisation | None, page: int) -> Pagination:
    """Newest events first, 50 a page; with an organisation, its events and its branches'."""
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.organisation))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if organisation is not None:
        query = query.where(AuditEvent.organisation_id.in_(subtree_ids(organisation.id)))
    return db.paginate(query, page=page, per_page=EVENTS_PER_PAGE, error_out=False)
