"""The one owner of database transactions.

Core operations only add, change and flush; they never commit. A request commits once, after its
view has produced a successful response (status below 400), and rolls everything back otherwise:
an exception anywhere, or an error page or JSON error answered on purpose. A CLI command commits
once when it returns and rolls back when it raises. So a change and its audit row are stored
together or not at all. This module is the only place that calls `commit()` or `rollback()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TypeVar

from core.extensions import db

F = TypeVar("F", bound=Callable)


def on_rollback(undo: Callable[[], None]) -> None:
    """Undo something outside the database (a file written) if this transaction is rolled back."""
    db.session.info.setdefault("undo", []).append(undo)


def _commit() -> None:
    db.session.commit()
    db.session.info.pop("undo", None)


def _rollback() -> None:
    try:
        db.session.rollback()
    finally:
        # Also when the rollback itself fails on a lost connection: the server dropped the
        # transaction with the connection, so what it wrote outside the database must go too.
        for undo in reversed(db.session.info.pop("undo", [])):
            undo()


def finish_request(status: int) -> None:
    """End the request's transaction: commit a success, roll back anything else."""
    if status < 400:
        _commit()
    else:
        _rollback()


def abandon() -> None:
    """Roll back after an error, before an error page is rendered (PostgreSQL refuses every
    statement of a failed transaction until then)."""
    _rollback()


def command(function: F) -> F:
    """A CLI command: one commit when it returns, a rollback when it raises (click's errors too)."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        try:
            result = function(*args, **kwargs)
        except BaseException:
            _rollback()
            raise
        _commit()
        return result

    return wrapper  # type: ignore[return-value]


@contextmanager
def unit_of_work() -> Iterator[None]:
    """One transaction inside a long-running command (the notification worker): commit when the
    block ends, roll back when it raises, so each delivery is kept or retried on its own."""
    try:
        yield
    except BaseException:
        _rollback()
        raise
    _commit()
