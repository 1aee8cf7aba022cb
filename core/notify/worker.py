"""The notification worker behind `flask deliver-notifications [--loop]`."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

from core import transactions
from core.cases.operations import announce_overdue
from core.notify.delivery import deliver_pending


def one_pass(echo: Callable[[str], None]) -> None:
    with transactions.unit_of_work():
        overdue = announce_overdue()
    result = deliver_pending()
    if overdue or result.delivered or result.skipped or result.failed:
        echo(
            f"overdue cases announced: {overdue}; delivered {result.delivered}, "
            f"skipped {result.skipped}, failed {result.failed}"
        )
    for error in result.errors:
        echo(f"  failed: {error}")


def run(*, loop: bool, interval: int, echo: Callable[[str], None]) -> None:
    """One pass, or passes every `interval` seconds until SIGTERM or SIGINT."""
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
            echo(f"pass failed: {type(exc).__name__}: {exc}")
        if not loop or stop["now"]:
            return
        for _ in range(interval):
            if stop["now"]:
                return
            time.sleep(1)
