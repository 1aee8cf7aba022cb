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
    RollupMonthAnswer,
    RollupMonthReason,
    RollupMonthResponse,
    RollupReason,
    RollupResponse,
    RollupWeekAnswer,
    RollupWeekResponse,
)
from core.ratings import scoring
from core.ratings.rollups import week_of
from core.timeutil import SQLITE_LOCAL_SHIFT, local_day_bounds


def _is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _counted(condition) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def scoped(query, unit_ids: set[int] | None):
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
        return sa.func.date(Response.answered_at, SQLITE_LOCAL_SHIFT, "weekday 0", "-6 days")

    def _weekday(self):
        if _is_postgres():
            return sa.cast(sa.func.extract("isodow", self._local()), sa.Integer) - 1
        return (sa.cast(sa.func.strftime("%w", Response.answered_at, SQLITE_LOCAL_SHIFT), sa.Integer) + 6) % 7

    def _hour(self):
        if _is_postgres():
            return sa.cast(sa.func.extract("hour", self._local()), sa.Integer)
        return sa.cast(sa.func.strftime("%H", Response.answered_at, SQLITE_LOCAL_SHIFT), sa.Integer)

    def key(self, name: str):
        return {
            "unit": lambda: Point.unit_id,
            "point": lambda: Response.point_id,
            "channel": lambda: Response.channel,
            "week": self._week,
            "unit_week": lambda: sa.cast(Point.unit_id, sa.String) + "|" + sa.cast(self._week(), sa.String),
            "all": lambda: sa.literal("all"),
        }[name]()

    def in_range(self, first: date, last: date):
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
            .where(self.in_range(first, last))
            .group_by(k)
        )
        return scoped(query, unit_ids)

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
            .where(Response.flag.is_(None), self.in_range(first, last))
            .group_by(k, Criterion.code)
        )
        return scoped(query, unit_ids)

    def distribution(self, first: date, last: date, unit_ids: set[int] | None) -> sa.Select:
        """(criterion code, score, answers) of counted responses."""
        query = (
            self._answers()
            .add_columns(Criterion.code, Answer.score, sa.func.count(Answer.id))
            .where(Response.flag.is_(None), self.in_range(first, last))
            .group_by(Criterion.code, Answer.score)
        )
        return scoped(query, unit_ids)

    def reasons(self, first: date, last: date, unit_ids: set[int] | None) -> sa.Select:
        """(reason code, times chosen) by counted responses."""
        query = (
            sa.select(Reason.code, sa.func.count())
            .select_from(ResponseReason)
            .join(Reason, ResponseReason.reason_id == Reason.id)
            .join(Response, ResponseReason.response_id == Response.id)
            .join(Point, Response.point_id == Point.id)
            .where(Response.flag.is_(None), self.in_range(first, last))
            .group_by(Reason.code)
        )
        return scoped(query, unit_ids)

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
            .where(Response.flag.is_(None), self.in_range(first, last))
            .group_by(weekday, hour)
        )
        return [tuple(row) for row in db.session.execute(scoped(query, unit_ids))]


def _months_within(first: date, last: date) -> tuple[date, date] | None:
    """[start, end) of the whole local months inside `first`..`last`, or None when there is none."""
    start = first if first.day == 1 else (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    after = last + timedelta(days=1)
    end = after if after.day == 1 else last.replace(day=1)
    return (start, end) if start < end else None


def _weeks_within(first: date, last: date) -> tuple[date, date] | None:
    """[start, end) of the whole local weeks (Monday to Sunday) inside `first`..`last`, or None."""
    start = first + timedelta(days=-first.weekday() % 7)
    end = last + timedelta(days=1) - timedelta(days=(last + timedelta(days=1)).weekday())
    return (start, end) if start < end else None


class RollupSource:
    """Every figure from the exact rollups (core.ratings.rollups): the monthly counters for the
    whole months of a range and the daily ones for the days before and after them; for weeks, the
    weekly counters of the whole weeks and the daily ones at the edges; the daily ones for the heat
    map (it needs the hour)."""

    received_by = None
    DAILY = {"responses": RollupResponse, "answers": RollupAnswer, "reasons": RollupReason}
    MONTHLY = {"responses": RollupMonthResponse, "answers": RollupMonthAnswer, "reasons": RollupMonthReason}
    COLUMNS = {
        "responses": ("point_id", "channel", "flag", "responses"),
        "answers": ("point_id", "channel", "flag", "criterion_id", "score", "answers"),
        "reasons": ("point_id", "channel", "flag", "reason_id", "chosen"),
    }

    @staticmethod
    def _combined(parts: list):
        return sa.union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()

    @staticmethod
    def _derived(kind: str, table) -> list:
        """What the answer tallies sum, as columns of a table with a score and an answer count."""
        if kind != "answers":
            return []
        satisfied = sa.case((table.score >= scoring.SATISFIED_MIN_SCORE, table.answers), else_=0)
        return [satisfied.label("satisfied"), (table.score * table.answers).label("score_sum")]

    def _span(self, kind: str, first: date, last: date):
        """The counters of `kind` over `first`..`last` as one subquery: columns COLUMNS[kind] (and
        for answers, `satisfied` and `score_sum`)."""
        daily, monthly, names = self.DAILY[kind], self.MONTHLY[kind], self.COLUMNS[kind]
        months = _months_within(first, last)

        def rows(table, condition):
            columns = [getattr(table, name) for name in names] + self._derived(kind, table)
            return sa.select(*columns).where(condition)

        if months is None:
            return rows(daily, sa.and_(daily.day >= first, daily.day <= last)).subquery()
        start, end = months
        parts = [rows(monthly, sa.and_(monthly.month >= start, monthly.month < end))]
        if first < start:
            parts.append(rows(daily, sa.and_(daily.day >= first, daily.day < start)))
        if end <= last:
            parts.append(rows(daily, sa.and_(daily.day >= end, daily.day <= last)))
        return self._combined(parts)

    def _week_span(self, kind: str, first: date, last: date):
        """Weekly counters over `first`..`last` with a `week` column: the weekly tables for the
        whole weeks, the daily ones (by the Monday of their day) for the days at either edge."""
        weeks = _weeks_within(first, last)
        if kind == "responses":
            weekly, daily = RollupWeekResponse, RollupResponse
            of_days = [daily.point_id, daily.flag, daily.responses]
            of_weeks = [weekly.point_id, weekly.flag, weekly.responses]
        else:
            weekly, daily = RollupWeekAnswer, RollupAnswer
            of_days = [daily.point_id, daily.flag, daily.criterion_id, daily.answers, *self._derived("answers", daily)]
            of_weeks = [weekly.point_id, weekly.flag, weekly.criterion_id, weekly.answers, weekly.satisfied]
            of_weeks.append(weekly.score_sum)

        def days(a: date, b: date):
            return sa.select(week_of(daily.day).label("week"), *of_days).where(daily.day >= a, daily.day <= b)

        if weeks is None:
            return days(first, last).subquery()
        start, end = weeks
        parts = [sa.select(weekly.week, *of_weeks).where(weekly.week >= start, weekly.week < end)]
        if first < start:
            parts.append(days(first, start - timedelta(days=1)))
        if end <= last:
            parts.append(days(end, last))
        return self._combined(parts)

    def _week(self, t):
        if _is_postgres():
            return sa.func.to_char(t.c.week, "YYYY-MM-DD")
        return t.c.week

    def _weekday(self, table):
        if _is_postgres():
            return sa.cast(sa.func.extract("isodow", table.day), sa.Integer) - 1
        return (sa.cast(sa.func.strftime("%w", table.day), sa.Integer) + 6) % 7

    def key(self, name: str, t):
        return {
            "unit": lambda: Point.unit_id,
            "point": lambda: t.c.point_id,
            "channel": lambda: t.c.channel,
            "week": lambda: self._week(t),
            "unit_week": lambda: sa.cast(Point.unit_id, sa.String) + "|" + sa.cast(self._week(t), sa.String),
            "all": lambda: sa.literal("all"),
        }[name]()

    def counts(self, key: str, first: date, last: date, unit_ids: set[int] | None) -> sa.Select:
        by_week = key in WEEK_KEYS
        t = self._week_span("responses", first, last) if by_week else self._span("responses", first, last)
        k = self.key(key, t)
        query = (
            sa.select(
                k.label("k"),
                sa.func.coalesce(sa.func.sum(sa.case((t.c.flag == "", t.c.responses), else_=0)), 0),
                sa.func.coalesce(sa.func.sum(sa.case((t.c.flag != "", t.c.responses), else_=0)), 0),
            )
            .select_from(t)
            .join(Point, t.c.point_id == Point.id)
            .group_by(k)
            # A key whose every counter was moved away by flag changes is no row of the raw answers.
            .having(sa.func.sum(t.c.responses) != 0)
        )
        return scoped(query, unit_ids)

    def _counted_answers(self, t):
        return (
            sa.select()
            .select_from(t)
            .join(Point, t.c.point_id == Point.id)
            .join(Criterion, t.c.criterion_id == Criterion.id)
            .where(t.c.flag == "")
        )

    def tallies(self, key: str, first: date, last: date, unit_ids: set[int] | None) -> sa.Select:
        by_week = key in WEEK_KEYS
        t = self._week_span("answers", first, last) if by_week else self._span("answers", first, last)
        k = self.key(key, t)
        query = (
            self._counted_answers(t)
            .add_columns(
                k.label("k"),
                Criterion.code,
                sa.func.sum(t.c.answers),
                sa.func.coalesce(sa.func.sum(t.c.satisfied), 0),
                sa.func.sum(t.c.score_sum),
            )
            .group_by(k, Criterion.code)
            .having(sa.func.sum(t.c.answers) != 0)
        )
        return scoped(query, unit_ids)

    def distribution(self, first: date, last: date, unit_ids: set[int] | None) -> sa.Select:
        t = self._span("answers", first, last)
        query = (
            self._counted_answers(t)
            .add_columns(Criterion.code, t.c.score, sa.func.sum(t.c.answers))
            .group_by(Criterion.code, t.c.score)
            .having(sa.func.sum(t.c.answers) != 0)
        )
        return scoped(query, unit_ids)

    def reasons(self, first: date, last: date, unit_ids: set[int] | None) -> sa.Select:
        t = self._span("reasons", first, last)
        query = (
            sa.select(Reason.code, sa.func.sum(t.c.chosen))
            .select_from(t)
            .join(Reason, t.c.reason_id == Reason.id)
            .join(Point, t.c.point_id == Point.id)
            .where(t.c.flag == "")
            .group_by(Reason.code)
            .having(sa.func.sum(t.c.chosen) != 0)
        )
        return scoped(query, unit_ids)

    def heat(self, first: date, last: date, unit_ids: set[int] | None, main_code: str) -> list[tuple]:
        r, h = RollupResponse, RollupHour
        weekday = self._weekday(r)
        counts = scoped(
            sa.select(weekday, r.hour, sa.func.sum(r.responses))
            .select_from(r)
            .join(Point, r.point_id == Point.id)
            .where(r.flag == "", r.day >= first, r.day <= last)
            .group_by(weekday, r.hour)
            .having(sa.func.sum(r.responses) != 0),
            unit_ids,
        )
        weekday = self._weekday(h)
        main = scoped(
            sa.select(weekday, h.hour, sa.func.sum(h.satisfied), sa.func.sum(h.answers))
            .select_from(h)
            .join(Point, h.point_id == Point.id)
            .join(Criterion, h.criterion_id == Criterion.id)
            .where(h.flag == "", Criterion.code == main_code, h.day >= first, h.day <= last)
            .group_by(weekday, h.hour),
            unit_ids,
        )
        answered = {(int(wd), int(hr)): (sat, ans) for wd, hr, sat, ans in db.session.execute(main)}
        return [
            (wd, hr, count, *answered.get((int(wd), int(hr)), (0, 0))) for wd, hr, count in db.session.execute(counts)
        ]


# Keys read from the weekly counters (a week starts inside a month).
WEEK_KEYS = {"week", "unit_week"}
ROLLUPS = RollupSource()
RAW = RawSource()
