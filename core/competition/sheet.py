"""The score sheet: the plan's six items, bonus and penalty lines, the score, ranks shared within
each competition group, classes, and the satisfaction index with its interval, computed from the
data as it stood at a moment (now, or the moment a review was frozen).

| item | points | value and source |
|------|--------|------------------|
| 1, 2 | 10     | the office's reviewed figure, else the unit's own (`review`, `self`, `none`) |
| 3    | 20     | dossiers on time / all dossiers from the one-stop-shop import (`dossiers`), else as 1, 2 |
| 4    | 20     | 20 × the on-time rate of feedback (`cases`); full points when none is due (`no_case_due`) |
| 5    | 30     | 30 × the mean index of the criteria tagged item 5 (`answers`, `no_answers`) |
| 6    | 10     | 10 × the index of the criteria tagged item 6 |

Item 4 may instead follow Thông tư 01/2018's steps: 100 % → full points, ≥ 90 % → half, below → 0.

The configuration a sheet is computed with (points, rules, classes, minimum sample, the criteria of
items 5 and 6, the groups, the dates) is one plain dict: a frozen review keeps it, so recomputing
the review later uses exactly what it used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app

from core.cases.queries import case_figures_as_of
from core.competition.inputs import adjustments, latest_dossiers, latest_entries
from core.competition.memberships import groups_of
from core.competition.settings import settings_of
from core.extensions import db
from core.models import CompetitionPeriod, Criterion, Survey, Unit
from core.ratings import scoring
from core.reporting.queries import figures_by_unit
from core.timeutil import local_today, utcnow


def stage_range(period: CompetitionPeriod, stage: str | None, today: date | None = None) -> tuple[date, date]:
    """A sơ kết covers the period's start to the sơ kết date; a tổng kết the whole period; the
    live sheet the period up to today."""
    if stage == "so_ket":
        milestone = next((m for m in period.milestones if m.kind == "so_ket"), None)
        return period.start_date, milestone.due_date if milestone else period.end_date
    if stage == "tong_ket":
        return period.start_date, period.end_date
    return period.start_date, min(period.end_date, today or local_today())


def item_criteria() -> dict[str, list[str]]:
    """{"5": [criterion codes], "6": [...]}: the plan item each criterion measures, as the active
    survey (or, for codes it lacks, the latest version that has them) tags it."""
    mapping: dict[str, str | None] = {}
    rows = db.session.execute(
        sa.select(Criterion.code, Criterion.plan_item).join(Survey).order_by(Survey.active, Survey.id)
    )
    for code, item in rows:
        mapping[code] = str(item) if item else None
    out: dict[str, list[str]] = {"5": [], "6": []}
    for code, item in mapping.items():
        if item in out:
            out[item].append(code)
    return {item: sorted(codes) for item, codes in out.items()}


def live_config(period: CompetitionPeriod, stage: str | None = None) -> dict:
    """Everything the sheet of this period needs besides the data, as of now."""
    first, last = stage_range(period, stage)
    groups = groups_of(period)
    units = db.session.execute(sa.select(Unit.id, Unit.code, Unit.name).order_by(Unit.code)).all()
    return {
        **settings_of(period),
        "period": period.code,
        "stage": stage,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "min_sample": int(current_app.config["MIN_SAMPLE"]),
        "criteria": item_criteria(),
        "units": [
            {
                "id": unit_id,
                "code": code,
                "name": name,
                "group": (groups.get(unit_id) or (None, None))[0],
                "group_name": (groups.get(unit_id) or (None, None))[1],
            }
            for unit_id, code, name in units
        ],
    }


@dataclass
class ItemFigure:
    points: float
    max: float
    value: float | None
    source: str

    def as_dict(self) -> dict:
        return {"points": self.points, "max": self.max, "value": self.value, "source": self.source}


@dataclass
class SheetRow:
    unit: str
    name: str
    group: str | None
    group_name: str | None
    items: dict[str, ItemFigure]
    bonus: float
    penalty: float
    responses: int
    index: float | None
    ci95: tuple[float, float] | None
    ranked: bool
    lines: list[dict] = field(default_factory=list)
    rank: int | None = None
    klass: str | None = None
    # The unit ranked just above it in the group has an index not significantly different.
    close_to_previous: bool = False

    @property
    def score(self) -> float:
        return sum(item.points for item in self.items.values()) + self.bonus - self.penalty

    def as_dict(self) -> dict:
        return {
            "unit": self.unit,
            "name": self.name,
            "group": self.group,
            "items": {key: item.as_dict() for key, item in self.items.items()},
            "bonus": self.bonus,
            "penalty": self.penalty,
            "score": self.score,
            "ranked": self.ranked,
            "rank": self.rank,
            "class": self.klass,
            "responses": self.responses,
            "index": self.index,
            "ci95": list(self.ci95) if self.ci95 else None,
            "close_to_previous": self.close_to_previous,
            "group_name": self.group_name,
            "adjustments": self.lines,
        }


def _assessed(entries: dict, maximum: float) -> ItemFigure:
    chosen = entries.get("review") or entries.get("self")
    if chosen is None:
        return ItemFigure(0.0, maximum, None, "none")
    return ItemFigure(maximum * chosen.value / 100.0, maximum, chosen.value, chosen.kind)


def _dossiers(row, entries: dict, maximum: float) -> ItemFigure:
    if row is None or row.on_time + row.late == 0:
        return _assessed(entries, maximum)
    value = 100.0 * row.on_time / (row.on_time + row.late)
    return ItemFigure(maximum * value / 100.0, maximum, value, "dossiers")


def _feedback(rate: float | None, maximum: float, mode: str) -> ItemFigure:
    if rate is None:
        return ItemFigure(maximum, maximum, None, "no_case_due")
    if mode == "tt01_2018":
        points = maximum if rate >= 100.0 - scoring.SCORE_EPSILON else maximum / 2 if rate >= 90.0 else 0.0
    else:
        points = maximum * rate / 100.0
    return ItemFigure(points, maximum, rate, "cases")


def _survey_item(figures, codes: list[str], maximum: float) -> ItemFigure:
    indices = [figures.criteria[c].index for c in codes if figures is not None and c in figures.criteria]
    value = scoring.unit_index(indices)
    if value is None:
        return ItemFigure(0.0, maximum, None, "no_answers")
    return ItemFigure(maximum * value / 100.0, maximum, value, "answers")


@dataclass
class Sources:
    """The data of one sheet, read once."""

    satisfaction: dict
    cases: dict
    entries: dict
    dossiers: dict
    lines: dict


def read_sources(period_id: int, first: date, last: date, as_of: datetime | None) -> Sources:
    moment = as_of or utcnow()
    return Sources(
        satisfaction=figures_by_unit(first, last, as_of),
        cases=case_figures_as_of(first, last, moment),
        entries=latest_entries(period_id, as_of),
        dossiers=latest_dossiers(period_id, as_of),
        lines=adjustments(period_id, as_of),
    )


def _row(unit: dict, config: dict, sources: Sources) -> SheetRow:
    points = {key: float(value) for key, value in config["points"].items()}
    unit_id = unit["id"]
    figures = sources.satisfaction.get(unit_id)
    entries = lambda item: sources.entries.get((unit_id, item), {})  # noqa: E731
    cases = sources.cases.get(unit_id)
    items = {
        "1": _assessed(entries(1), points["1"]),
        "2": _assessed(entries(2), points["2"]),
        "3": _dossiers(sources.dossiers.get(unit_id), entries(3), points["3"]),
        "4": _feedback(cases.on_time_rate if cases else None, points["4"], config["item4"]),
        "5": _survey_item(figures, config["criteria"]["5"], points["5"]),
        "6": _survey_item(figures, config["criteria"]["6"], points["6"]),
    }
    lines = sources.lines.get(unit_id, [])
    responses = figures.responses if figures else 0
    index = figures.index if figures else None
    return SheetRow(
        unit=unit["code"],
        name=unit["name"],
        group=unit["group"],
        group_name=unit["group_name"],
        items=items,
        bonus=sum(line.points for line in lines if line.points > 0),
        penalty=-sum(line.points for line in lines if line.points < 0),
        responses=responses,
        index=index,
        ci95=scoring.share_interval(index, responses),
        ranked=scoring.is_ranked(responses, config["min_sample"]) and index is not None,
        lines=[{"points": line.points, "reason": line.reason} for line in lines],
    )


def _rank(rows: list[SheetRow], config: dict) -> None:
    ladder = [(entry["code"], entry["min"]) for entry in config["classes"]]
    groups: dict[str, list[SheetRow]] = {}
    for row in rows:
        if row.ranked:
            row.klass = scoring.classify(row.score, ladder)
            if row.group is not None:
                groups.setdefault(row.group, []).append(row)
    for members in groups.values():
        ranks = scoring.shared_ranks([(row.unit, row.score) for row in members])
        members.sort(key=lambda r: (ranks[r.unit], r.unit))
        for above, row in zip([None, *members], members, strict=False):
            row.rank = ranks[row.unit]
            if above is not None and above.index is not None and row.index is not None:
                row.close_to_previous = not scoring.differ_significantly(
                    above.index, above.responses, row.index, row.responses
                )


def compute(period_id: int, config: dict, as_of: datetime | None = None) -> list[SheetRow]:
    """The sheet of every unit the configuration names, from the data as it stood at `as_of`."""
    first, last = date.fromisoformat(config["first"]), date.fromisoformat(config["last"])
    sources = read_sources(period_id, first, last, as_of)
    rows = [_row(unit, config, sources) for unit in config["units"]]
    _rank(rows, config)
    return sorted(rows, key=lambda r: (r.group or "~", r.rank or 10_000, -r.score, r.unit))


def live_sheet(period: CompetitionPeriod, stage: str | None = None) -> list[SheetRow]:
    return compute(period.id, live_config(period, stage))
