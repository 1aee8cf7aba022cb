"""Statements run straight on the database driver, inside the session's transaction.

The write path runs about a dozen small statements per answer (the tablet's lookup, the alert
window, the response, its answers, the rollup counters). Through `Session.execute` each one cost
several times the database's own work in SQLAlchemy's per-call machinery (coercion, the compiled
cache, parameter processing, result set-up), and on SQLite part of that time is spent holding the
database's one write lock. A `DriverStatement` is compiled once per dialect, from SQL text with
`:name` parameters and their types or from a Core construct; each run applies the types' own bind
and result processors (values are stored and read back exactly as SQLAlchemy stores and reads
them) and hands the driver's cursor the SQL and the values.

The session's connection is used, so the statement belongs to the request's transaction and
commits or rolls back with it. Driver errors are raised as SQLAlchemy's (`DBAPIError.instance`), so
the service's handlers treat them alike (a lost connection: 503; a constraint: 409), and engine
listeners of `before_cursor_execute` see every statement (the statement-count tests and the
profiler count them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.types import TypeEngine

from core.extensions import db

_NAMED = re.compile(r"(?<![:\w]):(\w+)")


@dataclass(frozen=True)
class _Form:
    """A statement as one dialect's driver takes it."""

    sql: str
    defaults: dict
    binds: tuple[tuple[str, Callable], ...]
    results: tuple[tuple[int, Callable], ...]


def _raised(exc: Exception, connection: sa.Connection, sql: str, values, cursor=None) -> sa.exc.DBAPIError:
    """A driver error as SQLAlchemy raises it; a lost connection is invalidated, as SQLAlchemy does."""
    dialect = connection.dialect
    lost = dialect.is_disconnect(exc, connection.connection, cursor)
    if lost:
        connection.invalidate(exc)
    return sa.exc.DBAPIError.instance(
        sql, values, exc, dialect.loaded_dbapi.Error, connection_invalidated=lost, dialect=dialect
    )


@contextmanager
def sent_together(connection: sa.Connection) -> Iterator[None]:
    """The statements run inside go to PostgreSQL in one round trip (the driver's pipeline mode:
    sent in order, executed in order, their errors raised at the latest when the block ends); on
    SQLite, which runs in the process, as they come."""
    if connection.dialect.name != "postgresql":
        yield
        return
    try:
        with connection.connection.driver_connection.pipeline():
            yield
    except connection.dialect.loaded_dbapi.Error as exc:
        raise _raised(exc, connection, "(pipeline)", None) from exc


class DriverStatement:
    """SQL text with `:name` parameters of the given types, or a Core construct (a select, an
    insert) whose bind parameters are named."""

    def __init__(self, statement: str | ClauseElement, types: Mapping[str, TypeEngine] | None = None):
        self.statement = statement
        self.types = dict(types or {})
        self._forms: dict[str, _Form] = {}

    def _form(self, dialect: Dialect) -> _Form:
        form = self._forms.get(dialect.name)
        if form is None:
            form = self._forms[dialect.name] = self._compile(dialect)
        return form

    def _compile(self, dialect: Dialect) -> _Form:
        if isinstance(self.statement, str):
            sql, types, defaults, columns = self.statement, self.types, {}, ()
            if dialect.name != "sqlite":  # sqlite3 takes :name whatever paramstyle SQLAlchemy uses
                sql = _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))
        else:
            # sqlite3 takes named parameters too; SQLAlchemy's own form for it is positional.
            target = type(dialect)(paramstyle="named") if dialect.name == "sqlite" else dialect
            compiled = self.statement.compile(dialect=target)
            sql = compiled.string
            types = {name: bind.type for bind, name in compiled.bind_names.items()}
            defaults = {
                name: bind.value
                for bind, name in compiled.bind_names.items()
                if not bind.required and bind.value is not None
            }
            columns = [column[3] for column in compiled._result_columns]
        binds = tuple(
            (name, processor)
            for name, type_ in types.items()
            if (processor := type_._cached_bind_processor(dialect)) is not None
        )
        results = tuple(
            (index, processor)
            for index, type_ in enumerate(columns)
            if (processor := type_._cached_result_processor(dialect, None)) is not None
        )
        return _Form(sql, defaults, binds, results)

    @staticmethod
    def _values(form: _Form, params: Mapping) -> dict:
        values = {**form.defaults, **params}
        for name, processor in form.binds:
            value = values.get(name)
            if value is not None:
                values[name] = processor(value)
        return values

    def execute(self, params: Mapping | Sequence[Mapping] = (), connection: sa.Connection | None = None):
        """Run once (a mapping) or once per row (a sequence of mappings: the driver's executemany),
        on `connection` (the session's: `db.session.connection()`, asked once by a caller running
        several); returns (the driver's cursor, the statement's form)."""
        connection = connection or db.session.connection()
        dialect = connection.dialect
        form = self._form(dialect)
        many = not isinstance(params, Mapping)
        values = [self._values(form, p) for p in params] if many else self._values(form, params)
        driver = connection.connection
        cursor = driver.cursor()
        if connection._has_events or connection.engine._has_events:
            connection.dispatch.before_cursor_execute(connection, cursor, form.sql, values, None, many)
        try:
            if many:
                cursor.executemany(form.sql, values)
            else:
                cursor.execute(form.sql, values)
        except dialect.loaded_dbapi.Error as exc:
            raise _raised(exc, connection, form.sql, values, cursor) from exc
        return cursor, form

    def run(self, params: Mapping | Sequence[Mapping] = (), connection: sa.Connection | None = None) -> None:
        """Run a statement that returns no rows."""
        cursor, _form = self.execute(params, connection)
        cursor.close()

    def rows(self, params: Mapping = ()) -> list[tuple]:
        """Every row, each value read back as SQLAlchemy reads the column's type."""
        cursor, form = self.execute(params)
        fetched = cursor.fetchall()
        cursor.close()
        if not form.results:
            return [tuple(row) for row in fetched]
        rows = []
        for row in fetched:
            values = list(row)
            for index, processor in form.results:
                values[index] = processor(values[index])
            rows.append(tuple(values))
        return rows

    def first(self, params: Mapping = ()) -> tuple | None:
        """The first row, or None."""
        rows = self.rows(params)
        return rows[0] if rows else None
