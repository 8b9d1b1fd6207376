"""The one permission check every staff view uses."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from course_app.accounts.models import Role
from course_app.extensions import login_manager


def role_required(*roles: Role):
    """Signed-in users with one of the roles pass; guests go to sign-in; others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


STAFF_ROLES = (Role.STAFF, Role.ADMIN)
