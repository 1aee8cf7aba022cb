"""Every report from the rollups against the same report from the raw answers, same run, same data.

Stores N responses (`demo-data --responses`, spread over 90 days), then times each report function of
`core.reporting.queries` over the 90 days with `source=ROLLUPS` (what the service does) and with
`source=RAW` (the reference reading every answer), median of `--repeat` runs, and checks that both
give identical figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from datetime import timedelta

from common import bench_app, figure

from core import demo, transactions
from core.reporting import queries
from core.reporting.sources import RAW, ROLLUPS
from core.timeutil import local_today

REPORTS = {
    "satisfaction by unit": lambda a, b, s: queries.satisfaction_by_unit(a, b, source=s),
    "satisfaction by point": lambda a, b, s: queries.satisfaction_by_point(a, b, source=s),
    "criteria": lambda a, b, s: queries.criteria_summary(a, b, source=s),
    "reasons": lambda a, b, s: queries.reason_counts(a, b, source=s),
    "heat map": lambda a, b, s: queries.heatmap(a, b, source=s),
    "weekly trend by unit": lambda a, b, s: queries.weekly_trend_by_unit(a, b, source=s),
    "channels": lambda a, b, s: queries.channel_figures(a, b, source=s),
}


def _median(call, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _plain(value):
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    app = bench_app()
    with app.app_context():
        with transactions.unit_of_work():
            demo.add_sample_responses(count=args.responses, days=90)
        last = local_today()
        first = last - timedelta(days=89)
        total_rolled = total_raw = 0.0
        for name, report in REPORTS.items():
            rolled, rolled_rows = _median(lambda r=report: r(first, last, ROLLUPS), args.repeat)
            raw, raw_rows = _median(lambda r=report: r(first, last, RAW), args.repeat)
            same = _plain(rolled_rows) == _plain(raw_rows)
            total_rolled, total_raw = total_rolled + rolled, total_raw + raw
            print(f"{name:24}: rollups {rolled * 1000:8.1f} ms, raw answers {raw * 1000:8.1f} ms, same figures: {same}")
            if not same:
                figure(f"{name} from rollups equals raw", "differs", "identical", False)
    print(f"responses stored: {args.responses:,} over 90 days")
    figure(
        f"all reports at {args.responses:,} answers, raw / rollups",
        f"{total_raw / total_rolled:.1f}x faster ({total_rolled * 1000:.0f} ms against {total_raw * 1000:.0f} ms)",
        "faster than the raw answers",
        total_rolled < total_raw,
    )


if __name__ == "__main__":
    main()
