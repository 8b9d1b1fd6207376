"""Database plumbing: savepoints really roll back (SQLite needs help for that) and times are UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from course_app.accounts.models import Learner
from course_app.extensions import db


def count_learners() -> int:
    return db.session.scalar(select(func.count()).select_from(Learner))


def test_a_failed_savepoint_undoes_only_its_own_writes(app_ctx):
    db.session.add(Learner())
    db.session.flush()
    with pytest.raises(RuntimeError), db.session.begin_nested():
        db.session.add(Learner())
        db.session.flush()
        raise RuntimeError("undo the inner write")
    assert count_learners() == 1
    db.session.rollback()
    assert count_learners() == 0


def test_a_successful_savepoint_is_still_undone_by_the_outer_rollback(app_ctx):
    with db.session.begin_nested():
        db.session.add(Learner())
    db.session.rollback()
    assert count_learners() == 0


def test_times_come_back_timezone_aware_utc(app_ctx):
    learner = Learner(created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    db.session.add(learner)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Learner, learner.id).created_at == datetime(
        2026, 1, 2, 3, 4, 5, tzinfo=UTC
    )


def test_naive_times_are_refused(app_ctx):
    db.session.add(Learner(created_at=datetime(2026, 1, 2)))
    with pytest.raises(Exception, match="naive datetime"):
        db.session.flush()
    db.session.rollback()
