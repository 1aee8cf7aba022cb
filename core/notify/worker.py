"""The notification worker behind `flask deliver-notifications [--loop]`."""

from __future__ import annotations

from collections.abc import Callable

from core import transactions
from core.cases.operations import announce_overdue
from core.notify.delivery import deliver_pending
from core.worker_loop import repeat


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
    repeat(one_pass, loop=loop, interval=interval, echo=echo)
