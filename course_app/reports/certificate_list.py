"""Certificates by library, class and course over a date range, for staff (every library)
and librarians (their own library's patrons): one query for the page, the same for the CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from course_app.accounts.access import STAFF_ROLES
from course_app.accounts.models import Learner, User
from course_app.certificates.models import Certificate
from course_app.classes.models import Assignment, ClassMember
from course_app.content.localize import localized
from course_app.content.models import Course
from course_app.extensions import db
from course_app.libraries.access import subtree_ids, visible_organisation_ids
from course_app.libraries.models import Organisation


@dataclass(frozen=True)
class CertificateQuery:
    start: date | None = None
    end: date | None = None
    organisation_id: int | None = None
    class_id: int | None = None
    course_id: int | None = None


def certificate_rows(actor: User, q: CertificateQuery, language: str) -> Select[Any]:
    """One row per certificate the actor may see that matches, newest first."""
    system = aliased(Organisation)
    stmt = (
        select(
            Certificate.id,
            Certificate.code,
            Certificate.recipient_name,
            Certificate.issued_at,
            Certificate.revoked_at,
            localized(Course.title, language).label("course"),
            User.id.label("user_id"),
            User.display_name,
            User.username,
            Organisation.name.label("library"),
            Organisation.kind.label("library_kind"),
            system.name.label("system"),
        )
        .join(Course, Course.id == Certificate.course_id)
        .join(Learner, Learner.id == Certificate.learner_id)
        .outerjoin(User, User.id == Learner.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(system, system.id == Organisation.parent_id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    if not actor.has_role(*STAFF_ROLES):
        stmt = stmt.where(User.organisation_id.in_(visible_organisation_ids(actor)))
    if q.organisation_id is not None:
        stmt = stmt.where(User.organisation_id.in_(subtree_ids(q.organisation_id)))
    if q.class_id is not None:
        stmt = stmt.where(
            User.id.in_(select(ClassMember.user_id).where(ClassMember.class_id == q.class_id)),
            Certificate.course_id.in_(
                select(Assignment.course_id).where(Assignment.class_id == q.class_id)
            ),
        )
    if q.course_id is not None:
        stmt = stmt.where(Certificate.course_id == q.course_id)
    if q.start is not None:
        stmt = stmt.where(Certificate.issued_at >= datetime.combine(q.start, time(), tzinfo=UTC))
    if q.end is not None:
        end_before = datetime.combine(q.end + timedelta(days=1), time(), tzinfo=UTC)
        stmt = stmt.where(Certificate.issued_at < end_before)
    return stmt


def count_certificates(stmt: Select[Any]) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))


def library_name(row: Any) -> str:
    """ "Northgate (North Library)" for a branch; empty for a guest's certificate."""
    if row.library is None:
        return ""
    if row.library_kind == "branch" and row.system:
        return f"{row.library} ({row.system})"
    return row.library
