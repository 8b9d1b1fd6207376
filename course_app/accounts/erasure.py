"""Erasing a patron: their account, progress, answers and everything kept about them.

Each package deletes its own rows when it hears the learner or the account is being erased
(events.py); certificates stay checkable but say they were withdrawn at the holder's request,
with no name; reports lose the patron's share, keeping aggregates only. The erasure itself is
audited without the patron's name.
"""

from __future__ import annotations

from sqlalchemy import and_, delete, or_, select, update

from course_app.accounts.models import Learner, Role, User, UserSession
from course_app.accounts.sign_in import forget_sign_in_failures
from course_app.audit.models import AuditEvent
from course_app.audit.services import record_event
from course_app.events import Change, ProgressChange, account_erased, announce
from course_app.extensions import db

# Keys of audit details that name or describe a person; scrubbed from events about them.
PERSONAL_DETAILS = {"username", "display_name", "name", "email", "browser", "address"}


class ErasureError(Exception):
    """The account cannot be erased here (e.g. it is a staff account)."""

    NOT_A_PATRON = "not-a-patron"


def erase_learner(learner: Learner) -> None:
    """Deletes a learner and all their progress, attempts and resume code; their certificates
    are withdrawn. Flushes; the caller commits."""
    announce(ProgressChange(Change.LEARNER_ERASED, learner.id))
    db.session.flush()
    db.session.delete(learner)  # its resume code goes with it (ON DELETE CASCADE)
    db.session.flush()


def erase_patron(user: User, by: User | None) -> None:
    """Erases a patron's account at their own request (by is the patron) or at the desk (by is
    the librarian; None from the command line). Audited with no name. Flushes, never commits."""
    if user.role != Role.LEARNER.value:
        raise ErasureError(ErasureError.NOT_A_PATRON)
    by_holder = by is not None and by.id == user.id
    record_event(
        None if by_holder else by,
        "account.erased",
        user,
        user.organisation,
        requested_by="holder" if by_holder else "desk",
    )
    learner = db.session.scalar(select(Learner).where(Learner.user_id == user.id))
    if learner is not None:
        erase_learner(learner)
    account_erased.send(None, user_id=user.id)
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    forget_sign_in_failures(user)
    _scrub_audit_trail(user.id)
    db.session.delete(user)
    db.session.flush()


def _scrub_audit_trail(user_id: int) -> None:
    """Events the patron made keep no link to them; events about them keep no name."""
    db.session.execute(
        update(AuditEvent).where(AuditEvent.actor_id == user_id).values(actor_id=None)
    )
    about = select(AuditEvent).where(
        or_(
            and_(AuditEvent.target_type == User.__tablename__, AuditEvent.target_id == user_id),
            AuditEvent.details["user_id"].as_integer() == user_id,
        )
    )
    for event in db.session.scalars(about):
        if PERSONAL_DETAILS & set(event.details or {}):
            event.details = {k: v for k, v in event.details.items() if k not in PERSONAL_DETAILS}
