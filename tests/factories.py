"""Builders for test data that goes through the same services the app uses."""

from __future__ import annotations

from course_app.accounts.models import Role, User
from course_app.accounts.services import create_user


def make_user(username: str = "pat", role: str = "learner", password: str = "correct horse battery", **kwargs) -> User:
    return create_user(username, password, role=Role(role), **kwargs)
