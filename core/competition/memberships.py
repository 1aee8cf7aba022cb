"""The competition group of each unit, kept per period: a sheet ranks units within the groups of
its own period, so moving a unit to another group today never rewrites a past period's ranks."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from core.extensions import db
from core.models import CompetitionGroup, CompetitionPeriod, PeriodMembership, Unit
from core.timeutil import local_today


def snapshot(period: CompetitionPeriod) -> None:
    """A new period starts with the groups the units are in today."""
    for unit_id, group_id in db.session.execute(sa.select(Unit.id, Unit.group_id)):
        db.session.merge(PeriodMembership(period_id=period.id, unit_id=unit_id, group_id=group_id))
    db.session.flush()


def follow_unit(unit: Unit, today: date | None = None) -> list[str]:
    """After a unit changed group (or was created): the periods not yet over follow it; past ones
    keep theirs. Returns the codes of the periods changed."""
    today = today or local_today()
    running = db.session.scalars(sa.select(CompetitionPeriod).where(CompetitionPeriod.end_date >= today)).all()
    for period in running:
        db.session.merge(PeriodMembership(period_id=period.id, unit_id=unit.id, group_id=unit.group_id))
    db.session.flush()
    return [period.code for period in running]


def groups_of(period: CompetitionPeriod) -> dict[int, tuple[str, str] | None]:
    """{unit id: (group code, group name)} in this period; a unit the period does not know (created
    after it ended) has no group there."""
    rows = db.session.execute(
        sa.select(PeriodMembership.unit_id, CompetitionGroup.code, CompetitionGroup.name)
        .outerjoin(CompetitionGroup, PeriodMembership.group_id == CompetitionGroup.id)
        .where(PeriodMembership.period_id == period.id)
    )
    return {unit_id: (code, name) if code else None for unit_id, code, name in rows}
