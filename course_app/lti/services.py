"""Registering platforms, and what a validated launch does: the launched person as a user of
the registration's library, and the gradebook column their completion goes back to."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select

from course_app.accounts.models import Role, User
from course_app.accounts.services import create_user
from course_app.audit.services import record_event
from course_app.content.models import Course, Module
from course_app.domain_errors import DomainError
from course_app.extensions import db
from course_app.libraries.models import Organisation, OrganisationKind
from course_app.libraries.services import set_user_library
from course_app.lti.models import LtiDeployment, LtiGradeTarget, LtiIdentity, LtiRegistration

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
TEACHING_ROLES = ("#Instructor", "#Administrator", "#ContentDeveloper", "#TeachingAssistant")
NAME_LENGTH = 120


class LtiError(DomainError):
    """A registration or launch that cannot be accepted; `reason` names the rule."""

    NOT_HTTPS = "url-not-https"
    DUPLICATE = "registration-exists"
    NO_DEPLOYMENT = "no-deployment"
    NOT_A_LIBRARY = "not-a-library"


@dataclass(frozen=True)
class RegistrationData:
    name: str
    issuer: str
    client_id: str
    deployment_ids: list[str]
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    organisation: Organisation
    instructors_become_librarians: bool = False
    frame_origins: str = ""


def _https_only(url: str, allow_http: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in (("https", "http") if allow_http else ("https",)) or not parts.netloc:
        raise LtiError(LtiError.NOT_HTTPS)


def register_platform(
    actor: User | None, data: RegistrationData, *, allow_http: bool = False
) -> LtiRegistration:
    """A new registration with its deployments for a library; audited. Addresses must be
    https (plain http only where allow_http, for a platform on this machine)."""
    for url in (data.issuer, data.auth_login_url, data.auth_token_url, data.key_set_url):
        _https_only(url, allow_http)
    deployments = [d.strip() for d in data.deployment_ids if d.strip()]
    if not deployments:
        raise LtiError(LtiError.NO_DEPLOYMENT)
    if data.organisation.kind == OrganisationKind.NETWORK.value:
        raise LtiError(LtiError.NOT_A_LIBRARY)
    exists = db.session.scalar(
        select(LtiRegistration.id).where(
            LtiRegistration.issuer == data.issuer, LtiRegistration.client_id == data.client_id
        )
    )
    if exists is not None:
        raise LtiError(LtiError.DUPLICATE)
    row = LtiRegistration(
        name=data.name.strip(),
        issuer=data.issuer.strip(),
        client_id=data.client_id.strip(),
        auth_login_url=data.auth_login_url.strip(),
        auth_token_url=data.auth_token_url.strip(),
        key_set_url=data.key_set_url.strip(),
        organisation_id=data.organisation.id,
        instructors_become_librarians=data.instructors_become_librarians,
        frame_origins=" ".join(data.frame_origins.split()),
        deployments=[LtiDeployment(deployment_id=d) for d in dict.fromkeys(deployments)],
    )
    db.session.add(row)
    db.session.flush()
    record_event(actor, "lti.registered", row, data.organisation, issuer=row.issuer)
    return row


def is_teacher(claims: dict) -> bool:
    return any(role.endswith(TEACHING_ROLES) for role in claims.get(CLAIM + "roles", []))


def _username_for(issuer: str, subject: str) -> str:
    """A username nobody types: short, unique per (issuer, subject), no personal data."""
    return "lti-" + hashlib.sha256(f"{issuer}|{subject}".encode()).hexdigest()[:20]


def user_for_launch(registration: LtiRegistration, claims: dict) -> User:
    """The user this (issuer, subject) launched before, or a new one in the registration's
    library: a learner, or a librarian of that library where the platform says teacher and
    the registration allows it. No email is needed or kept."""
    issuer, subject = claims["iss"], claims["sub"]
    identity = db.session.scalar(
        select(LtiIdentity).where(LtiIdentity.issuer == issuer, LtiIdentity.subject == subject)
    )
    if identity is not None:
        return db.session.get(User, identity.user_id)
    name = (claims.get("name") or claims.get("given_name") or "").strip()[:NAME_LENGTH]
    teacher = registration.instructors_become_librarians and is_teacher(claims)
    user = create_user(
        _username_for(issuer, subject),
        secrets.token_urlsafe(32),  # never told to anyone: they come in through the platform
        display_name=name or None,
        role=Role.LIBRARIAN if teacher else Role.LEARNER,
    )
    set_user_library(None, user, registration.organisation)
    db.session.add(
        LtiIdentity(
            issuer=issuer, subject=subject, registration_id=registration.id, user_id=user.id
        )
    )
    db.session.flush()
    return user


def remember_grade_target(
    registration: LtiRegistration,
    user: User,
    course: Course,
    module: Module | None,
    claims: dict,
) -> LtiGradeTarget | None:
    """Where the learner's finishing of the placed course (or module) goes back, when the
    launch offers a gradebook column we may post scores to."""
    service = claims.get(AGS_CLAIM) or {}
    lineitem = service.get("lineitem")
    if not lineitem or SCORE_SCOPE not in service.get("scope", []) or user.learner is None:
        return None
    target = db.session.scalar(
        select(LtiGradeTarget).where(
            LtiGradeTarget.learner_id == user.learner.id,
            LtiGradeTarget.course_id == course.id,
            LtiGradeTarget.lineitem_url == lineitem,
        )
    )
    if target is None:
        target = LtiGradeTarget(
            registration_id=registration.id,
            learner_id=user.learner.id,
            course_id=course.id,
            module_id=module.id if module is not None else None,
            subject=claims["sub"],
            lineitem_url=lineitem,
            scope=list(service.get("scope", [])),
        )
        db.session.add(target)
        db.session.flush()
    return target
