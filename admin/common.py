"""What the admin screens share: the report filter read from the URL, the unit tree, formatting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import abort, g, request
from flask_babel import format_decimal

from admin import bp
from core.errors import ValidationFailed
from core.extensions import db
from core.models import CompetitionPeriod, Milestone, Unit
from core.org.units import subtree_ids
from core.reporting.queries import criterion_labels, criterion_order, default_range

MAX_DAYS = 3660
# Dates far outside the service's life would overflow the local-day arithmetic; refuse them early.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
MAX_PAGE = 100_000


@dataclass
class ReportFilter:
    """A report's filters, all carried in the query string so a report can be bookmarked and shared."""

    first: date
    last: date
    period: CompetitionPeriod | None
    unit: Unit | None
    scope: set[int] | None  # the unit ids the figures cover; None = the whole province
    explicit_dates: bool

    def args(self, **extra) -> dict:
        values: dict[str, str] = {}
        if self.period is not None:
            values["period"] = self.period.code
        if self.explicit_dates or self.period is None:
            values["from"], values["to"] = self.first.isoformat(), self.last.isoformat()
        if self.unit is not None:
            values["unit"] = self.unit.code
        values.update({k: v for k, v in extra.items() if v not in (None, "")})
        return values

    @property
    def scope_key(self) -> tuple:
        return ("all",) if self.scope is None else tuple(sorted(self.scope))

    @property
    def scope_name(self) -> str:
        if self.unit is not None:
            return self.unit.name
        if g.user.unit is not None and g.scope is not None:
            return g.user.unit.name
        return "Toàn tỉnh"


def _date_arg(name: str, fields: dict) -> date | None:
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        fields[name] = "YYYY-MM-DD"
        return None
    if not EARLIEST <= parsed <= LATEST:
        fields[name] = f"between {EARLIEST} and {LATEST}"
        return None
    return parsed


def report_filter() -> ReportFilter:
    """Read `from`, `to`, `period` and `unit` from the URL and clip them to the caller's scope."""
    fields: dict[str, str] = {}
    first, last = _date_arg("from", fields), _date_arg("to", fields)
    period = None
    period_code = (request.args.get("period") or "").strip()
    if period_code:
        period = db.session.scalar(sa.select(CompetitionPeriod).where(CompetitionPeriod.code == period_code))
        if period is None:
            fields["period"] = "unknown period"
    if fields:
        raise ValidationFailed(
            "Bộ lọc báo cáo không hợp lệ: kiểm tra ngày (năm-tháng-ngày, từ năm 2000 đến 2100) và đợt thi đua.", fields
        )
    # A chosen period is the range (the form also sends the date fields, which it overrides).
    explicit = period is None and (first is not None or last is not None)
    if period is not None:
        first, last = period.start_date, period.end_date
    default_first, default_last = default_range(last)
    first, last = first or default_first, last or default_last
    if first > last:
        raise ValidationFailed("Ngày bắt đầu phải trước ngày kết thúc.", {"from": "after to"})
    if (last - first).days > MAX_DAYS:
        raise ValidationFailed("Khoảng thời gian quá dài (tối đa 10 năm).", {"from": "too long"})

    unit = None
    scope = g.scope
    unit_code = (request.args.get("unit") or "").strip()
    if unit_code:
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == unit_code))
        if unit is None:
            abort(404)
        if g.scope is not None and unit.id not in g.scope:
            abort(403)
        scope = subtree_ids(unit.id)
    return ReportFilter(first, last, period, unit, scope, explicit)


def unit_tree(scope: set[int] | None) -> list[tuple[Unit, int]]:
    """Units in scope, depth first, with their depth (a unit whose parent is out of scope is a root)."""
    query = sa.select(Unit).order_by(Unit.code)
    if scope is not None:
        query = query.where(Unit.id.in_(scope))
    units = db.session.scalars(query).all()
    ids = {u.id for u in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in ids else None
        children.setdefault(parent, []).append(unit)
    ordered: list[tuple[Unit, int]] = []
    stack = [(u, 0) for u in reversed(children.get(None, []))]
    while stack:
        unit, depth = stack.pop()
        ordered.append((unit, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(unit.id, [])))
    return ordered


def criteria_columns() -> list[tuple[str, str]]:
    labels = criterion_labels()
    return [(code, labels.get(code, code)) for code in criterion_order()]


def periods() -> list[CompetitionPeriod]:
    return list(db.session.scalars(sa.select(CompetitionPeriod).order_by(CompetitionPeriod.start_date.desc())))


def milestones_for(f: ReportFilter) -> list[tuple[str, str]]:
    query = sa.select(Milestone.due_date, Milestone.name).order_by(Milestone.due_date)
    if f.period is not None:
        query = query.where(Milestone.period_id == f.period.id)
    else:
        query = query.where(Milestone.due_date >= f.first, Milestone.due_date <= f.last)
    return [(when.isoformat(), name) for when, name in db.session.execute(query)]


@bp.app_template_filter("pct")
def pct(value) -> str:
    """An index with one decimal, in the reader's locale (85,3 in Vietnamese); a dash without data."""
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0.0")


@bp.app_template_filter("num")
def num(value) -> str:
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0")


@bp.app_template_filter("localtime")
def localtime(value) -> str:
    from core.timeutil import LOCAL_TZ

    if value is None:
        return "–"
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")
