"""Reads and aggregation. Every report query lives here and aggregates in SQL (GROUP BY),
so exact pre-aggregated rollups can later replace the raw scans without touching a caller.
Callers get plain dataclasses; the formulas come from `core.scoring`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from core import scoring
from core.extensions import db
from core.models import Answer, CompetitionGroup, Criterion, Point, Response, Survey, Unit
from core.timeutil import local_day_bounds, local_today


@dataclass(frozen=True)
class CriterionFigures:
    answers: int
    satisfied: int
    index: float | None
    mean: float | None
    ci95: tuple[float, float] | None


@dataclass
class UnitSatisfaction:
    unit: str
    name: str
    group: str | None
    responses: int
    flagged: int
    index: float | None
    criteria: dict[str, CriterionFigures] = field(default_factory=dict)
    ranked: bool = False
    rank: int | None = None

    def as_dict(self) -> dict:
        return {
            "unit": self.unit,
            "name": self.name,
            "group": self.group,
            "responses": self.responses,
            "flagged": self.flagged,
            "index": self.index,
            "criteria": {
                code: {
                    "answers": c.answers,
                    "index": c.index,
                    "mean": c.mean,
                    "ci95": list(c.ci95) if c.ci95 else None,
                }
                for code, c in self.criteria.items()
            },
            "ranked": self.ranked,
            "rank": self.rank,
        }


def default_range(today: date | None = None) -> tuple[date, date]:
    """The last 30 local days up to today, both included."""
    today = today or local_today()
    return today - timedelta(days=29), today


def criterion_order() -> list[str]:
    """Criterion codes in the active survey's order, then any older codes alphabetically."""
    active = db.session.scalars(
        sa.select(Criterion.code).join(Survey).where(Survey.active.is_(True)).order_by(Criterion.position)
    ).all()
    others = db.session.scalars(sa.select(Criterion.code).distinct().order_by(Criterion.code)).all()
    return list(active) + [code for code in others if code not in active]


def _in_range(first: date, last: date):
    start, end = local_day_bounds(first, last)
    return sa.and_(Response.answered_at >= start, Response.answered_at < end)


def _counted(condition) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def satisfaction_by_unit(
    first: date, last: date, unit_ids: set[int] | None = None, min_sample: int = 30
) -> list[UnitSatisfaction]:
    """One row per unit in scope (with or without answers), ranked within its competition group."""
    units_q = (
        sa.select(Unit.id, Unit.code, Unit.name, CompetitionGroup.code)
        .outerjoin(CompetitionGroup, Unit.group_id == CompetitionGroup.id)
        .order_by(Unit.code)
    )
    if unit_ids is not None:
        units_q = units_q.where(Unit.id.in_(unit_ids))
    units = db.session.execute(units_q).all()

    counts_q = (
        sa.select(
            Point.unit_id,
            _counted(Response.flag.is_(None)),
            _counted(Response.flag.is_not(None)),
        )
        .join(Point, Response.point_id == Point.id)
        .where(_in_range(first, last))
        .group_by(Point.unit_id)
    )
    counts = {unit_id: (counted, flagged) for unit_id, counted, flagged in db.session.execute(counts_q)}

    criteria_q = (
        sa.select(
            Point.unit_id,
            Criterion.code,
            sa.func.count(Answer.id),
            _counted(Answer.score >= scoring.SATISFIED_MIN_SCORE),
            sa.func.avg(Answer.score),
        )
        .select_from(Answer)
        .join(Response, Answer.response_id == Response.id)
        .join(Point, Response.point_id == Point.id)
        .join(Criterion, Answer.criterion_id == Criterion.id)
        .where(Response.flag.is_(None), _in_range(first, last))
        .group_by(Point.unit_id, Criterion.code)
    )
    per_unit: dict[int, dict[str, CriterionFigures]] = {}
    for unit_id, code, answers, satisfied, mean in db.session.execute(criteria_q):
        per_unit.setdefault(unit_id, {})[code] = CriterionFigures(
            answers=answers,
            satisfied=int(satisfied),
            index=scoring.satisfaction_index(int(satisfied), answers),
            mean=float(mean) if mean is not None else None,
            ci95=scoring.wilson_interval(int(satisfied), answers),
        )

    order = criterion_order()
    rows: list[UnitSatisfaction] = []
    for unit_id, code, name, group in units:
        counted, flagged = counts.get(unit_id, (0, 0))
        figures = per_unit.get(unit_id, {})
        ordered = {c: figures[c] for c in order if c in figures}
        index = scoring.unit_index(f.index for f in ordered.values())
        rows.append(
            UnitSatisfaction(
                unit=code,
                name=name,
                group=group,
                responses=int(counted),
                flagged=int(flagged),
                index=index,
                criteria=ordered,
                ranked=scoring.is_ranked(int(counted), min_sample) and index is not None,
            )
        )
    ranks = scoring.rank_within_groups(
        [scoring.Rankable(r.unit, r.group, r.index, r.responses, r.ranked) for r in rows]
    )
    for row in rows:
        row.rank = ranks[row.unit]
    return rows
