"""`flask backup create|restore` while the app writes: every write acknowledged before the
backup began is in the restored copy, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from course_app.accounts.models import Learner
from course_app.extensions import db
from tests.conftest import ROOT
from tests.conftest import _app_for as app_for
from tests.test_migrations import _scratch_url as scratch_url

MIGRATIONS = str(ROOT / "migrations")


def migrated_app(url: str):
    app = app_for(url)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    return app


class Writer(threading.Thread):
    """Adds learners one commit at a time; `acknowledged` holds each id once its commit
    returned, as a client's acknowledged write."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app, self.acknowledged, self.stop = app, [], threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.app.app_context():
                while not self.stop.is_set():
                    learner = Learner()
                    db.session.add(learner)
                    db.session.commit()
                    self.acknowledged.append(learner.id)
                db.session.remove()
        except BaseException as error:  # reported by the test
            self.error = error

    def wait_for(self, count: int) -> None:
        while len(self.acknowledged) < count and self.error is None:
            time.sleep(0.01)


def restored_ids(app) -> set[int]:
    with app.app_context():
        ids = set(db.session.scalars(sa.select(Learner.id)))
        db.session.remove()
        return ids


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_writes_acknowledged_before_a_backup_are_all_in_its_restored_copy(kind, tmp_path):
    url, drop = scratch_url(kind, tmp_path / "live")
    copy_url, drop_copy = scratch_url(kind, tmp_path / "copy")
    (tmp_path / "live").mkdir()
    (tmp_path / "copy").mkdir()
    try:
        live = migrated_app(url)
        writer = Writer(live)
        writer.start()
        writer.wait_for(30)
        before = list(writer.acknowledged)
        result = live.test_cli_runner().invoke(
            args=["backup", "create", "--to", str(tmp_path / "backups")]
        )
        writer.wait_for(len(before) + 30)  # the app keeps writing during and after
        writer.stop.set()
        writer.join()
        assert writer.error is None, writer.error
        assert result.exit_code == 0, result.output
        backup = result.output.strip().splitlines()[-1]
        assert backup.startswith(str(tmp_path / "backups"))

        copy = app_for(copy_url)  # a new, empty database: no --force needed
        restored = copy.test_cli_runner().invoke(args=["backup", "restore", backup])
        assert restored.exit_code == 0, restored.output
        ids = restored_ids(copy)
        assert set(before) <= ids
        assert ids <= set(writer.acknowledged)  # nothing invented, no torn rows
        with copy.app_context():
            upgrade(directory=MIGRATIONS)  # the restored copy is a working database
            db.engine.dispose()
        with live.app_context():
            db.engine.dispose()
    finally:
        drop()
        drop_copy()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_restore_refuses_a_live_database_without_force(kind, tmp_path):
    url, drop = scratch_url(kind, tmp_path)
    try:
        app = migrated_app(url)
        with app.app_context():
            db.session.add(Learner())
            db.session.commit()
            db.session.remove()
        runner = app.test_cli_runner()
        backup = runner.invoke(args=["backup", "create", "--to", str(tmp_path / "b")])
        assert backup.exit_code == 0, backup.output
        path = backup.output.strip().splitlines()[-1]
        with app.app_context():
            db.session.add(Learner())  # a later write, to be undone by the restore
            db.session.commit()
            db.session.remove()

        refused = runner.invoke(args=["backup", "restore", path])
        assert refused.exit_code == 1
        assert "run again with --force" in refused.output
        assert len(restored_ids(app)) == 2  # nothing changed

        forced = runner.invoke(args=["backup", "restore", path, "--force"])
        assert forced.exit_code == 0, forced.output
        assert len(restored_ids(app)) == 1
        with app.app_context():
            db.engine.dispose()
    finally:
        drop()


def test_restore_refuses_a_file_that_is_not_a_backup(app, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(bogus), "--force"])
    assert result.exit_code == 1
    assert "Error:" in result.output
