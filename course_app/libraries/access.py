"""Which organisations a person may see: the one rule every library page and query uses.

Admins and staff see every organisation. A librarian sees their own organisation and what
sits under it; with sees_whole_system, a librarian on a branch sees its whole library system.
Learners, and librarians not yet placed in a library, see none.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import ColumnElement, Select, case, false, or_, select
from sqlalchemy.orm import aliased

from course_app.accounts.access import STAFF_ROLES
from course_app.accounts.models import Role, User
from course_app.extensions import db
from course_app.libraries.models import Organisation, OrganisationKind


def subtree_ids(root_id: int | ColumnElement[int]) -> Select[tuple[int]]:
    """The ids of an organisation and everything under it (the tree is three levels deep)."""
    parent = aliased(Organisation)
    return (
        select(Organisation.id)
        .outerjoin(parent, Organisation.parent_id == parent.id)
        .where(
            or_(
                Organisation.id == root_id,
                Organisation.parent_id == root_id,
                parent.parent_id == root_id,
            )
        )
    )


def visible_organisation_ids(user: User) -> Select[tuple[int]]:
    """A query of the ids of the organisations this user may see; runs inside other queries."""
    if not user.is_authenticated:
        return select(Organisation.id).where(false())
    if user.has_role(*STAFF_ROLES):
        return select(Organisation.id)
    if not user.has_role(Role.LIBRARIAN) or user.organisation_id is None:
        return select(Organisation.id).where(false())
    if not user.sees_whole_system:
        return subtree_ids(user.organisation_id)
    system_id = (
        select(
            case(
                (Organisation.kind == OrganisationKind.BRANCH.value, Organisation.parent_id),
                else_=Organisation.id,
            )
        )
        .where(Organisation.id == user.organisation_id)
        .scalar_subquery()
    )
    return subtree_ids(system_id)


def require_visible(user: User, organisation: Organisation | None) -> Organisation:
    """The organisation when the user may see it; otherwise a 404, so ids cannot be probed."""
    if organisation is None:
        abort(404)
    visible = visible_organisation_ids(user).where(Organisation.id == organisation.id)
    if db.session.scalar(visible) is None:
        abort(404)
    return organisation
