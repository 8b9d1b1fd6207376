"""Declarative base with a naming convention, shared column helpers, and a driver-level read."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, Select, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.expression import Executable
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utc_now() -> datetime:
    """Timezone-aware now; used as a callable default so each row gets its own time."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC and returns aware UTC, so SQLite and PostgreSQL behave alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use utc_now()")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite enforces foreign keys only when asked; WAL lets readers and a writer overlap.

    pysqlite's own transaction handling breaks SAVEPOINTs, so it is switched off here and
    the transaction is begun by _sqlite_begin_before_writing instead.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


_SQLITE_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT", "CREATE", "DROP", "ALTER")


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_begin_before_writing(conn, cursor, statement, parameters, context, executemany):
    """Reads run outside a transaction; the first write takes the write lock at once.

    BEGIN IMMEDIATE makes a second writer wait (busy_timeout) instead of failing, and a
    request that read first never holds a stale snapshot that SQLite would refuse to upgrade.
    """
    if conn.dialect.name != "sqlite":
        return
    dbapi_connection = conn.connection.dbapi_connection
    if dbapi_connection.in_transaction:
        return
    if statement.lstrip()[:9].upper().startswith(_SQLITE_WRITES):
        dbapi_connection.execute("BEGIN IMMEDIATE")


class Prepared:
    """A Core statement built and compiled once per kind of database, run on the session's
    own connection (so it sees the transaction's writes, and statement counters see it).

    For statements on a hot path whose size makes SQLAlchemy's per-call work (building the
    statement, its cache key) cost more than the query: the report rows refreshed on every
    lesson and quiz. Parameters are plain integers and strings (no type conversion happens);
    rows come back as tuples.
    """

    def __init__(self, build: Callable[[str], Executable]) -> None:
        # Called with the database's dialect name ("sqlite", "postgresql") on first use there,
        # once the models are all mapped.
        self._build = build
        self._compiled: dict[str, tuple[Any, tuple[str, ...] | None]] = {}

    def execute(self, session: Any, params: dict[str, Any] | list[dict[str, Any]]) -> Any:
        connection = session.connection()
        compiled, order = self._compiled_for(connection.dialect)
        if isinstance(params, list):
            values = [self._values(compiled, order, p) for p in params]
            return connection.exec_driver_sql(compiled.string, values)
        return connection.exec_driver_sql(compiled.string, self._values(compiled, order, params))

    @staticmethod
    def _values(compiled: Any, order: tuple[str, ...] | None, given: dict[str, Any]) -> Any:
        found = compiled.construct_params(given)
        # Positional paramstyles (SQLite's "?") take the values in the statement's order.
        return tuple(found[name] for name in order) if order is not None else found

    def _compiled_for(self, dialect: Any):
        if dialect.name not in self._compiled:
            compiled = self._build(dialect.name).compile(dialect=dialect)
            order = tuple(compiled.positiontup) if compiled.positional else None
            self._compiled[dialect.name] = (compiled, order)
        return self._compiled[dialect.name]


class DriverRead(Prepared):
    """A Core select compiled once per kind of database and run on a pooled driver connection.

    For the read on the hottest path only (the course version behind every lesson page):
    there SQLAlchemy's connection, execution and result layers cost four to five times the
    query itself. The statement is still built with select() and compiled by SQLAlchemy for
    the engine's dialect, so it runs on SQLite and PostgreSQL alike. Rows come back as the
    driver gives them: use it for plain integers and strings, never ORM objects. It bypasses
    execution events, so statement counters (and echo) do not see it, and it runs outside
    the session's transaction.
    """

    def __init__(self, statement: Select) -> None:
        super().__init__(lambda _dialect: statement)

    def first(self, engine: Engine, params: dict[str, Any]) -> tuple | None:
        compiled, order = self._compiled_for(engine.dialect)
        values = self._values(compiled, order, params)
        connection = engine.raw_connection()  # through the pool: checked out, reset, returned
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(compiled.string, values)
                return cursor.fetchone()
            finally:
                cursor.close()
        finally:
            connection.close()
