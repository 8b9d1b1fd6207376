"""Librarians' view of their own patrons by name: courses started and finished, certificates,
last activity. Network staff never see this: their reports are counts only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from course_app.accounts.models import Learner, Role, User
from course_app.certificates.models import Certificate
from course_app.extensions import db
from course_app.learning.models import Enrolment
from course_app.libraries.access import subtree_ids
from course_app.libraries.models import Organisation

SORTS = {
    "name": (User.display_name, User.id),
    "library": (Organisation.name, User.display_name, User.id),
}


def learner_rows(
    visible: Select[tuple[int]],
    organisation_id: int | None,
    course_id: int | None,
    sort: str = "name",
) -> Select[Any]:
    """One row per patron in the libraries given, with their course figures, in one query."""
    patrons = select(User.id).where(
        User.role == Role.LEARNER.value, User.organisation_id.in_(visible)
    )
    if organisation_id is not None:
        patrons = patrons.where(User.organisation_id.in_(subtree_ids(organisation_id)))
    their_learners = select(Learner.id).where(Learner.user_id.in_(patrons))
    enrolments = select(
        Enrolment.learner_id,
        func.count().label("started"),
        func.count(Enrolment.completed_at).label("completed"),
        func.max(Enrolment.last_activity_at).label("last_active"),
    ).where(Enrolment.learner_id.in_(their_learners))
    certificates = select(Certificate.learner_id, func.count().label("certificates")).where(
        Certificate.learner_id.in_(their_learners), Certificate.revoked_at.is_(None)
    )
    if course_id is not None:
        enrolments = enrolments.where(Enrolment.course_id == course_id)
        certificates = certificates.where(Certificate.course_id == course_id)
    e = enrolments.group_by(Enrolment.learner_id).subquery("e")
    c = certificates.group_by(Certificate.learner_id).subquery("c")
    return (
        select(
            User.display_name,
            User.username,
            Organisation.name.label("library"),
            func.coalesce(e.c.started, 0).label("started"),
            func.coalesce(e.c.completed, 0).label("completed"),
            func.coalesce(c.c.certificates, 0).label("certificates"),
            e.c.last_active,
            User.id.label("user_id"),  # for the link to the patron page; not in the CSV
        )
        .join(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(Learner, Learner.user_id == User.id)
        .outerjoin(e, e.c.learner_id == Learner.id)
        .outerjoin(c, c.c.learner_id == Learner.id)
        .where(User.id.in_(patrons))
        .order_by(*SORTS.get(sort, SORTS["name"]))
    )


def count_rows(stmt: Select[Any]) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
