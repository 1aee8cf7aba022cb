"""Writers of one SQLite database take turns through a file lock instead of SQLite's busy handler.

SQLite lets one transaction write at a time. A writer that finds the lock taken is put to sleep by
the busy handler in growing steps (1, 2, 5, 10 ... 100 ms) and retries, so under a crowd of
answers a request waits long after the lock came free: the tail latency of kiosk answers was many
times their median. Before its first write, the write path (`core.ratings.responses`) takes its
turn: an exclusive `flock` on a file beside the database, which the kernel hands to the next
waiter the moment the holder lets go. The turn is given back when the session's transaction ends
(commit, rollback or close), so a request can never keep it.

Every process and every thread opens its own descriptor, so turns exclude each other within one
process too. A writer that does not take turns (the CLI, the admin screens) still meets SQLite's
own lock and busy handler, as before. PostgreSQL locks rows, not the database: no turns there.
"""

from __future__ import annotations

import fcntl
import functools
import os

from sqlalchemy import event
from sqlalchemy.orm import Session

from core.extensions import db

_KEY = "write_turn"


@functools.cache
def _lock_path(url) -> str | None:
    """The lock file of a database URL (None: no turns there)."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return f"{database}.write-turn"


def take() -> None:
    """Wait for this session's turn to write, once per transaction (SQLite files only)."""
    session = db.session()
    info = session.info
    if _KEY in info:
        return
    path = _lock_path(session.get_bind().url)
    if path is None:
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except BaseException:
        os.close(fd)
        raise
    info[_KEY] = fd


@event.listens_for(Session, "after_transaction_end")
def _give_back(session: Session, transaction) -> None:
    if transaction.parent is None:
        fd = session.info.pop(_KEY, None)
        if fd is not None:
            os.close(fd)  # closing the descriptor releases its lock
