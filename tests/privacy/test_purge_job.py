"""The daily privacy purge as a periodic job: the worker queues it at PRIVACY_PURGE_AT (the
server's time), it does what `flask privacy purge` does, an empty setting turns it off, and a
setting that is not a time stops the app from starting with a message naming it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from course_app import create_app
from course_app.accounts.models import Learner
from course_app.config import TestConfig
from course_app.extensions import db
from course_app.jobs import huey
from tests.factories import make_course
from tests.privacy.test_privacy import _guest

PURGE = "course_app.privacy.retention.daily_purge"


def utc_clock(hour: int, minute: int) -> datetime:
    """The naive UTC time huey's worker passes when the server's own clock shows hour:minute."""
    local = datetime.now().astimezone().replace(hour=hour, minute=minute, second=0, microsecond=0)
    return local.astimezone(UTC).replace(tzinfo=None)


def due_at(app, hour: int, minute: int) -> list[str]:
    with app.app_context():
        return [task.name for task in huey.read_periodic(utc_clock(hour, minute))]


def test_the_purge_is_registered_and_listed_with_its_time(app):
    result = app.test_cli_runner().invoke(args=["jobs", "list"])
    assert result.exit_code == 0, result.output
    assert "daily at 03:30 server time (PRIVACY_PURGE_AT)" in result.output
    assert PURGE in result.output


def test_the_worker_queues_it_at_the_set_time_only(app, monkeypatch):
    assert PURGE in due_at(app, 3, 30)
    assert PURGE not in due_at(app, 3, 31)
    assert PURGE not in due_at(app, 15, 30)
    monkeypatch.setitem(app.config, "PRIVACY_PURGE_AT", "22:05")
    assert PURGE in due_at(app, 22, 5)
    monkeypatch.setitem(app.config, "PRIVACY_PURGE_AT", "")  # off
    assert not any(PURGE in due_at(app, h, m) for h in (3, 22) for m in (5, 30))
    listed = app.test_cli_runner().invoke(args=["jobs", "list"]).output
    assert "off (PRIVACY_PURGE_AT is empty)" in listed


def test_running_it_purges_as_the_command_does(app):
    with app.app_context():
        make_course("purge-course", modules=1)
        db.session.commit()
    old = _guest(app, app.test_client(), 31, with_code=False)
    kept_with_code = _guest(app, app.test_client(), 31, with_code=True)
    recent = _guest(app, app.test_client(), 5, with_code=False)
    with app.app_context():
        [task] = [t for t in huey.read_periodic(utc_clock(3, 30)) if t.name == PURGE]
        huey.execute(task)
    with app.app_context():
        assert db.session.get(Learner, old) is None
        assert db.session.get(Learner, kept_with_code) is not None
        assert db.session.get(Learner, recent) is not None
    assert "Guest learners erased: 0" in app.test_cli_runner().invoke(
        args=["privacy", "purge"]
    ).output  # the job did it all


@pytest.mark.parametrize("value", ["25:00", "3.30", "every day", "03:60"])
def test_a_time_that_is_not_a_time_stops_the_app_with_a_message(value, database_url):
    class BadTime(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        PRIVACY_PURGE_AT = value

    with pytest.raises(ValueError, match="PRIVACY_PURGE_AT must be a time of day as HH:MM"):
        create_app(BadTime)
