"""Two SQL expressions the databases spell differently: a timestamp's month, and the seconds
between two timestamps. Everything else in the reports is portable SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, String, text
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class month_of(FunctionElement):  # noqa: N801 - reads like the SQL function it is
    """'YYYY-MM' of a UTC timestamp."""

    type = String()
    inherit_cache = True
    name = "month_of"


@compiles(month_of)
def _month_sqlite(element: month_of, compiler: Any, **kw: Any) -> str:
    # Compiled only for SQLite (qmark parameters), so the percent signs are literal.
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(month_of, "postgresql")
def _month_postgresql(element: month_of, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


class seconds_between(FunctionElement):  # noqa: N801
    """Seconds from the first timestamp to the second."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between)
def _seconds_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    end_sql, start_sql = compiler.process(end, **kw), compiler.process(start, **kw)
    return f"((julianday({end_sql}) - julianday({start_sql})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    end_sql, start_sql = compiler.process(end, **kw), compiler.process(start, **kw)
    return f"EXTRACT(EPOCH FROM ({end_sql} - {start_sql}))"


def _sqlite_from_hint(self: SQLiteCompiler, table: Any, text: str) -> str:
    return text


# SQLAlchemy's SQLite compiler drops table hints. SQLite's hint is "INDEXED BY <index>" after
# the table name, which is what `select().with_hint(table, "INDEXED BY ...", "sqlite")` gives;
# the reports use it where SQLite's planner would pick a worse index. Nothing else in the app
# uses hints, and other databases ignore hints marked for SQLite.
SQLiteCompiler.get_from_hint_text = _sqlite_from_hint


def prepare_report_session(session: Any, work_mem: str) -> None:
    """On PostgreSQL, gives this transaction's sorts and hashes more memory (SET LOCAL ends
    with the transaction): distinct counts and medians over a year of rows need more than the
    4 MB default to stay off disk. Other databases need nothing."""
    if session.get_bind().dialect.name == "postgresql" and work_mem:
        session.execute(text("SELECT set_config('work_mem', :value, true)"), {"value": work_mem})
