"""demo-data --responses: bulk insert speed against the ORM one-row-at-a-time baseline, same run.

Prints responses per second for both and the ratio. The issue asks for 100,000 in under 10 s on SQLite.
"""

from __future__ import annotations

import argparse
import uuid

from common import bench_app, timer

from core import demo
from core.extensions import db
from core.models import Answer, Point, Response
from core.ratings.responses import active_survey
from core.timeutil import utcnow


def orm_baseline(n: int) -> None:
    survey = active_survey()
    point = db.session.scalar(db.select(Point))
    for _ in range(n):
        response = Response(
            id=uuid.uuid4(),
            point_id=point.id,
            survey_id=survey.id,
            channel="kiosk",
            answered_at=utcnow(),
            received_at=utcnow(),
            body_hash="bench",
        )
        response.answers = [Answer(criterion_id=c.id, score=4) for c in survey.criteria]
        db.session.add(response)
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=2_000)
    args = parser.parse_args()
    app = bench_app()
    results: dict[str, float] = {}
    with app.app_context():
        with timer(results, "baseline"):
            orm_baseline(args.baseline)
        with timer(results, "bulk"):
            demo.add_sample_responses(count=args.responses, days=90)
    base_rate = args.baseline / results["baseline"]
    bulk_rate = args.responses / results["bulk"]
    print(f"ORM row by row : {args.baseline:>7} responses in {results['baseline']:.2f} s = {base_rate:,.0f}/s")
    print(f"bulk insert    : {args.responses:>7} responses in {results['bulk']:.2f} s = {bulk_rate:,.0f}/s")
    print(f"speed-up       : {bulk_rate / base_rate:.1f}x   (target: 100,000 in < 10 s)")


if __name__ == "__main__":
    main()
