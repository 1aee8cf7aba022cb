"""Drawing charts and writing documents in a short-lived child process, so web workers stay small.

matplotlib, numpy, openpyxl and python-docx take about 50 MB of a process once imported, and a
drawing leaves its peak heap behind (CPython and malloc rarely give memory back). A web worker that
answers a chart or a download would keep all of it for the rest of its life. So during a request,
`isolated(render, ...)` forks the worker: the child imports what the drawing needs, draws from the
data the worker already read, sends the bytes back through a pipe and exits; the worker never
imports those libraries. The cost is the child's imports, about 0.5 s per drawing; pictures stay
cached in the worker (core.reporting.charts.cached), so a chart is drawn once per new answer.

Outside a request (the export worker, the command line, tests calling a renderer directly) the
function runs in the process itself. So it does when `RENDER_IN_CHILD` is off or the platform has no
fork().

The child never touches the database: its pool is replaced before anything runs (the worker's
connections are left alone, as SQLAlchemy documents for fork), and any SQL statement raises. A
renderer gets plain data. Should the child fail for any reason (a renderer that reads a lazy
relationship, a crash), the drawing is done again in the worker, so the answer is the same either
way, and the reason is logged.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import time
import traceback
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

T = TypeVar("T")

# Long enough for a year's meeting report; a child that outlives it is killed and the drawing
# done in the worker (a sync worker is killed by gunicorn's own timeout first).
TIMEOUT_SECONDS = 600
_in_child = False
# How many drawings ran in a child and how many fell back to the worker (read by the tests).
stats = {"child": 0, "fallback": 0}


class DatabaseInChild(RuntimeError):
    """A renderer asked the database from the child process."""


@event.listens_for(Engine, "before_cursor_execute")
def _no_sql_in_child(conn, cursor, statement, parameters, context, executemany):
    if _in_child:
        raise DatabaseInChild("a renderer read the database from its child process")


def enabled() -> bool:
    if _in_child or not hasattr(os, "fork") or not has_request_context():
        return False  # a drawing inside a drawing runs where it is
    return bool(current_app.config.get("RENDER_IN_CHILD", True))


def isolated(render: Callable[..., T], *args, **kwargs) -> T:
    """`render(*args, **kwargs)`, computed in a forked child during a request (see the module)."""
    if not enabled():
        return render(*args, **kwargs)
    logger = current_app.logger
    outcome = _in_fork(render, args, kwargs)
    if outcome[0] == "ok":
        stats["child"] += 1
        return outcome[1]
    stats["fallback"] += 1
    logger.warning("drawing %s in the worker: its child process failed: %s", render.__qualname__, outcome[1])
    return render(*args, **kwargs)


def _in_fork(render: Callable, args: tuple, kwargs: dict) -> tuple[str, object]:
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError as exc:  # no memory or process left for a child: draw in the worker
        os.close(read_end)
        os.close(write_end)
        return ("error", f"fork failed: {exc!r}")
    if pid == 0:  # the child: draw, send, exit without running anything of the worker's
        os.close(read_end)
        status = 1
        try:
            _become_child()
            payload = pickle.dumps(("ok", render(*args, **kwargs)), protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        except BaseException:  # everything goes back to the worker, which decides
            payload = pickle.dumps(("error", traceback.format_exc(limit=8)))
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(write_end, view) :]
        finally:
            os._exit(status)
    os.close(write_end)
    chunks, deadline = [], time.monotonic() + TIMEOUT_SECONDS
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_end], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                return ("error", f"no answer within {TIMEOUT_SECONDS} s")
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    try:
        return pickle.loads(b"".join(chunks))  # noqa: S301 - our own child's answer, through our own pipe
    except Exception as exc:  # a child killed mid-write (out of memory) sends half a payload
        return ("error", f"unreadable answer from the child: {exc!r}")


def _become_child() -> None:
    global _in_child
    _in_child = True
    # Objects the worker left for the cyclic collector (say, a checked-in connection's wrapper)
    # must not be finalised here: that could talk to the database over the worker's socket.
    gc.disable()
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(number, signal.SIG_DFL)
    _die_with_parent()
    from core.extensions import db

    for engine in db.engines.values():
        engine.dispose(close=False)  # a fresh pool; the worker's connections stay the worker's


def _die_with_parent() -> None:
    """Linux: the child is killed when the worker dies (gunicorn's timeout, a restart)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
