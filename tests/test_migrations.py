"""Migrations build exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from course_app.extensions import db
from tests.conftest import IN_CI, ROOT, _app_for, create_scratch_postgres

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def schema_differences(engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrated_database_matches_the_models(app):
    with app.app_context():
        assert schema_differences(db.engine) == []


def test_downgrade_and_upgrade_again(tmp_path):
    app = _app_for(f"sqlite:///{tmp_path / 'm.db'}")
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        downgrade(directory=str(ROOT / "migrations"), revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade(directory=str(ROOT / "migrations"))
        assert schema_differences(db.engine) == []
        db.engine.dispose()


def _postgres_reachable() -> bool:
    try:
        engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except sa.exc.OperationalError:
        return False


def test_migrations_match_the_models_on_postgresql():
    """Runs in every suite, so a SQLite-only run still proves the PostgreSQL schema."""
    if not _postgres_reachable():
        if IN_CI:
            pytest.fail(
                f"PostgreSQL is required under CI=true and is not reachable at {POSTGRES_URL}"
            )
        pytest.skip(
            f"PostgreSQL is not reachable at {POSTGRES_URL}; set TEST_POSTGRES_URL to run this"
        )
    url, drop = create_scratch_postgres(POSTGRES_URL)
    try:
        app = _app_for(url)
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            assert schema_differences(db.engine) == []
            db.engine.dispose()
    finally:
        drop()


def _scratch_url(kind: str, tmp_path) -> tuple[str, callable]:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'cells.db'}", lambda: None
    if not _postgres_reachable():
        if IN_CI:
            pytest.fail(
                f"PostgreSQL is required under CI=true and is not reachable at {POSTGRES_URL}"
            )
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}")
    return create_scratch_postgres(POSTGRES_URL)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_course_cells_revision_fills_them_as_the_app_would(kind, tmp_path):
    from tests.reports.dataset import build
    from tests.reports.kept import cells, shares

    url, drop = _scratch_url(kind, tmp_path)
    try:
        app = _app_for(url)
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            build()
            db.session.commit()
            expected_cells, expected_shares = cells(), shares()
            assert expected_cells
            db.session.remove()
            downgrade(directory=str(ROOT / "migrations"), revision="400918552fe2")
            upgrade(directory=str(ROOT / "migrations"))
            assert cells() == expected_cells
            assert shares() == expected_shares
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()


FIRST_RELEASE = "3e05d00162ca"
_FIRST_RELEASE_ROWS = [
    "INSERT INTO users (id, username, username_key, display_name, password_hash, role,"
    " is_active_account, must_change_password, created_at)"
    " VALUES (1, 'Ana', 'ana', 'Ana', 'x', 'learner', TRUE, FALSE, '2026-11-01 10:00:00')",
    "INSERT INTO learners (id, user_id, created_at, last_active_at)"
    " VALUES (1, 1, '2026-11-01 10:00:00', '2026-11-01 10:00:00')",
    "INSERT INTO user_sessions (id, token_hash, user_id, created_at)"
    " VALUES (1, 'abc', 1, '2026-11-01 10:00:00')",
    "INSERT INTO courses (id, slug, language, title, topic, summary_html, minutes,"
    " content_hash, is_active, imported_at) VALUES (1, 'c', 'en', 'C', 't', '', 5, 'h',"
    " TRUE, '2026-11-01 10:00:00')",
    "INSERT INTO modules (id, course_id, key, position, title, is_active)"
    " VALUES (1, 1, 'm', 1, 'M', TRUE)",
    "INSERT INTO lessons (id, course_id, module_id, key, position, title, minutes, required,"
    " body_html, is_active) VALUES (1, 1, 1, 'l', 1, 'L', 5, TRUE, '', TRUE)",
    "INSERT INTO enrolments (id, learner_id, course_id, started_at, last_activity_at,"
    " last_lesson_id) VALUES (1, 1, 1, '2026-11-01 10:00:00', '2026-11-01 10:00:00', 1)",
    "INSERT INTO lesson_progress (id, learner_id, course_id, lesson_id, completed_at)"
    " VALUES (1, 1, 1, 1, '2026-11-01 10:05:00')",
]


def _first_release_rows_are_there() -> None:
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT username FROM users")).scalars().all() == ["Ana"]
        assert conn.execute(sa.text("SELECT user_id FROM learners")).scalars().all() == [1]
        assert conn.execute(sa.text("SELECT count(*) FROM lesson_progress")).scalar() == 1


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_first_release_database_with_accounts_upgrades_and_round_trips(kind, tmp_path):
    """The users table is rebuilt on SQLite (batch mode) while learners point at it: the
    migrations run with foreign keys off and check them after."""
    url, drop = _scratch_url(kind, tmp_path)
    migrations = str(ROOT / "migrations")
    try:
        app = _app_for(url)
        with app.app_context():
            upgrade(directory=migrations, revision=FIRST_RELEASE)
            with db.engine.begin() as conn:
                for statement in _FIRST_RELEASE_ROWS:
                    conn.execute(sa.text(statement))
            upgrade(directory=migrations)
            _first_release_rows_are_there()
            assert schema_differences(db.engine) == []
            downgrade(directory=migrations, revision=FIRST_RELEASE)
            _first_release_rows_are_there()
            upgrade(directory=migrations)
            _first_release_rows_are_there()
            if kind == "sqlite":
                with db.engine.connect() as conn:
                    assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()


def test_a_sqlite_migration_that_breaks_a_reference_is_refused(tmp_path):
    """foreign_key_check runs after the migrations: a dangling reference stops the upgrade."""
    url = f"sqlite:///{tmp_path / 'dangling.db'}"
    migrations = str(ROOT / "migrations")
    app = _app_for(url)
    with app.app_context():
        upgrade(directory=migrations, revision=FIRST_RELEASE)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.exec_driver_sql(
                "INSERT INTO learners (id, user_id, created_at, last_active_at)"
                " VALUES (7, 99, '2026-11-01 10:00:00', '2026-11-01 10:00:00')"
            )
            conn.commit()
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        with pytest.raises(SystemExit):  # Flask-Migrate logs the error, then exits 1
            upgrade(directory=migrations)
        with db.engine.connect() as conn:
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        assert version == FIRST_RELEASE  # nothing of the refused upgrade was kept
        db.engine.dispose()
