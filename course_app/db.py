"""Declarative base with a naming convention, shared column helpers, dialect-specific inserts."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, TextClause, bindparam, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
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


def insert_in(dialect: str, model: Any) -> Any:
    """An INSERT in a database's own dialect, for ON CONFLICT clauses built from a SELECT
    (see CompiledOnce; short ones are written with `conflict_sql`)."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def conflict_sql(sql: str, **types: Any) -> TextClause:
    """An INSERT ... ON CONFLICT written in the words SQLite and PostgreSQL share. As SQL text
    because SQLAlchemy does not cache its dialects' ON CONFLICT constructs (their Insert
    classes set inherit_cache = False): building and compiling one on every lesson cost more
    than running it. Parameters named in `types` go through that column type (times)."""
    return text(sql).bindparams(*[bindparam(name, type_=kind) for name, kind in types.items()])


class CompiledOnce:
    """A statement SQLAlchemy cannot cache, compiled once per kind of database and run on the
    session's own connection (it sees the transaction's writes; statement counters see it).

    SQLAlchemy does not cache the dialects' INSERT ... ON CONFLICT constructs (their Insert
    classes set inherit_cache = False), so an upsert from a large SELECT is compiled again on
    every call: about 25 ms for a report refresh that runs in under 1 ms. Parameters are plain
    integers and strings: no type processing happens.
    """

    def __init__(self, build: Callable[[str], Any]) -> None:
        # Called with the dialect's name ("sqlite", "postgresql") on first use there, once
        # every model is mapped.
        self._build = build
        self._compiled: dict[str, tuple[Any, tuple[str, ...] | None]] = {}

    def execute(self, session: Any, params: dict[str, Any]) -> Any:
        connection = session.connection()
        compiled, order = self._compiled_for(connection.dialect)
        values = compiled.construct_params(params)
        # Positional paramstyles (SQLite's "?") take the values in the statement's order.
        found = tuple(values[name] for name in order) if order is not None else values
        return connection.exec_driver_sql(compiled.string, found)

    def _compiled_for(self, dialect: Any) -> tuple[Any, tuple[str, ...] | None]:
        if dialect.name not in self._compiled:
            compiled = self._build(dialect.name).compile(dialect=dialect)
            order = tuple(compiled.positiontup) if compiled.positional else None
            self._compiled[dialect.name] = (compiled, order)
        return self._compiled[dialect.name]
