"""Exact rollups of the answers: counts per point, local day (and hour), channel, flag, criterion
and score, kept in the same transaction as each stored answer and each flag change, so that
reports read a few rows per point and day however many answers the years pile up.

Writes are upserts (`INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n`) with their rows
sorted by key: two transactions that touch the same counters lock them in the same order and can
wait for each other, never deadlock. A flag change moves an answer's counts from one flag to the
other (minus under the old key, plus under the new). `rebuild` recomputes every counter from the
raw answers in SQL and reports which counters differed before it rewrote them.
"""

from __future__ import annotations

import functools
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from core.driver_sql import DriverStatement, sent_together
from core.extensions import db
from core.models import (
    Answer,
    PointVersion,
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
from core.ratings.scoring import SATISFIED_MIN_SCORE
from core.timeutil import LOCAL_TZ, SQLITE_LOCAL_SHIFT, local_day_bounds

# Each rollup table with its counter columns, in the order every writer touches them: the daily
# tier, then the monthly one (the daily counters summed per local month, which year-long reports read
# for their whole months).
TABLES: tuple[tuple[sa.Table, tuple[str, ...]], ...] = (
    (RollupResponse.__table__, ("responses",)),
    (RollupAnswer.__table__, ("answers",)),
    (RollupHour.__table__, ("answers", "satisfied")),
    (RollupReason.__table__, ("chosen",)),
)
MONTH_TABLES: tuple[tuple[sa.Table, tuple[str, ...]], ...] = (
    (RollupMonthResponse.__table__, ("responses",)),
    (RollupMonthAnswer.__table__, ("answers",)),
    (RollupMonthReason.__table__, ("chosen",)),
)
WEEK_TABLES: tuple[tuple[sa.Table, tuple[str, ...]], ...] = (
    (RollupWeekResponse.__table__, ("responses",)),
    (RollupWeekAnswer.__table__, ("answers", "satisfied", "score_sum")),
)
SUMMED_TABLES = MONTH_TABLES + WEEK_TABLES
ALL_TABLES = TABLES + SUMMED_TABLES
# The daily table each monthly one has the shape of.
MONTHLY_OF = {
    RollupMonthResponse.__table__: RollupResponse.__table__,
    RollupMonthAnswer.__table__: RollupAnswer.__table__,
    RollupMonthReason.__table__: RollupReason.__table__,
}
# The daily table each monthly or weekly one sums.
DAILY_OF = {
    RollupMonthResponse.__table__: RollupResponse.__table__,
    RollupMonthAnswer.__table__: RollupAnswer.__table__,
    RollupMonthReason.__table__: RollupReason.__table__,
    RollupWeekResponse.__table__: RollupResponse.__table__,
    RollupWeekAnswer.__table__: RollupAnswer.__table__,
}


@dataclass(frozen=True)
class Counted:
    """What one stored response adds to the rollups."""

    point_id: int
    channel: str
    answered_at: datetime  # aware
    flag: str | None
    scores: dict[int, int]  # criterion id -> score
    reason_ids: tuple[int, ...] = ()


def flag_key(flag: str | None) -> str:
    """The key of a flag in the rollups: "" for a counted answer."""
    return flag or ""


class Tally:
    """Counts of many responses summed in memory, then added to the rollups in one upsert per table:
    the one place that says which counters a response adds to. The write path tallies one response;
    a bulk load (the demo's millions) tallies each batch as it generates it, hence the plain dicts
    and the unrolled loops below."""

    def __init__(self) -> None:
        # table -> key -> count; the heat map's table keeps its second counter (satisfied) apart.
        self.counts: dict[sa.Table, dict[tuple, int]] = {table: {} for table, _counters in ALL_TABLES}
        self.satisfied: dict[tuple, int] = {}
        # The weekly answers' satisfied answers and sums of scores.
        self.week_satisfied: dict[tuple, int] = {}
        self.week_scores: dict[tuple, int] = {}
        self.points: set[int] = set()

    def add(
        self,
        point_id: int,
        channel: str,
        day: date,
        hour: int,
        flag: str | None,
        scores,
        reason_ids=(),
        sign: int = 1,
    ) -> None:
        """One response of local `day` and `hour`; `scores` are (criterion id, score) pairs."""
        flag = flag_key(flag)
        month, week = day.replace(day=1), day - timedelta(days=day.weekday())
        counts = self.counts
        self.points.add(point_id)
        for key, cells in (
            ((day, point_id, hour, channel, flag), counts[RollupResponse.__table__]),
            ((month, point_id, channel, flag), counts[RollupMonthResponse.__table__]),
            ((week, point_id, flag), counts[RollupWeekResponse.__table__]),
        ):
            cells[key] = cells.get(key, 0) + sign
        answers, monthly, hours = (
            counts[RollupAnswer.__table__],
            counts[RollupMonthAnswer.__table__],
            counts[RollupHour.__table__],
        )
        satisfied, weekly = self.satisfied, counts[RollupWeekAnswer.__table__]
        week_satisfied, week_scores = self.week_satisfied, self.week_scores
        for criterion_id, score in scores:
            key = (day, point_id, channel, flag, criterion_id, score)
            answers[key] = answers.get(key, 0) + sign
            key = (month, point_id, channel, flag, criterion_id, score)
            monthly[key] = monthly.get(key, 0) + sign
            key = (day, point_id, hour, flag, criterion_id)
            hours[key] = hours.get(key, 0) + sign
            if score >= SATISFIED_MIN_SCORE:
                satisfied[key] = satisfied.get(key, 0) + sign
            key = (week, point_id, flag, criterion_id)
            weekly[key] = weekly.get(key, 0) + sign
            week_scores[key] = week_scores.get(key, 0) + sign * score
            if score >= SATISFIED_MIN_SCORE:
                week_satisfied[key] = week_satisfied.get(key, 0) + sign
        if reason_ids:
            reasons, monthly = counts[RollupReason.__table__], counts[RollupMonthReason.__table__]
            for reason_id in reason_ids:
                key = (day, point_id, channel, flag, reason_id)
                reasons[key] = reasons.get(key, 0) + sign
                key = (month, point_id, channel, flag, reason_id)
                monthly[key] = monthly.get(key, 0) + sign

    def size(self) -> int:
        """How many counters are held."""
        return sum(len(cells) for cells in self.counts.values())

    def flush(self) -> None:
        """Add the tallied counts to the rollups (tables in one order, keys sorted: concurrent
        writers lock shared counters in the same order) and raise the points' versions."""
        pending = [(table, rows) for table, _counters in ALL_TABLES if (rows := self._rows(table))]
        if not pending:
            return
        pending.append((PointVersion.__table__, [(pid, 1) for pid in sorted(self.points)]))
        connection = db.session.connection()
        if connection.dialect.name == "postgresql" and all(len(rows) <= MULTI_ROW_UPTO for _t, rows in pending):
            # One statement for every table: one round trip, parsed and planned once per shape. A
            # bulk load's millions of rows go table by table, in one pipeline.
            _upsert_together(pending, connection)
        else:
            with sent_together(connection):
                for table, rows in pending:
                    _upsert(table, rows, connection)
        for cells in self.counts.values():
            cells.clear()
        self.satisfied.clear()
        self.week_satisfied.clear()
        self.week_scores.clear()
        self.points = set()

    def _rows(self, table: sa.Table) -> list[tuple]:
        """The table's tallied rows, every column in the table's order, sorted by key."""
        cells = self.counts[table]
        if table is RollupHour.__table__:
            return [(*key, count, self.satisfied.get(key, 0)) for key, count in sorted(cells.items())]
        if table is RollupWeekAnswer.__table__:
            return [
                (*key, count, self.week_satisfied.get(key, 0), self.week_scores.get(key, 0))
                for key, count in sorted(cells.items())
            ]
        return [(*key, count) for key, count in sorted(cells.items())]


def count_response(counted: Counted, sign: int = 1) -> None:
    """Add (sign 1) or take away (sign -1) one response's counts, in the caller's transaction."""
    local = counted.answered_at.astimezone(LOCAL_TZ)
    tally = Tally()
    tally.add(
        counted.point_id,
        counted.channel,
        local.date(),
        local.hour,
        counted.flag,
        counted.scores.items(),
        counted.reason_ids,
        sign,
    )
    tally.flush()


def bump_versions(point_ids) -> None:
    """Raise the version of these points' figures (caches and ETags key on it)."""
    _upsert(PointVersion.__table__, [(pid, 1) for pid in sorted(set(point_ids))])


# Rows per upsert statement: one statement for a response's few counters; a bulk load's many as an
# executemany of the one-row statement.
MULTI_ROW_UPTO = 50
# Upsert statements by (table, rows). SQLAlchemy does not cache the compiled form of a
# dialect's INSERT ... ON CONFLICT, and compiling it again for every answer cost most of the write
# path's time; the text is the same for both dialects, the values travel as typed parameters.
_UPSERTS: dict[tuple[str, int], DriverStatement] = {}


def _upsert_sql(table: sa.Table, count: int) -> tuple[str, dict]:
    """INSERT ... ON CONFLICT DO UPDATE adding `count` rows to the table's counters, with
    parameters named `{column}_{row}`, and their types."""
    columns = _column_names(table)
    rows = ", ".join("(" + ", ".join(f":{name}_{i}" for name in columns) + ")" for i in range(count))
    # Table and column names come from the models; every value is a bound parameter.
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES {rows} {_adding_on_conflict(table)}"  # noqa: S608
    return sql, {f"{name}_{i}": table.c[name].type for i in range(count) for name in columns}


def _adding_on_conflict(table: sa.Table) -> str:
    """The ON CONFLICT clause of every counter upsert: an existing key gets the values added."""
    keys = [c.name for c in table.primary_key.columns]
    updates = ", ".join(
        f"{name} = {table.name}.{name} + excluded.{name}" for name in _column_names(table) if name not in keys
    )
    return f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"


def _upsert_statement(table: sa.Table, count: int) -> DriverStatement:
    key = (table.name, count)
    statement = _UPSERTS.get(key)
    if statement is None:
        statement = _UPSERTS[key] = DriverStatement(*_upsert_sql(table, count))
    return statement


# PostgreSQL: the upserts of one flush as one statement, by the tables it touches.
_TOGETHER: dict[tuple[str, ...], DriverStatement] = {}


def _upsert_together(pending: list[tuple[sa.Table, list[tuple]]], connection: sa.Connection) -> None:
    """Every table's upsert in one statement: the counters' as data-modifying WITH queries, the
    points' versions as the main statement. PostgreSQL runs the main statement first and the WITH
    queries after it: every writer of a point locks its version row first (the versions in point
    order), so two writers of the same counters queue there and never deadlock, whatever order
    the counters are then locked in.

    Each table's rows travel as one JSON document, read back into the table's own row type: the
    text depends only on the tables, and there is one parameter per table. With one parameter per
    value, psycopg parsed the statement again on every answer (it keeps the parsed form of
    statements of at most 50 parameters), about a third of the answer's CPU."""
    shape = tuple(table.name for table, _rows in pending)
    statement = _TOGETHER.get(shape)
    if statement is None:
        *counters, (versions, _rows) = pending
        parts = [_json_upsert_sql(table, f"t{n}") for n, (table, _rows) in enumerate(counters)]
        withs = ", ".join(f"u{n} AS ({sql})" for n, sql in enumerate(parts))
        main = _json_upsert_sql(versions, f"t{len(counters)}", ordered=True)
        statement = _TOGETHER[shape] = DriverStatement(f"WITH {withs} {main}" if withs else main)
    values = {}
    for n, (table, rows) in enumerate(pending):
        names = _column_names(table)
        values[f"t{n}"] = json.dumps([dict(zip(names, row, strict=True)) for row in rows], default=date.isoformat)
    statement.run(values, connection)


def _json_upsert_sql(table: sa.Table, parameter: str, ordered: bool = False) -> str:
    """PostgreSQL's INSERT ... SELECT FROM json_populate_recordset ... ON CONFLICT DO UPDATE adding
    the rows of the JSON parameter (objects keyed by column) to the table's counters; `ordered`:
    in the document's order (the key order: locks are taken in it)."""
    listed = ", ".join(_column_names(table))
    records = f"json_populate_recordset(NULL::{table.name}, CAST(:{parameter} AS json))"
    # Table and column names come from the models; every value is a bound parameter.
    rows = (
        f"SELECT {listed} FROM {records} WITH ORDINALITY AS u({listed}, n) ORDER BY n"  # noqa: S608
        if ordered
        else f"SELECT {listed} FROM {records}"  # noqa: S608
    )
    return f"INSERT INTO {table.name} ({listed}) {rows} {_adding_on_conflict(table)}"


def _upsert(table: sa.Table, rows: list[tuple], connection: sa.Connection | None = None) -> None:
    """Add `rows` (values of every column in the table's order, sorted by key) to the counters: a
    new key is inserted, an existing one gets the values added."""
    if not rows:
        return
    names = _column_names(table)
    if len(rows) <= MULTI_ROW_UPTO:
        values = {f"{name}_{i}": value for i, row in enumerate(rows) for name, value in zip(names, row, strict=True)}
        _upsert_statement(table, len(rows)).run(values, connection)
    else:
        _bulk_upsert(table, rows, connection or db.session.connection())


# The one-row upsert of a bulk flush, by table, its values bound by the caller (_bulk_upsert).
_BULK: dict[str, DriverStatement] = {}


def _bulk_upsert(table: sa.Table, rows: list[tuple], connection: sa.Connection) -> None:
    """A bulk load's rows (a million demo answers flush several million counters) as one
    executemany of the one-row upsert. The columns' bind processors run once per distinct value
    (a few hundred days, not millions of rows), before the statement sees them."""
    statement = _BULK.get(table.name)
    if statement is None:
        sql, _types = _upsert_sql(table, 1)
        statement = _BULK[table.name] = DriverStatement(sql)
    names = tuple(f"{name}_0" for name in _column_names(table))
    dialect = connection.dialect
    processors = [
        (index, functools.cache(processor))
        for index, column in enumerate(table.columns)
        if (processor := column.type._cached_bind_processor(dialect)) is not None
    ]
    bound = []
    for row in rows:
        values = list(row)
        for index, processor in processors:
            if values[index] is not None:
                values[index] = processor(values[index])
        bound.append(dict(zip(names, values, strict=True)))
    statement.run(bound, connection)


_NAMES: dict[str, tuple[str, ...]] = {}


def _column_names(table: sa.Table) -> tuple[str, ...]:
    names = _NAMES.get(table.name)
    if names is None:
        names = _NAMES[table.name] = tuple(c.name for c in table.columns)
    return names


def counted_of(response_id: uuid.UUID) -> Counted | None:
    """A stored response's contribution to the rollups, read back from the raw rows."""
    row = db.session.execute(
        sa.select(Response.point_id, Response.channel, Response.answered_at, Response.flag).where(
            Response.id == response_id
        )
    ).first()
    if row is None:
        return None
    scores = dict(
        db.session.execute(sa.select(Answer.criterion_id, Answer.score).where(Answer.response_id == response_id)).all()
    )
    reasons = db.session.scalars(
        sa.select(ResponseReason.reason_id).where(ResponseReason.response_id == response_id)
    ).all()
    return Counted(row.point_id, row.channel, row.answered_at, row.flag, scores, tuple(reasons))


# ---------------------------------------------------------------------------------------------
# Rebuilding from the raw answers
# ---------------------------------------------------------------------------------------------


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _local_parts(dialect: str):
    """(local day, local hour, local month's first day) of Response.answered_at, in SQL of the dialect."""
    if dialect == "postgresql":
        local = sa.func.timezone("Asia/Ho_Chi_Minh", Response.answered_at)
        return (
            sa.cast(local, sa.Date),
            sa.cast(sa.func.extract("hour", local), sa.SmallInteger),
            sa.cast(sa.func.date_trunc("month", local), sa.Date),
            sa.cast(sa.func.date_trunc("week", local), sa.Date),
        )
    # SQLite stores naive UTC text.
    offset = SQLITE_LOCAL_SHIFT
    return (
        sa.func.date(Response.answered_at, offset),
        sa.cast(sa.func.strftime("%H", Response.answered_at, offset), sa.Integer),
        sa.func.date(Response.answered_at, offset, "start of month"),
        sa.func.date(Response.answered_at, offset, "weekday 0", "-6 days"),
    )


def fresh(table: sa.Table, window, dialect: str | None = None) -> sa.Select:
    """The table's counters as the raw answers give them, columns in the table's order."""
    day, hour, month, week = _local_parts(dialect or _dialect())
    flag = sa.func.coalesce(Response.flag, "")
    satisfied = sa.func.sum(sa.case((Answer.score >= SATISFIED_MIN_SCORE, 1), else_=0))

    def of_answers(*columns):
        return sa.select(*columns).select_from(Answer).join(Response, Answer.response_id == Response.id)

    if table in MONTHLY_OF:
        # The same keys as the daily table, the month for the day (and no hour).
        day, hour, kind = month, None, MONTHLY_OF[table]
    else:
        kind = table
    if kind is RollupWeekResponse.__table__:
        keys = [week, Response.point_id, flag]
        query = sa.select(*keys, sa.func.count()).select_from(Response)
    elif kind is RollupWeekAnswer.__table__:
        keys = [week, Response.point_id, flag, Answer.criterion_id]
        query = of_answers(*keys, sa.func.count(), satisfied, sa.func.sum(Answer.score))
    elif kind is RollupResponse.__table__:
        keys = [day, Response.point_id, *([hour] if hour is not None else []), Response.channel, flag]
        query = sa.select(*keys, sa.func.count()).select_from(Response)
    elif kind is RollupAnswer.__table__:
        keys = [day, Response.point_id, Response.channel, flag, Answer.criterion_id, Answer.score]
        query = of_answers(*keys, sa.func.count())
    elif kind is RollupHour.__table__:
        keys = [day, Response.point_id, hour, flag, Answer.criterion_id]
        query = of_answers(*keys, sa.func.count(), satisfied)
    else:
        keys = [day, Response.point_id, Response.channel, flag, ResponseReason.reason_id]
        query = (
            sa.select(*keys, sa.func.count())
            .select_from(ResponseReason)
            .join(Response, ResponseReason.response_id == Response.id)
        )
    names = [c.name for c in table.columns]
    labelled = [column.label(name) for column, name in zip(query.selected_columns, names, strict=True)]
    return query.with_only_columns(*labelled).where(window).group_by(*keys)


def _period(table: sa.Table) -> sa.Column:
    return next(table.c[name] for name in ("day", "month", "week") if name in table.c)


def _months(first: date | None, last: date | None) -> tuple[date | None, date | None]:
    """The first days of the months of `first` and of `last`."""
    return (first.replace(day=1) if first else None), (last.replace(day=1) if last else None)


def _weeks(first: date | None, last: date | None) -> tuple[date | None, date | None]:
    """The Mondays of the weeks of `first` and of `last`."""
    monday = lambda day: day - timedelta(days=day.weekday()) if day else None  # noqa: E731
    return monday(first), monday(last)


def _periods(table: sa.Table, first: date | None, last: date | None) -> tuple[date | None, date | None, object]:
    """(first and last period of `table` covering days `first`..`last`, the window of raw answers
    those whole periods hold)."""
    if table in (t for t, _c in MONTH_TABLES):
        start, end = _months(first, last)
        return start, end, window(start, _month_end(end))
    if table in (t for t, _c in WEEK_TABLES):
        start, end = _weeks(first, last)
        return start, end, window(start, end + timedelta(days=6) if end else None)
    return first, last, window(first, last)


def _month_end(month: date | None) -> date | None:
    if month is None:
        return None
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _stored(table: sa.Table, first: date | None, last: date | None, counters: tuple[str, ...]) -> sa.Select:
    """The table's non-zero counters as stored (a counter moved away by a flag change stays at 0)."""
    query = sa.select(*table.columns).where(sa.or_(*(table.c[name] != 0 for name in counters)))
    if first is not None:
        query = query.where(_period(table) >= first)
    if last is not None:
        query = query.where(_period(table) <= last)
    return query


def window(first: date | None, last: date | None):
    conditions = []
    if first is not None:
        conditions.append(Response.answered_at >= local_day_bounds(first, first)[0])
    if last is not None:
        conditions.append(Response.answered_at < local_day_bounds(last, last)[1])
    return sa.and_(sa.true(), *conditions)


def differences(first: date | None = None, last: date | None = None) -> dict[str, int]:
    """Per rollup table, how many counters (keys) differ from what the raw answers give: missing,
    extra or with another count, over local days `first`..`last` (all days when None; the monthly
    tier over the whole months they fall in)."""
    out = {}
    for table, counters in ALL_TABLES:
        start, end, span = _periods(table, first, last)
        stored = _stored(table, start, end, counters)
        computed = fresh(table, span)
        keys = [c.name for c in table.primary_key.columns]
        one, other = sa.except_(computed, stored).subquery(), sa.except_(stored, computed).subquery()
        differing = sa.union(sa.select(*(one.c[k] for k in keys)), sa.select(*(other.c[k] for k in keys))).subquery()
        out[table.name] = int(db.session.scalar(sa.select(sa.func.count()).select_from(differing)) or 0)
    return out


def _delete(table: sa.Table, first: date | None, last: date | None) -> None:
    delete = sa.delete(table)
    if first is not None:
        delete = delete.where(_period(table) >= first)
    if last is not None:
        delete = delete.where(_period(table) <= last)
    db.session.execute(delete)


def week_of(day_column):
    """The Monday of a local-day column's week, as the weekly counters store it, in SQL."""
    if _dialect() == "postgresql":
        return sa.cast(sa.func.date_trunc("week", day_column), sa.Date)
    return sa.func.date(day_column, "weekday 0", "-6 days")


def _period_of(table: sa.Table, day_column):
    """The month's first day or the week's Monday of a daily counter's day, in SQL."""
    if "week" in table.c:
        return week_of(day_column)
    if _dialect() == "postgresql":
        return sa.cast(sa.func.date_trunc("month", day_column), sa.Date)
    return sa.func.date(day_column, "start of month")


def _summed(table: sa.Table, first: date | None, last: date | None) -> sa.Select:
    """A monthly or weekly table's counters summed from its daily table over its periods
    `first`..`last` (whole periods)."""
    daily = DAILY_OF[table]
    period = _period(table).name
    keys = [c.name for c in table.primary_key.columns if c.name != period]
    counters = [c.name for c in table.columns if c.name not in keys and c.name != period]
    sums = {name: sa.func.sum(daily.c[name]) for name in counters if name in daily.c}
    if table is RollupWeekAnswer.__table__:
        satisfied = sa.case((daily.c.score >= SATISFIED_MIN_SCORE, daily.c.answers), else_=0)
        sums.update(satisfied=sa.func.sum(satisfied), score_sum=sa.func.sum(daily.c.score * daily.c.answers))
    start = _period_of(table, daily.c.day)
    query = sa.select(start.label(period), *(daily.c[k] for k in keys), *(sums[n].label(n) for n in counters))
    if first is not None:
        query = query.where(daily.c.day >= first)
    if last is not None:
        end = _month_end(last) if period == "month" else last + timedelta(days=6)
        query = query.where(daily.c.day <= end)
    return query.group_by(start, *(daily.c[k] for k in keys)).having(sa.or_(*(sums[n] != 0 for n in counters)))


def rebuild(first: date | None = None, last: date | None = None, *, compare: bool = True) -> dict[str, int]:
    """Recompute every counter of local days `first`..`last` (all days when None) from the raw
    answers, and the monthly and weekly counters of the months and weeks they fall in from the
    daily ones, then raise every point's version. Returns `differences` as found before the
    rewrite (with `compare`)."""
    found = differences(first, last) if compare else {}
    span = window(first, last)
    for table, _counters in TABLES:
        _delete(table, first, last)
        db.session.execute(sa.insert(table).from_select([c.name for c in table.columns], fresh(table, span)))
    for table, _counters in SUMMED_TABLES:
        start, end, _span = _periods(table, first, last)
        _delete(table, start, end)
        db.session.execute(sa.insert(table).from_select([c.name for c in table.columns], _summed(table, start, end)))
    from core.models import Point

    bump_versions(db.session.scalars(sa.select(Point.id)).all())
    return found


def rebuild_days(first: date, last: date) -> None:
    """`rebuild` of local days `first`..`last`, both included, without the comparison (after a
    bulk load of answers that the rollups cannot have counted)."""
    rebuild(first, last, compare=False)
