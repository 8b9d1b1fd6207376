"""Recording audit events. Below every package that records one: it takes the actor, target
and library as saved rows and keeps their ids."""

from __future__ import annotations

import getpass
import os
from typing import Any

import click
from flask import has_request_context

from course_app.audit.models import AuditEvent
from course_app.extensions import db


def command_line_user() -> str:
    """The operating-system account running this process ("unknown" if it has no name)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user with no passwd entry
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def record_event(
    actor: Any,
    action: str,
    target: Any,
    organisation: Any,
    **details: Any,
) -> AuditEvent:
    """Adds one event for a change to target (a saved model, or None when there is none, e.g. a
    sign-in to an unknown username).

    actor None: from the command line (a `flask` command), recorded with the operating-system
    user who ran it; or from the website with nobody signed in (a patron asking for a reset code
    by email); or from a job or script, recorded as it is.
    """
    if actor is None:
        if has_request_context():
            details = {**details, "via_web": True}
        elif click.get_current_context(silent=True) is not None:
            details = {**details, "os_user": command_line_user()}
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
