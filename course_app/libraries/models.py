"""Organisations: a network holds library systems, a library system holds branches."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.db import UTCDateTime, utc_now
from course_app.extensions import db


class OrganisationKind(enum.StrEnum):
    NETWORK = "network"
    SYSTEM = "system"
    BRANCH = "branch"


# The kind each kind must sit under; a network sits at the top.
PARENT_KIND: dict[OrganisationKind, OrganisationKind | None] = {
    OrganisationKind.NETWORK: None,
    OrganisationKind.SYSTEM: OrganisationKind.NETWORK,
    OrganisationKind.BRANCH: OrganisationKind.SYSTEM,
}


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint("kind IN ('network', 'system', 'branch')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    # Short and stable: used on the command line and, later, in CSV imports.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    is_active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Organisation | None] = relationship(remote_side=[id])
