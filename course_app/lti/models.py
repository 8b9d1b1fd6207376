"""LTI 1.3: the learning platforms (Moodle, Canvas) a library registered, the people they
launched (by issuer and subject), what a launch needs kept for a few minutes, and where a
completion goes back as a grade."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.db import UTCDateTime, utc_now
from course_app.extensions import db
from course_app.libraries.models import Organisation


class LtiRegistration(db.Model):
    """One tool registration on one platform, made by an administrator for one library."""

    __tablename__ = "lti_registrations"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(500))
    auth_token_url: Mapped[str] = mapped_column(String(500))
    key_set_url: Mapped[str] = mapped_column(String(500))
    # Origins (scheme://host[:port]) that may show our pages in a frame, space-separated.
    frame_origins: Mapped[str] = mapped_column(String(1000), default="")
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    instructors_become_librarians: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    organisation: Mapped[Organisation] = relationship()
    deployments: Mapped[list[LtiDeployment]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="LtiDeployment.id"
    )


class LtiDeployment(db.Model):
    __tablename__ = "lti_deployments"
    __table_args__ = (UniqueConstraint("registration_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lti_registrations.id", ondelete="CASCADE"), index=True
    )
    deployment_id: Mapped[str] = mapped_column(String(255))

    registration: Mapped[LtiRegistration] = relationship(back_populates="deployments")


class LtiIdentity(db.Model):
    """A person a platform launched: (issuer, subject) names them, no email needed."""

    __tablename__ = "lti_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    registration_id: Mapped[int] = mapped_column(ForeignKey("lti_registrations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class LtiLaunchValue(db.Model):
    """What pylti1p3 keeps between login and launch (nonce, state) and the launch itself, in
    the database rather than a cookie: a cross-site frame may not send cookies back."""

    __tablename__ = "lti_launch_values"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class LtiGradeTarget(db.Model):
    """A platform gradebook column a learner's course completion goes back to."""

    __tablename__ = "lti_grade_targets"
    __table_args__ = (UniqueConstraint("learner_id", "course_id", "lineitem_url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("lti_registrations.id"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    # A placement of one module: the grade goes back when that module is finished.
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id"))
    subject: Mapped[str] = mapped_column(String(255))
    lineitem_url: Mapped[str] = mapped_column(String(500))
    scope: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Set when the completion is due to be posted; cleared once the platform took it.
    due_since: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
