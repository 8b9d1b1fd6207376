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
