"""pylti1p3's view of our registrations and keys: a tool configuration read from the database
(registrations, deployments) and the key folder (the tool's RSA keys), and a launch-data
store in the database in which a nonce can be used once only."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from pylti1p3.contrib.flask import FlaskCookieService
from pylti1p3.deployment import Deployment
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy import delete, select

from course_app.db import utc_now
from course_app.extensions import db
from course_app.key_folders import public_jwks, signing_key
from course_app.lti.models import LtiDeployment, LtiLaunchValue, LtiRegistration

TOOL_ALGORITHM = "RS256"


def keys_folder() -> Path:
    return Path(current_app.config["LTI_KEYS_DIR"])


def tool_jwks() -> dict:
    return public_jwks(keys_folder())


def find_registration(issuer: str, client_id: str | None) -> LtiRegistration | None:
    if not issuer or not client_id:
        return None
    return db.session.scalar(
        select(LtiRegistration).where(
            LtiRegistration.issuer == issuer, LtiRegistration.client_id == client_id
        )
    )


class ToolRegistration(Registration):
    """pylti1p3's registration, naming the signing key by our key id (its own default is the
    key's thumbprint, which our JWKS does not list)."""

    def __init__(self, kid: str) -> None:
        self._kid = kid

    def get_kid(self) -> str:
        return self._kid


def as_pylti_registration(row: LtiRegistration) -> Registration:
    """The registration with the tool's newest key, as pylti1p3 signs and checks with it."""
    key = signing_key(keys_folder())
    private_pem = key.export_to_pem(private_key=True, password=None).decode("ascii")
    public_pem = key.export_to_pem().decode("ascii")
    return (
        ToolRegistration(key.get("kid"))
        .set_issuer(row.issuer)
        .set_client_id(row.client_id)
        .set_auth_login_url(row.auth_login_url)
        .set_auth_token_url(row.auth_token_url)
        .set_key_set_url(row.key_set_url)
        .set_tool_private_key(private_pem)
        .set_tool_public_key(public_pem)
    )


class DatabaseToolConf(ToolConfAbstract):
    """Every issuer may hold several client ids (one per registration)."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        return None  # a client id is always asked for

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        row = find_registration(iss, client_id)
        return as_pylti_registration(row) if row is not None else None

    def find_deployment(self, iss, deployment_id):
        return None

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        row = find_registration(iss, client_id)
        if row is None or not deployment_id:
            return None
        known = db.session.scalar(
            select(LtiDeployment.id).where(
                LtiDeployment.registration_id == row.id,
                LtiDeployment.deployment_id == deployment_id,
            )
        )
        return Deployment().set_deployment_id(deployment_id) if known else None


def frame_origins(row: LtiRegistration) -> list[str]:
    """The origins that may frame our pages for this platform: as registered, else those of
    its issuer and login address."""
    if row.frame_origins.strip():
        return row.frame_origins.split()
    origins = []
    for url in (row.issuer, row.auth_login_url):
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in origins:
                origins.append(origin)
    return origins


class FramedCookieService(FlaskCookieService):
    """pylti1p3's short-lived state cookie, sent back from a platform's cross-site frame:
    SameSite=None, Secure and Partitioned over HTTPS, and only on the /lti/ paths."""

    def update_response(self, response):
        secure = self._request.is_secure()
        for key, data in self._cookie_data_to_set.items():
            response.set_cookie(
                key,
                data["value"],
                max_age=data["exp"],
                path="/lti/",
                secure=secure,
                httponly=True,
                samesite="None" if secure else "Lax",
                partitioned=secure,  # kept even where third-party cookies are blocked
            )


class DatabaseLaunchStorage(LaunchDataStorage):
    """Values pylti1p3 keeps, in the database, valid for their lifetime; a nonce is taken
    away when it is checked, so a launch token replayed later is refused."""

    def get_session_cookie_name(self):
        return None  # no cookie: a cross-site frame may not send it back

    def can_set_keys_expiration(self) -> bool:
        return True

    def _live(self, key: str) -> LtiLaunchValue | None:
        row = db.session.get(LtiLaunchValue, self._prepare_key(key))
        if row is None or row.expires_at <= utc_now():
            return None
        return row

    def get_value(self, key: str):
        row = self._live(key)
        return row.value if row is not None else None

    def set_value(self, key: str, value, exp: int | None = None) -> None:
        expires = utc_now() + timedelta(seconds=exp or 3600)
        db.session.merge(
            LtiLaunchValue(key=self._prepare_key(key), value=value, expires_at=expires)
        )
        db.session.flush()

    def check_value(self, key: str) -> bool:
        row = self._live(key)
        if row is None:
            return False
        if "-nonce-" in key:
            # Used once: the row goes, and only the request that deleted it may go on.
            deleted = db.session.execute(
                delete(LtiLaunchValue).where(LtiLaunchValue.key == row.key)
            ).rowcount
            return deleted == 1
        return True


def forget_expired_launch_values() -> int:
    """Deletes what outlived its use; returns how many rows went."""
    return db.session.execute(
        delete(LtiLaunchValue).where(LtiLaunchValue.expires_at <= utc_now())
    ).rowcount
