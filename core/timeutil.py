"""Time helpers: UTC storage, local (Asia/Ho_Chi_Minh) dates for reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


# SQLite's date modifier from UTC to local time. Asia/Ho_Chi_Minh has kept UTC+7 without daylight
# saving since 1975, so a fixed shift is exact.
SQLITE_LOCAL_SHIFT = f"+{int(LOCAL_TZ.utcoffset(datetime(2000, 1, 1)).total_seconds() // 3600)} hours"


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today() -> date:
    return datetime.now(LOCAL_TZ).date()


def local_day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """UTC instants [start, end) covering local dates `first`..`last`, both included."""
    start = datetime.combine(first, time.min, tzinfo=LOCAL_TZ).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=LOCAL_TZ).astimezone(UTC)
    return start, end


def parse_iso_datetime(value: str) -> datetime:
    """Parse ISO 8601; a value without an offset is read as local time. Raises ValueError, also for
    an instant the calendar cannot hold in UTC (year 1 east of Greenwich, 9999-12-31 west of it)."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("not a string")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL_TZ)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError("outside the calendar") from None


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
