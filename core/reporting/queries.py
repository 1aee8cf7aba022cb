"""Reads and aggregation. Every report query lives here and aggregates in SQL (GROUP BY),
so exact pre-aggregated rollups can later replace the raw scans without touching a caller.
Callers get plain dataclasses; the formulas come from `core.ratings.scoring`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from core.extensions import db
from core.models import CHANNELS, Answer, CompetitionGroup, Criterion, Point, Response, Survey, Unit
from core.ratings import scoring
from core.reporting.sources import RAW, ROLLUPS, RawSource, scoped
from core.timeutil import local_today


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
    # The index's 95 % interval, and whether it differs significantly from the unit ranked just above.
    index_ci95: tuple[float, float] | None = None
    close_to_previous: bool = False

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
            "index_ci95": list(self.index_ci95) if self.index_ci95 else None,
            "close_to_previous": self.close_to_previous,
        }


def criterion_figures(answers: int, satisfied: int, mean) -> CriterionFigures:
    """A criterion's figures from its SQL tallies, through the one set of formulas."""
    return CriterionFigures(
        answers=answers,
        satisfied=satisfied,
        index=scoring.satisfaction_index(satisfied, answers),
        mean=float(mean) if mean is not None else None,
        ci95=scoring.wilson_interval(satisfied, answers),
    )


def default_range(today: date | None = None) -> tuple[date, date]:
    """The last 30 local days up to today, both included."""
    today = today or local_today()
    return today - timedelta(days=29), today


def criterion_order() -> list[str]:
    """Criterion codes in the order reports list them: the slogan's criteria in the slogan's order
    (the kiosk asks "Dân về vui vẻ" first, a report reads the slogan from its start), then the
    active survey's others in its order, then any older codes alphabetically."""
    from core.reporting.labels import slogan_sorted

    active = slogan_sorted(
        db.session.scalars(
            sa.select(Criterion.code).join(Survey).where(Survey.active.is_(True)).order_by(Criterion.position)
        ).all()
    )
    others = db.session.scalars(sa.select(Criterion.code).distinct().order_by(Criterion.code)).all()
    return list(active) + [code for code in others if code not in active]


def satisfaction_by_unit(
    first: date, last: date, unit_ids: set[int] | None = None, min_sample: int = 30, source=ROLLUPS
) -> list[UnitSatisfaction]:
    """One row per unit in scope (with or without answers), ranked within its competition group.

    Ranks are computed over every unit, then the rows are cut to the scope: a unit manager sees
    the unit's true place in its group, never a rank of one among itself.
    """
    units = db.session.execute(
        sa.select(Unit.id, Unit.code, Unit.name, CompetitionGroup.code)
        .outerjoin(CompetitionGroup, Unit.group_id == CompetitionGroup.id)
        .order_by(Unit.code)
    ).all()

    figures = _grouped("unit", first, last, None, source)
    rows: list[tuple[int, UnitSatisfaction]] = []
    for unit_id, code, name, group in units:
        slice_ = figures.get(unit_id)
        counted = slice_.responses if slice_ else 0
        index = slice_.index if slice_ else None
        unit_row = UnitSatisfaction(
            unit=code,
            name=name,
            group=group,
            responses=counted,
            flagged=slice_.flagged if slice_ else 0,
            index=index,
            criteria=slice_.criteria if slice_ else {},
            ranked=scoring.is_ranked(counted, min_sample) and index is not None,
        )
        rows.append((unit_id, unit_row))
    ranks = scoring.rank_within_groups(
        [scoring.Rankable(r.unit, r.group, r.index, r.responses, r.ranked) for _, r in rows]
    )
    for _, row in rows:
        row.rank = ranks[row.unit]
        row.index_ci95 = scoring.share_interval(row.index, row.responses)
    _mark_close_neighbours([row for _, row in rows])
    return [row for unit_id, row in rows if unit_ids is None or unit_id in unit_ids]


def _mark_close_neighbours(rows: list[UnitSatisfaction]) -> None:
    """Flag each ranked unit whose index does not differ significantly from the one ranked just
    above it in its group: a rank the data cannot tell apart."""
    by_rank = {(row.group, row.rank): row for row in rows if row.rank is not None}
    for row in rows:
        above = by_rank.get((row.group, (row.rank or 0) - 1))
        if above is not None and above.index is not None and row.index is not None:
            row.close_to_previous = not scoring.differ_significantly(
                above.index, above.responses, row.index, row.responses
            )


# ---------------------------------------------------------------------------------------------
# Admin report views. Every figure below goes through the same two grouped queries (counts of
# responses, and per-criterion answer tallies), keyed by whatever the view groups by, so a point,
# a week or a channel gets its index by exactly the formula a unit gets.
# ---------------------------------------------------------------------------------------------


@dataclass
class GroupFigures:
    """Counted responses, flagged ones and the index of any slice (point, week, channel, scope)."""

    key: str
    label: str
    responses: int
    flagged: int
    index: float | None
    criteria: dict[str, CriterionFigures] = field(default_factory=dict)


@dataclass(frozen=True)
class CriterionSummary:
    code: str
    label: str
    figures: CriterionFigures
    # Answers per score, e.g. {1: 3, 2: 5, 3: 10, 4: 40, 5: 60}.
    distribution: dict[int, int]
    # The SIPAS element it measures (core.models.SIPAS_ELEMENTS), for comparison with SIPAS.
    element: str | None = None


@dataclass(frozen=True)
class ReasonCount:
    code: str
    label: str
    count: int


@dataclass(frozen=True)
class HeatCell:
    weekday: int  # 0 = Monday, local time
    hour: int  # 0..23, local time
    responses: int
    satisfied: int
    index: float | None


@dataclass(frozen=True)
class PointRow:
    point: str
    name: str
    unit: str
    unit_name: str
    responses: int
    flagged: int
    index: float | None
    criteria: dict[str, CriterionFigures]
    ranked: bool


@dataclass(frozen=True)
class CommentRow:
    response_id: str
    answered_at: datetime  # aware UTC
    point: str
    point_name: str
    unit: str
    channel: str
    score: int | None  # the overall (first required) criterion's score
    comment: str
    unit_name: str = ""


@dataclass(frozen=True)
class RawAnswer:
    """One counted or flagged response for the raw sheet of an export; no contact data at all."""

    response_id: str
    answered_at: datetime
    point: str
    unit: str
    channel: str
    flag: str | None
    scores: dict[str, int]
    reasons: list[str]
    comment: str | None
    # The chosen reasons' labels (of the survey the citizen answered), in the order of `reasons`.
    reason_labels: list[str] = field(default_factory=list)


def _grouped(
    key: str, first: date, last: date, unit_ids: set[int] | None, source=ROLLUPS
) -> dict[object, GroupFigures]:
    """Counts and criterion tallies grouped by `key` (a key name of `core.reporting.sources`)."""
    out: dict[object, GroupFigures] = {}
    for k, counted, flagged in db.session.execute(source.counts(key, first, last, unit_ids)):
        out[k] = GroupFigures(key=str(k), label=str(k), responses=int(counted), flagged=int(flagged), index=None)
    tallies: dict[object, dict[str, CriterionFigures]] = {}
    for k, code, answers, satisfied, total in db.session.execute(source.tallies(key, first, last, unit_ids)):
        tallies.setdefault(k, {})[code] = criterion_figures(int(answers), int(satisfied), int(total) / int(answers))
    order = criterion_order()
    for k, row in out.items():
        figures = tallies.get(k, {})
        row.criteria = {c: figures[c] for c in order if c in figures}
        row.index = scoring.unit_index(f.index for f in row.criteria.values())
    return out


def figures_by_unit(
    first: date, last: date, received_by: datetime | None = None, source=ROLLUPS
) -> dict[int, GroupFigures]:
    """Every unit's counted answers and criterion figures, by unit id (the competition's source).
    With `received_by`, only the answers the service had received by then (a frozen review): the
    rollups cannot tell when an answer arrived, so those figures come from the raw answers."""
    return _grouped("unit", first, last, None, RawSource(received_by) if received_by is not None else source)


def scope_summary(first: date, last: date, unit_ids: set[int] | None = None, source=ROLLUPS) -> GroupFigures:
    """The headline of a scope: all its counted answers pooled, the unit formula applied to them."""
    rows = _grouped("all", first, last, unit_ids, source)
    return rows.get("all") or GroupFigures(key="all", label="", responses=0, flagged=0, index=None)


def satisfaction_by_point(
    first: date, last: date, unit_ids: set[int] | None = None, min_sample: int = 30, source=ROLLUPS
) -> list[PointRow]:
    """One row per point in scope (with or without answers)."""
    grouped = _grouped("point", first, last, unit_ids, source)
    points_q = scoped(
        sa.select(Point.id, Point.code, Point.name, Unit.code, Unit.name).join(Unit, Point.unit_id == Unit.id),
        unit_ids,
    ).order_by(Unit.code, Point.code)
    rows = []
    for point_id, code, name, unit_code, unit_name in db.session.execute(points_q):
        g = grouped.get(point_id)
        responses = g.responses if g else 0
        rows.append(
            PointRow(
                point=code,
                name=name,
                unit=unit_code,
                unit_name=unit_name,
                responses=responses,
                flagged=g.flagged if g else 0,
                index=g.index if g else None,
                criteria=g.criteria if g else {},
                ranked=scoring.is_ranked(responses, min_sample) and g is not None and g.index is not None,
            )
        )
    return rows


def _criterion_texts() -> dict[str, tuple[str, str | None]]:
    texts: dict[str, tuple[str, str | None]] = {}
    for code, label, element in db.session.execute(
        sa.select(Criterion.code, Criterion.label, Criterion.sipas_element)
        .join(Survey)
        .order_by(Survey.active, Survey.id)
    ):
        texts[code] = (label, element)  # the active survey's wins (ordered last)
    return texts


def criterion_labels() -> dict[str, str]:
    return {code: label for code, (label, _element) in _criterion_texts().items()}


def criteria_summary(
    first: date, last: date, unit_ids: set[int] | None = None, source=ROLLUPS
) -> list[CriterionSummary]:
    """Each criterion over the whole scope, with its score distribution."""
    summary = scope_summary(first, last, unit_ids, source)
    distribution: dict[str, dict[int, int]] = {}
    for code, score, count in db.session.execute(source.distribution(first, last, unit_ids)):
        distribution.setdefault(code, {})[int(score)] = int(count)
    texts = _criterion_texts()
    return [
        CriterionSummary(
            code=code,
            label=texts.get(code, (code, None))[0],
            figures=fig,
            distribution=distribution.get(code, {}),
            element=texts.get(code, (code, None))[1],
        )
        for code, fig in summary.criteria.items()
    ]


def reason_counts(first: date, last: date, unit_ids: set[int] | None = None, source=ROLLUPS) -> list[ReasonCount]:
    """How often each reason was chosen by counted responses, most frequent first (a Pareto)."""
    from core.models import Reason

    labels = dict(
        db.session.execute(sa.select(Reason.code, Reason.label).join(Survey).order_by(Survey.active, Survey.id)).all()
    )
    rows = [
        ReasonCount(code, labels.get(code, code), int(count))
        for code, count in db.session.execute(source.reasons(first, last, unit_ids))
    ]
    rows.sort(key=lambda r: (-r.count, r.code))
    return rows


def heatmap(first: date, last: date, unit_ids: set[int] | None = None, source=ROLLUPS) -> list[HeatCell]:
    """Counted responses by local weekday × hour, with the share satisfied on the first required criterion."""
    cells = []
    for wd, hr, count, sat, ans in source.heat(first, last, unit_ids, main_criterion_code()):
        sat, ans = int(sat or 0), int(ans or 0)
        cells.append(HeatCell(int(wd), int(hr), int(count), sat, scoring.satisfaction_index(sat, ans)))
    cells.sort(key=lambda c: (c.weekday, c.hour))
    return cells


def main_criterion_code() -> str:
    """The headline question: the active survey's first required criterion (\"overall\" by default)."""
    code = db.session.scalar(
        sa.select(Criterion.code)
        .join(Survey)
        .where(Survey.active.is_(True))
        .order_by(Criterion.required.desc(), Criterion.position)
        .limit(1)
    )
    return code or "overall"


def weekly_trend(first: date, last: date, unit_ids: set[int] | None = None, source=ROLLUPS) -> list[GroupFigures]:
    """One row per local week (Monday first) that has answers, oldest first; key = the Monday."""
    rows = _grouped("week", first, last, unit_ids, source)
    result = []
    for key in sorted(rows, key=str):
        row = rows[key]
        monday = date.fromisoformat(str(key)[:10])
        row.key = monday.isoformat()
        row.label = monday.strftime("%d/%m/%Y")
        result.append(row)
    return result


def weekly_trend_by_unit(
    first: date, last: date, unit_ids: set[int] | None = None, source=ROLLUPS
) -> dict[int, list[GroupFigures]]:
    """`weekly_trend` of every unit at once (its own points), keyed by unit id: two queries in all."""
    result: dict[int, list[GroupFigures]] = {}
    for composite in sorted(rows := _grouped("unit_week", first, last, unit_ids, source), key=str):
        unit_id, _sep, week = str(composite).partition("|")
        row = rows[composite]
        monday = date.fromisoformat(week[:10])
        row.key, row.label = monday.isoformat(), monday.strftime("%d/%m/%Y")
        result.setdefault(int(unit_id), []).append(row)
    for weeks in result.values():
        weeks.sort(key=lambda w: w.key)
    return result


def channel_figures(first: date, last: date, unit_ids: set[int] | None = None, source=ROLLUPS) -> list[GroupFigures]:
    """Kiosk, QR poster and visit code side by side (every channel listed, even without answers)."""
    rows = _grouped("channel", first, last, unit_ids, source)
    result = []
    for channel in CHANNELS:
        # The label is the code: each door, or document, names the channel in its own language.
        row = rows.get(channel) or GroupFigures(key=channel, label=channel, responses=0, flagged=0, index=None)
        row.key, row.label = channel, channel
        result.append(row)
    return result


def _main_score_subquery():
    main = main_criterion_code()
    return (
        sa.select(Answer.score)
        .join(Criterion, Answer.criterion_id == Criterion.id)
        .where(Answer.response_id == Response.id, Criterion.code == main)
        .limit(1)
        .scalar_subquery()
    )


def comments(
    first: date,
    last: date,
    unit_ids: set[int] | None = None,
    *,
    score: int | None = None,
    point_code: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[CommentRow]]:
    """Counted responses with a comment in scope, newest first: (total, one page of rows).

    Contact details are never part of a row: they belong to the case handling, not to reports.
    """
    main_score = _main_score_subquery()
    base = scoped(
        sa.select(Response.id)
        .select_from(Response)
        .join(Point, Response.point_id == Point.id)
        .where(
            Response.flag.is_(None), Response.comment.is_not(None), Response.comment != "", RAW.in_range(first, last)
        ),
        unit_ids,
    )
    if point_code:
        base = base.where(Point.code == point_code)
    if score is not None:
        base = base.where(main_score == score)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    query = (
        base.with_only_columns(
            Response.id,
            Response.answered_at,
            Point.code,
            Point.name,
            Unit.code,
            Response.channel,
            main_score,
            Response.comment,
            Unit.name,
        )
        .join(Unit, Point.unit_id == Unit.id)
        .order_by(Response.answered_at.desc(), Response.id)
        .limit(limit)
        .offset(offset)
    )
    rows = [
        CommentRow(str(rid), at, pcode, pname, ucode, channel, sc, text, uname)
        for rid, at, pcode, pname, ucode, channel, sc, text, uname in db.session.execute(query)
    ]
    return int(total), rows


def raw_answers(first: date, last: date, unit_ids: set[int] | None = None, limit: int = 200_000) -> list[RawAnswer]:
    """Stored responses in range and scope (counted or flagged) with scores and reasons, oldest first;
    at most the newest `limit` of them."""
    from core.models import Reason, ResponseReason

    responses_q = scoped(
        sa.select(
            Response.id, Response.answered_at, Point.code, Unit.code, Response.channel, Response.flag, Response.comment
        )
        .select_from(Response)
        .join(Point, Response.point_id == Point.id)
        .join(Unit, Point.unit_id == Unit.id)
        .where(RAW.in_range(first, last))
        .order_by(Response.answered_at.desc(), Response.id.desc())
        .limit(limit),
        unit_ids,
    )
    rows = {
        rid: RawAnswer(str(rid), at, pcode, ucode, channel, flag, {}, [], comment)
        for rid, at, pcode, ucode, channel, flag, comment in db.session.execute(responses_q)
    }
    if not rows:
        return []
    # Only the fetched (newest) responses need their scores: skip everything older than them.
    oldest = min(row.answered_at for row in rows.values())
    scores_q = scoped(
        sa.select(Answer.response_id, Criterion.code, Answer.score)
        .select_from(Answer)
        .join(Response, Answer.response_id == Response.id)
        .join(Point, Response.point_id == Point.id)
        .join(Criterion, Answer.criterion_id == Criterion.id)
        .where(RAW.in_range(first, last), Response.answered_at >= oldest),
        unit_ids,
    )
    for rid, code, value in db.session.execute(scores_q):
        if rid in rows:
            rows[rid].scores[code] = int(value)
    reasons_q = scoped(
        sa.select(ResponseReason.response_id, Reason.code, Reason.label)
        .select_from(ResponseReason)
        .join(Reason, ResponseReason.reason_id == Reason.id)
        .join(Response, ResponseReason.response_id == Response.id)
        .join(Point, Response.point_id == Point.id)
        .where(RAW.in_range(first, last), Response.answered_at >= oldest),
        unit_ids,
    )
    for rid, code, label in db.session.execute(reasons_q):
        if rid in rows:
            rows[rid].reasons.append(code)
            rows[rid].reason_labels.append(label)
    # The newest `limit` responses were fetched; hand them back oldest first.
    return list(reversed(rows.values()))


def answers_version(unit_ids: set[int] | None = None) -> tuple[int, str]:
    """A version of the scope's figures: the sum of its points' counters, raised by every stored
    answer and every flag change (a few thousand rows at most, never the answers themselves)."""
    from core.models import PointVersion

    query = scoped(
        sa.select(sa.func.count(PointVersion.point_id), sa.func.sum(PointVersion.version))
        .select_from(PointVersion)
        .join(Point, PointVersion.point_id == Point.id),
        unit_ids,
    )
    points, version = db.session.execute(query).one()
    return int(version or 0), str(points or 0)
