"""Reads behind the case lists, the cases API and the on-time report (item 4 of the plan)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from core.extensions import db
from core.models import Alert, Case, CaseEvent, Unit
from core.timeutil import LOCAL_TZ, local_day_bounds, local_today

OPEN = ("new", "assigned", "reopened")
ANSWERED = ("answered", "closed")


def _scoped(query, column, scope: set[int] | None):
    return query if scope is None else query.where(column.in_(scope))


def list_cases(
    scope: set[int] | None,
    *,
    status: str | None = None,
    unit_ids: set[int] | None = None,
    overdue: bool | None = None,
    limit: int = 200,
    offset: int = 0,
) -> tuple[int, list[Case]]:
    """Cases in scope, overdue first, then by deadline; (total, page)."""
    today = local_today()
    is_overdue = sa.and_(Case.status.in_(OPEN), Case.due < today)
    query = _scoped(sa.select(Case), Case.unit_id, scope)
    if status:
        query = query.where(Case.status == status)
    if unit_ids is not None:
        query = query.where(Case.unit_id.in_(unit_ids))
    if overdue is True:
        query = query.where(is_overdue)
    elif overdue is False:
        query = query.where(sa.not_(is_overdue))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    page = db.session.scalars(
        query.order_by(sa.case((is_overdue, 0), else_=1), Case.due, Case.id).limit(limit).offset(offset)
    ).all()
    return total, list(page)


@dataclass(frozen=True)
class CaseFigures:
    unit: str
    name: str
    received: int
    answered_on_time: int
    answered_late: int
    open: int
    overdue: int
    dismissed: int

    @property
    def on_time_rate(self) -> float | None:
        """answered on time / (answered on time + late + overdue) × 100; None when nothing is due
        or answered."""
        due = self.answered_on_time + self.answered_late + self.overdue
        return 100.0 * self.answered_on_time / due if due else None

    def as_dict(self) -> dict:
        return {
            "unit": self.unit,
            "received": self.received,
            "answered_on_time": self.answered_on_time,
            "answered_late": self.answered_late,
            "open": self.open,
            "overdue": self.overdue,
            "dismissed": self.dismissed,
            "on_time_rate": self.on_time_rate,
        }


def _count(condition) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def case_report(first: date, last: date, scope: set[int] | None, today: date | None = None) -> list[CaseFigures]:
    """One row per unit in scope: the cases received in [first, last] (local dates) and where they stand."""
    today = today or local_today()
    start, end = local_day_bounds(first, last)
    answered = Case.status.in_(ANSWERED)
    tallies = (
        sa.select(
            Case.unit_id,
            sa.func.count(Case.id),
            _count(sa.and_(answered, Case.answered_on_time.is_(True))),
            _count(sa.and_(answered, Case.answered_on_time.is_(False))),
            _count(Case.status.in_(OPEN)),
            _count(sa.and_(Case.status.in_(OPEN), Case.due < today)),
            _count(Case.status == "dismissed"),
        )
        .where(Case.received_at >= start, Case.received_at < end)
        .group_by(Case.unit_id)
    )
    by_unit = {row[0]: row[1:] for row in db.session.execute(tallies)}
    units = db.session.execute(_scoped(sa.select(Unit.id, Unit.code, Unit.name), Unit.id, scope).order_by(Unit.code))
    return [
        CaseFigures(code, name, *(int(v) for v in by_unit.get(unit_id, (0, 0, 0, 0, 0, 0))))
        for unit_id, code, name in units
    ]


def list_alerts(scope: set[int] | None, status: str | None = None) -> list[Alert]:
    query = _scoped(sa.select(Alert), Alert.unit_id, scope)
    if status:
        query = query.where(Alert.status == status)
    return list(db.session.scalars(query.order_by(Alert.opened_at.desc(), Alert.id.desc()).limit(500)))


def case_figures_as_of(first: date, last: date, as_of) -> dict[int, CaseFigures]:
    """The case report as it stood at a moment, rebuilt from each case's history: the cases
    recorded by then, in the status and with the answer they had then. A frozen review is
    recomputed with it; at the present moment it equals `case_report`."""
    start, end = local_day_bounds(first, last)
    cases = db.session.execute(
        sa.select(Case.id, Case.unit_id, Case.due).where(
            Case.received_at >= start, Case.received_at < end, Case.created_at <= as_of
        )
    ).all()
    history: dict[int, list[tuple[str, object]]] = {}
    events = sa.select(CaseEvent.case_id, CaseEvent.to_status, CaseEvent.at).where(
        CaseEvent.case_id.in_([row.id for row in cases]), CaseEvent.at <= as_of
    )
    for case_id, status, at in db.session.execute(events.order_by(CaseEvent.id)):
        history.setdefault(case_id, []).append((status, at))
    today = as_of.astimezone(LOCAL_TZ).date()
    tallies: dict[int, list[int]] = {}
    for case_id, unit_id, due in cases:
        steps = history.get(case_id) or [("new", None)]
        status = steps[-1][0]
        answered = [at for step, at in steps if step == "answered"]
        tally = tallies.setdefault(unit_id, [0] * 6)
        tally[0] += 1
        if status in ANSWERED:
            on_time = answered[-1].astimezone(LOCAL_TZ).date() <= due
            tally[1 if on_time else 2] += 1
        elif status in OPEN:
            tally[3] += 1
            tally[4] += due < today
        elif status == "dismissed":
            tally[5] += 1
    return {unit_id: CaseFigures("", "", *tally) for unit_id, tally in tallies.items()}
