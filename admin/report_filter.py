"""What a report covers, read from the URL: the one `from`/`to` parser (report pages, exports,
charts and the JSON API alike), a competition period, and a unit of the caller's scope. Dates are
typed dd/mm/yyyy in the filter form; links and the API carry ISO yyyy-mm-dd; both are read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import abort, g, request
from flask_babel import lazy_gettext as _l

from core.dates import parse_date
from core.errors import ValidationFailed
from core.extensions import db
from core.inputs import EARLIEST, LATEST, in_calendar
from core.models import CompetitionPeriod, Unit
from core.org.periods import period_by_code
from core.org.units import can_see, subtree_ids, unit_by_code
from core.reporting.queries import default_range

MAX_DAYS = 3660


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


def _date_arg(name: str, fields: dict[str, str]) -> date | None:
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        fields[name] = "must be a date DD/MM/YYYY (or YYYY-MM-DD)"
        return None
    if not in_calendar(parsed):
        fields[name] = f"must be between {EARLIEST} and {LATEST}"
        return None
    return parsed


def date_range(period: CompetitionPeriod | None = None) -> tuple[date, date]:
    """THE reading of `from`/`to`: local dates, both included. A period's own dates win over them;
    without either end, the last 30 days up to `to` (or today). Raises ValidationFailed naming the
    parameter (422)."""
    fields: dict[str, str] = {}
    first, last = _date_arg("from", fields), _date_arg("to", fields)
    if fields:
        raise ValidationFailed(
            _l("Khoảng thời gian không hợp lệ: ngày theo dạng ngày/tháng/năm, từ năm 2000 đến năm 2100."), fields
        )
    if period is not None:
        first, last = period.start_date, period.end_date
    default_first, default_last = default_range(last)
    first, last = first or default_first, last or default_last
    if first > last:
        raise ValidationFailed(_l("Ngày bắt đầu phải trước ngày kết thúc."), {"from": "must not be after to"})
    if (last - first).days > MAX_DAYS:
        raise ValidationFailed(_l("Khoảng thời gian quá dài (tối đa 10 năm)."), {"from": "at most ten years"})
    return first, last


def _period_arg() -> CompetitionPeriod | None:
    code = (request.args.get("period") or "").strip()
    if not code:
        return None
    period = period_by_code(code)
    if period is None:
        raise ValidationFailed(_l("Không có đợt thi đua này."), {"period": "unknown period"})
    return period


def report_filter() -> ReportFilter:
    """`from`, `to`, `period` and `unit` from the URL, clipped to the caller's scope: a unit
    outside it is answered as if it did not exist (404)."""
    period = _period_arg()
    first, last = date_range(period)
    explicit = period is None and bool(request.args.get("from") or request.args.get("to"))
    unit, scope = None, g.scope
    unit_code = (request.args.get("unit") or "").strip()
    if unit_code:
        unit = unit_by_code(unit_code)
        if unit is None or not can_see(g.scope, unit.id):
            abort(404)
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
