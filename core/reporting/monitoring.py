"""What the office watches to urge its units (theo dõi, đôn đốc): tablets gone quiet in working
hours, points without answers, overdue cases, units under their targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from core.cases.calendar import exceptions_between, is_working_day
from core.cases.queries import case_report
from core.extensions import db
from core.models import Case, KioskDevice, Point, Response, Unit
from core.reporting.queries import satisfaction_by_unit
from core.timeutil import LOCAL_TZ, utcnow

# Office hours of the reception desks, local time.
WORK_START, WORK_END = time(7, 0), time(17, 0)
OFFLINE_MINUTES = 10
SILENT_DAYS = 7


def last_working_moment(now: datetime) -> datetime:
    """`now` when the desks are open; otherwise the close of the last working day."""
    local = now.astimezone(LOCAL_TZ)
    exceptions = exceptions_between(local.date() - timedelta(days=30), local.date())
    if is_working_day(local.date(), exceptions) and WORK_START <= local.time() < WORK_END:
        return now
    day = local.date() if local.time() >= WORK_END else local.date() - timedelta(days=1)
    while not is_working_day(day, exceptions):
        day -= timedelta(days=1)
    return datetime.combine(day, WORK_END, tzinfo=LOCAL_TZ)


def offline_devices(scope: set[int] | None, now: datetime | None = None) -> list[KioskDevice]:
    """Paired tablets of active points silent for more than 10 minutes of working time."""
    cutoff = last_working_moment(now or utcnow()) - timedelta(minutes=OFFLINE_MINUTES)
    query = (
        sa.select(KioskDevice)
        .join(Point)
        .where(
            KioskDevice.revoked_at.is_(None),
            Point.active.is_(True),
            sa.or_(KioskDevice.last_seen_at.is_(None), KioskDevice.last_seen_at < cutoff),
        )
        .order_by(Point.code)
    )
    if scope is not None:
        query = query.where(Point.unit_id.in_(scope))
    return list(db.session.scalars(query))


def silent_points(scope: set[int] | None, now: datetime | None = None) -> list[tuple[Point, datetime | None]]:
    """Active points with no answer in the last 7 days, with their last answer (None: never)."""
    since = (now or utcnow()) - timedelta(days=SILENT_DAYS)
    last = sa.select(sa.func.max(Response.answered_at)).where(Response.point_id == Point.id).scalar_subquery()
    query = sa.select(Point, last).where(Point.active.is_(True)).order_by(Point.code)
    if scope is not None:
        query = query.where(Point.unit_id.in_(scope))
    return [(point, when) for point, when in db.session.execute(query) if when is None or when < since]


def overdue_by_unit(scope: set[int] | None, today: date) -> list[tuple[Unit, int]]:
    query = (
        sa.select(Unit, sa.func.count(Case.id))
        .join(Case, Case.unit_id == Unit.id)
        .where(Case.status.in_(("new", "assigned", "reopened")), Case.due < today)
        .group_by(Unit.id)
        .order_by(sa.func.count(Case.id).desc(), Unit.code)
    )
    if scope is not None:
        query = query.where(Unit.id.in_(scope))
    return [(unit, int(n)) for unit, n in db.session.execute(query)]


@dataclass
class UnderTarget:
    unit: str
    name: str
    index: float | None
    responses: int
    on_time_rate: float | None
    reasons: list[str] = field(default_factory=list)


def under_targets(
    first: date, last: date, scope: set[int] | None, target_index: float, target_rate: float, min_sample: int
) -> list[UnderTarget]:
    """Units whose index (with enough answers to say so) or on-time rate is under its target."""
    satisfaction = {row.unit: row for row in satisfaction_by_unit(first, last, scope, min_sample)}
    rows = []
    for cases in case_report(first, last, scope):
        row = satisfaction.get(cases.unit)
        under = UnderTarget(
            cases.unit, cases.name, row.index if row else None, row.responses if row else 0, cases.on_time_rate
        )
        if row is not None and row.ranked and row.index is not None and row.index < target_index:
            under.reasons.append("low_index")
        if cases.on_time_rate is not None and cases.on_time_rate < target_rate:
            under.reasons.append("low_on_time_rate")
        if under.reasons:
            rows.append(under)
    return rows
