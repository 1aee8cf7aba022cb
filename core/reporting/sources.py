"""Where report figures are counted from: the exact rollups (every report) or the raw answers
(a frozen review's "as received by" figures, and the reference that proves the rollups exact).

Both sources answer the same five grouped questions with the same columns, so `queries` applies
one set of formulas to either. Keys are named ("unit", "point", "channel", "week", "unit_week",
"all"); each source maps a name to its own column.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from core.extensions import db
from core.models import (
    Answer,
    Criterion,
    Point,
    Reason,
    Response,
    ResponseReason,
    RollupAnswer,
    RollupHour,
    RollupReason,
    RollupResponse,
)
from core.ratings import scoring
from core.timeutil import LOCAL_TZ, local_day_bounds


def _is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _offset() -> str:
    # Asia/Ho_Chi_Minh has kept UTC+7 without daylight saving since 1975, so a fixed shift is exact.
    hours = int((LOCAL_TZ.utcoffset(datetime(2000, 1, 1)) or timedelta(hours=7)).total_seconds() // 3600)
    return f"+{hours} hours"


def _counted(condition) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _scoped(query, unit_ids: set[int] | None):
    return query if unit_ids is None else query.where(Point.unit_id.in_(unit_ids))


class RawSource:
    """Every figure straight from the stored answers, optionally only those received by a moment."""

    def __init__(self, received_by: datetime | None = None) -> None:
        self.received_by = received_by

    # -- local time of each answer ---------------------------------------------------------------
    def _local(self):
        return sa.func.timezone("Asia/Ho_Chi_Minh", Response.answered_at)

    def _week(self):
        if _is_postgres():
            return sa.func.to_char(sa.func.date_trunc("week", self._local()), "YYYY-MM-DD")
        return sa.func.date(Response.answered_at, _offset(), "weekday 0", "-6 days")

    def _weekday(self):
        if _is_postgres():
            return sa.cast(sa.func.extract("isodow", self._local()), sa.Integer) - 1
        return (sa.cast(sa.func.strftime("%w", Response.answered_at, _offset()), sa.Integer) + 6) % 7

    def _hour(self):
        if _is_postgres():
            return sa.cast(sa.func.extract("hour", self._local()), sa.Integer)
        return sa.cast(sa.func.strftime("%H", Response.answered_at, _offset()), sa.Integer)

    def key(self, name: str):
        return {
            "unit": lambda: Point.unit_id,
            "point": lambda: Response.point_id,
            "channel": lambda: Response.channel,
            "week": self._week,
            "unit_week": lambda: sa.cast(Point.unit_id, sa.String) + "|" + sa.cast(self._week(), sa.String),
            "all": lambda: sa.literal("all"),
        }[name]()

    def _in_range(self, first: date, last: date):
        start, end = local_day_bounds(first, last)
        condition = sa.and_(Response.answered_at >= start, Response.answered_at < end)
        if self.received_by is not None:
            condition = sa.and_(condition, Response.received_at <= self.received_by)
        return condition

    def _answers(self):
        return (
            sa.select()
            .select_from(Answer)
            .join(Response, Answer.response_id == Response.id)
            .join(Point, Response.point_id == Point.id)
            .join(Criterion, Answer.criterion_id == Criterion.id)
        )

    # -- the five grouped questions --------------------------------------------------------------
    def counts(self, key: str, first: date, last: date, unit_ids: set[int] | None) -> sa.Select:
        """(key, counted responses, flagged responses)."""
        k = self.key(key)
        query = (
            sa.select(k.label("k"), _counted(Response.flag.is_(None)), _counted(Response.flag.is_not(None)))
            .select_from(Response)
            .join(Point, Response.point_id == Point.id)
            .where(self._in_range(first, last))
            .group_by(k)
        )
        return _scoped(query, unit_ids)

    def tallies(self, key: str, first: date, last: date, unit_ids: set[int] | None) -> sa.Select:
        """(key, criterion code, answers, satisfied answers, sum of scores) of counted responses."""
        k = self.key(key)
        query = (
            self._answers()
            .add_columns(
                k.label("k"),
                Criterion.code,
                sa.func.count(Answer.id),
                _counted(Answer.score >= scoring.SATISFIED_MIN_SCORE),
                sa.func.sum(Answer.score),
            )
            .where(Response.flag.is_(None), self._in_range(first, last))
            .group_by(k, Criterion.code)
        )
        return _scoped(query, unit_ids)

    def distribution(self, first: date, last: date, unit_ids: set[int] | None) -> sa.Select:
        """(criterion code, score, answers) of counted responses."""
        query = (
            self._answers()
            .add_columns(Criterion.code, Answer.score, sa.func.count(Answer.id))
            .where(Response.flag.is_(None), self._in_range(first, last))
            .group_by(Criterion.code, Answer.score)
        )
        return _scoped(query, unit_ids)

    def reasons(self, first: date, last: date, unit_ids: set[int] | None) -> sa.Select:
        """(reason code, times chosen) by counted responses."""
        query = (
            sa.select(Reason.code, sa.func.count())
            .select_from(ResponseReason)
            .join(Reason, ResponseReason.reason_id == Reason.id)
            .join(Response, ResponseReason.response_id == Response.id)
            .join(Point, Response.point_id == Point.id)
            .where(Response.flag.is_(None), self._in_range(first, last))
            .group_by(Reason.code)
        )
        return _scoped(query, unit_ids)

    def heat(self, first: date, last: date, unit_ids: set[int] | None, main_code: str) -> list[tuple]:
        """(weekday, hour, counted responses, satisfied main answers, main answers)."""
        weekday, hour = self._weekday(), self._hour()
        main_ids = sa.select(Criterion.id).where(Criterion.code == main_code)
        main = sa.orm.aliased(Answer)
        # One pass: each response meets at most one answer to the main question (one per criterion).
        query = (
            sa.select(
                weekday,
                hour,
                sa.func.count(),
                _counted(main.score >= scoring.SATISFIED_MIN_SCORE),
                sa.func.count(main.id),
            )
            .select_from(Response)
            .join(Point, Response.point_id == Point.id)
            .outerjoin(main, sa.and_(main.response_id == Response.id, main.criterion_id.in_(main_ids)))
            .where(Response.flag.is_(None), self._in_range(first, last))
            .group_by(weekday, hour)
        )
        return [tuple(row) for row in db.session.execute(_scoped(query, unit_ids))]


class RollupSource:
    """Every figure from the exact rollups (core.ratings.rollups): rows per point and local day."""

    received_by = None

    def _week(self, table):
        if _is_postgres():
            return sa.func.to_char(sa.func.date_trunc("week", sa.cast(table.day, sa.DateTime)), "YYYY-MM-DD")
        return sa.func.date(table.day, "weekday 0", "-6 days")

    def _weekday(self, table):
        if _is_postgres():
            return sa.cast(sa.func.extract("isodow", table.day), sa.Integer) - 1
        return (sa.cast(sa.func.strftime("%w", table.day), sa.Integer) + 6) % 7

    def key(self, name: str, table=RollupResponse):
        return {
            "unit": lambda: Point.unit_id,
            "point": lambda: table.point_id,
            "channel": lambda: table.channel,
            "week": lambda: self._week(table),
            "unit_week": lambda: sa.cast(Point.unit_id, sa.String) + "|" + sa.cast(self._week(table), sa.String),
            "all": lambda: sa.literal("all"),
        }[name]()

    @staticmethod
    def _in_range(table, first: date, last: date):
        return sa.and_(table.day >= first, table.day <= last)

    def counts(self, key: str, first: date, last: date, unit_ids: set[int] | None) -> sa.Select:
        t = RollupResponse
        k = self.key(key, t)
        query = (
            sa.select(
                k.label("k"),
                sa.func.coalesce(sa.func.sum(sa.case((t.flag == "", t.responses), else_=0)), 0),
                sa.func.coalesce(sa.func.sum(sa.case((t.flag != "", t.responses), else_=0)), 0),
            )
            .select_from(t)
            .join(Point, t.point_id == Point.id)
            .where(self._in_range(t, first, last))
            .group_by(k)
            # A key whose every counter was moved away by flag changes is no row of the raw answers.
            .having(sa.func.sum(t.responses) != 0)
        )
        return _scoped(query, unit_ids)

    def _counted_answers(self, first: date, last: date):
        t = RollupAnswer
        return (
            sa.select()
            .select_from(t)
            .join(Point, t.point_id == Point.id)
            .join(Criterion, t.criterion_id == Criterion.id)
            .where(t.flag == "", self._in_range(t, first, last))
        )

    def tallies(self, key: str, first: date, last: date, unit_ids: set[int] | None) -> sa.Select:
        t = RollupAnswer
        k = self.key(key, t)
        query = (
            self._counted_answers(first, last)
            .add_columns(
                k.label("k"),
                Criterion.code,
                sa.func.sum(t.answers),
                sa.func.coalesce(sa.func.sum(sa.case((t.score >= scoring.SATISFIED_MIN_SCORE, t.answers), else_=0)), 0),
                sa.func.sum(t.score * t.answers),
            )
            .group_by(k, Criterion.code)
            .having(sa.func.sum(t.answers) != 0)
        )
        return _scoped(query, unit_ids)

    def distribution(self, first: date, last: date, unit_ids: set[int] | None) -> sa.Select:
        t = RollupAnswer
        query = (
            self._counted_answers(first, last)
            .add_columns(Criterion.code, t.score, sa.func.sum(t.answers))
            .group_by(Criterion.code, t.score)
            .having(sa.func.sum(t.answers) != 0)
        )
        return _scoped(query, unit_ids)

    def reasons(self, first: date, last: date, unit_ids: set[int] | None) -> sa.Select:
        t = RollupReason
        query = (
            sa.select(Reason.code, sa.func.sum(t.chosen))
            .select_from(t)
            .join(Reason, t.reason_id == Reason.id)
            .join(Point, t.point_id == Point.id)
            .where(t.flag == "", self._in_range(t, first, last))
            .group_by(Reason.code)
            .having(sa.func.sum(t.chosen) != 0)
        )
        return _scoped(query, unit_ids)

    def heat(self, first: date, last: date, unit_ids: set[int] | None, main_code: str) -> list[tuple]:
        r, h = RollupResponse, RollupHour
        weekday = self._weekday(r)
        counts = _scoped(
            sa.select(weekday, r.hour, sa.func.sum(r.responses))
            .select_from(r)
            .join(Point, r.point_id == Point.id)
            .where(r.flag == "", self._in_range(r, first, last))
            .group_by(weekday, r.hour)
            .having(sa.func.sum(r.responses) != 0),
            unit_ids,
        )
        weekday = self._weekday(h)
        main = _scoped(
            sa.select(weekday, h.hour, sa.func.sum(h.satisfied), sa.func.sum(h.answers))
            .select_from(h)
            .join(Point, h.point_id == Point.id)
            .join(Criterion, h.criterion_id == Criterion.id)
            .where(h.flag == "", Criterion.code == main_code, self._in_range(h, first, last))
            .group_by(weekday, h.hour),
            unit_ids,
        )
        answered = {(int(wd), int(hr)): (sat, ans) for wd, hr, sat, ans in db.session.execute(main)}
        return [
            (wd, hr, count, *answered.get((int(wd), int(hr)), (0, 0))) for wd, hr, count in db.session.execute(counts)
        ]


ROLLUPS = RollupSource()
RAW = RawSource()
