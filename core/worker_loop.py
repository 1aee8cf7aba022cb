"""The loop of the background workers (`deliver-notifications --loop`, `run-exports --loop`)."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

from core import transactions


def repeat(one_pass: Callable[[Callable[[str], None]], object], *, loop: bool, interval: int, echo) -> None:
    """One pass, or passes every `interval` seconds until SIGTERM or SIGINT; a pass under way is
    finished before the worker stops, so no job or delivery is left half done."""
    stop = {"now": False}
    if loop:

        def request_stop(_signum, _frame):
            stop["now"] = True

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
    while True:
        try:
            one_pass(echo)
        except Exception as exc:  # the database may be away for a moment: the next pass retries
            if not loop:
                raise
            transactions.abandon()
            echo(f"pass failed: {type(exc).__name__}: {exc}")
        if not loop or stop["now"]:
            return
        deadline = time.monotonic() + interval
        while time.monotonic() < deadline and not stop["now"]:
            time.sleep(0.2)
