"""The one permission check every staff view uses."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from course_app.accounts.models import Role
from course_app.accounts.session_rules import needs_password_again
from course_app.db import utc_now
from course_app.extensions import login_manager


def role_required(*roles: Role):
    """Signed-in users with one of the roles pass; guests go to sign-in; others get 403.
    Views for staff roles only also ask for the password again when it is not fresh."""
    staff_only = Role.LEARNER not in roles

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            if staff_only and _password_is_stale():
                return redirect(url_for("account_sessions.confirm", next=_come_back_to()))
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _password_is_stale() -> bool:
    seen = getattr(current_user, "sign_in_session", None)
    return seen is not None and needs_password_again(
        seen.authenticated_at, utc_now(), current_app.config
    )


def _come_back_to() -> str | None:
    """After the password: the page asked for, or for a form sent, the page it was sent
    from (the form is then sent again by the person, never replayed)."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    parts = urlsplit(request.referrer or "")
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "") or None


STAFF_ROLES = (Role.STAFF, Role.ADMIN)
