"""The satisfaction report: SQL aggregation against a Python loop over the same rows, same run.

Prints the time of `core.reporting.queries.satisfaction_by_unit` over N stored responses, the time of the naive
baseline that fetches every answer row and aggregates in Python, and the ratio.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from datetime import timedelta

import sqlalchemy as sa
from common import bench_app, timer

from core import demo
from core.extensions import db
from core.models import Answer, Point, Response
from core.reporting.queries import satisfaction_by_unit
from core.timeutil import local_today


def python_baseline(first, last) -> dict:
    from core.timeutil import local_day_bounds

    start, end = local_day_bounds(first, last)
    rows = db.session.execute(
        sa.select(Point.unit_id, Answer.criterion_id, Answer.score)
        .join(Response, Answer.response_id == Response.id)
        .join(Point, Response.point_id == Point.id)
        .where(Response.flag.is_(None), Response.answered_at >= start, Response.answered_at < end)
    )
    totals: dict = defaultdict(lambda: [0, 0])
    for unit_id, criterion_id, score in rows:
        cell = totals[(unit_id, criterion_id)]
        cell[0] += 1
        cell[1] += score >= 4
    return totals


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    app = bench_app()
    with app.app_context():
        demo.add_sample_responses(count=args.responses, days=90)
        last = local_today()
        first = last - timedelta(days=89)
        best: dict[str, float] = {}
        for _ in range(args.repeat):
            results: dict[str, float] = {}
            with timer(results, "sql"):
                rows = satisfaction_by_unit(first, last)
            with timer(results, "python"):
                python_baseline(first, last)
            for key, value in results.items():
                best[key] = min(best.get(key, value), value)
    print(f"responses stored        : {args.responses:,} ({sum(r.responses for r in rows):,} counted)")
    print(f"report, SQL GROUP BY    : {best['sql'] * 1000:8.1f} ms (best of {args.repeat})")
    print(f"baseline, Python loop   : {best['python'] * 1000:8.1f} ms")
    print(f"ratio baseline / report : {best['python'] / best['sql']:.1f}x")


if __name__ == "__main__":
    main()
