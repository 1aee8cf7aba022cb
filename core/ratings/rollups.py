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

import uuid
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from core.extensions import db
from core.models import (
    Answer,
    PointVersion,
    Response,
    ResponseReason,
    RollupAnswer,
    RollupHour,
    RollupReason,
    RollupResponse,
)
from core.ratings.scoring import SATISFIED_MIN_SCORE
from core.timeutil import LOCAL_TZ, local_day_bounds

# Each rollup table with its counter columns, in the order every writer touches them.
TABLES: tuple[tuple[sa.Table, tuple[str, ...]], ...] = (
    (RollupResponse.__table__, ("responses",)),
    (RollupAnswer.__table__, ("answers",)),
    (RollupHour.__table__, ("answers", "satisfied")),
    (RollupReason.__table__, ("chosen",)),
)


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


def count_response(counted: Counted, sign: int = 1) -> None:
    """Add (sign 1) or take away (sign -1) one response's counts, in the caller's transaction."""
    local = counted.answered_at.astimezone(LOCAL_TZ)
    day, hour, flag = local.date(), local.hour, flag_key(counted.flag)
    base = {"day": day, "point_id": counted.point_id}
    _upsert(
        RollupResponse.__table__, [{**base, "hour": hour, "channel": counted.channel, "flag": flag, "responses": sign}]
    )
    _upsert(
        RollupAnswer.__table__,
        [
            {**base, "channel": counted.channel, "flag": flag, "criterion_id": cid, "score": score, "answers": sign}
            for cid, score in counted.scores.items()
        ],
    )
    _upsert(
        RollupHour.__table__,
        [
            {
                **base,
                "hour": hour,
                "flag": flag,
                "criterion_id": cid,
                "answers": sign,
                "satisfied": sign if score >= SATISFIED_MIN_SCORE else 0,
            }
            for cid, score in counted.scores.items()
        ],
    )
    _upsert(
        RollupReason.__table__,
        [
            {**base, "channel": counted.channel, "flag": flag, "reason_id": rid, "chosen": sign}
            for rid in counted.reason_ids
        ],
    )
    bump_versions([counted.point_id])


def bump_versions(point_ids) -> None:
    """Raise the version of these points' figures (caches and ETags key on it)."""
    rows = [{"point_id": pid, "version": 1} for pid in sorted(set(point_ids))]
    _upsert(PointVersion.__table__, rows)


def _insert(table: sa.Table):
    if _dialect() == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def _upsert(table: sa.Table, rows: list[dict]) -> None:
    if not rows:
        return
    keys = [c.name for c in table.primary_key.columns]
    rows = sorted(rows, key=lambda row: tuple(row[k] for k in keys))
    statement = _insert(table).values(rows)
    counters = [c.name for c in table.columns if c.name not in keys]
    statement = statement.on_conflict_do_update(
        index_elements=keys, set_={name: table.c[name] + statement.excluded[name] for name in counters}
    )
    db.session.execute(statement)


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
    """(local day, local hour) of Response.answered_at as SQL expressions of the dialect."""
    if dialect == "postgresql":
        local = sa.func.timezone("Asia/Ho_Chi_Minh", Response.answered_at)
        return sa.cast(local, sa.Date), sa.cast(sa.func.extract("hour", local), sa.SmallInteger)
    # SQLite stores naive UTC text; Asia/Ho_Chi_Minh has kept UTC+7 without daylight saving since 1975.
    offset = f"+{int(LOCAL_TZ.utcoffset(datetime(2000, 1, 1)).total_seconds() // 3600)} hours"
    return sa.func.date(Response.answered_at, offset), sa.cast(
        sa.func.strftime("%H", Response.answered_at, offset), sa.Integer
    )


def fresh(table: sa.Table, window, dialect: str | None = None) -> sa.Select:
    """The table's counters as the raw answers give them, columns in the table's order."""
    day, hour = _local_parts(dialect or _dialect())
    flag = sa.func.coalesce(Response.flag, "")
    if table is RollupResponse.__table__:
        keys = [day, Response.point_id, hour, Response.channel, flag]
        query = sa.select(*keys, sa.func.count()).select_from(Response)
    elif table is RollupAnswer.__table__:
        keys = [day, Response.point_id, Response.channel, flag, Answer.criterion_id, Answer.score]
        query = sa.select(*keys, sa.func.count()).select_from(Answer).join(Response, Answer.response_id == Response.id)
    elif table is RollupHour.__table__:
        keys = [day, Response.point_id, hour, flag, Answer.criterion_id]
        satisfied = sa.func.sum(sa.case((Answer.score >= SATISFIED_MIN_SCORE, 1), else_=0))
        query = (
            sa.select(*keys, sa.func.count(), satisfied)
            .select_from(Answer)
            .join(Response, Answer.response_id == Response.id)
        )
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


def _stored(table: sa.Table, first: date | None, last: date | None, counters: tuple[str, ...]) -> sa.Select:
    """The table's non-zero counters as stored (a counter moved away by a flag change stays at 0)."""
    query = sa.select(*table.columns).where(sa.or_(*(table.c[name] != 0 for name in counters)))
    if first is not None:
        query = query.where(table.c.day >= first)
    if last is not None:
        query = query.where(table.c.day <= last)
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
    extra or with another count, over local days `first`..`last` (all days when None)."""
    out = {}
    span = window(first, last)
    for table, counters in TABLES:
        computed, stored = fresh(table, span), _stored(table, first, last, counters)
        keys = [c.name for c in table.primary_key.columns]
        one, other = sa.except_(computed, stored).subquery(), sa.except_(stored, computed).subquery()
        differing = sa.union(sa.select(*(one.c[k] for k in keys)), sa.select(*(other.c[k] for k in keys))).subquery()
        out[table.name] = int(db.session.scalar(sa.select(sa.func.count()).select_from(differing)) or 0)
    return out


def rebuild(first: date | None = None, last: date | None = None) -> dict[str, int]:
    """Recompute every counter of local days `first`..`last` (all days when None) from the raw
    answers, and raise every point's version. Returns `differences` as found before the rewrite."""
    found = differences(first, last)
    span = window(first, last)
    for table, _counters in TABLES:
        delete = sa.delete(table)
        if first is not None:
            delete = delete.where(table.c.day >= first)
        if last is not None:
            delete = delete.where(table.c.day <= last)
        db.session.execute(delete)
        db.session.execute(sa.insert(table).from_select([c.name for c in table.columns], fresh(table, span)))
    if any(found.values()) or first is None:
        from core.models import Point

        bump_versions(db.session.scalars(sa.select(Point.id)).all())
    return found


def rebuild_days(first: date, last: date) -> dict[str, int]:
    """`rebuild` of local days `first`..`last`, both included (after a bulk load of answers)."""
    return rebuild(first, last)
