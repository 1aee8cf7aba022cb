"""Working days and deadlines (Luật Tiếp công dân 2013 art. 28; Bộ luật Dân sự art. 147-148).

A working day is Monday to Friday, unless the office's table (`CalendarDay`) says the day is off
(a holiday, Tết, a substitute day off) or a weekend day is worked (làm bù). The day of receipt is
not counted. A deadline in working days is the N-th working day after the day of receipt; one in
calendar days that ends on a day that is not worked moves to the next working day.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from core import audit
from core.audit import Actor
from core.errors import ValidationFailed
from core.extensions import db
from core.inputs import clean_text, in_calendar
from core.models import CalendarDay, DeadlineRule
from core.timeutil import LOCAL_TZ

NAME_LENGTH = CalendarDay.__table__.c.name.type.length
# Far enough for any deadline in law (months at most); a bound on the loop, never reached.
MAX_SCAN_DAYS = 400


def exceptions_between(first: date, last: date) -> dict[date, bool]:
    """{day: working?} for the table's days in [first, last]."""
    rows = db.session.execute(
        sa.select(CalendarDay.day, CalendarDay.working).where(CalendarDay.day >= first, CalendarDay.day <= last)
    )
    return dict(rows.all())


def is_working_day(day: date, exceptions: dict[date, bool]) -> bool:
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start` (`start` itself never counts)."""
    exceptions = exceptions_between(start, start + timedelta(days=MAX_SCAN_DAYS))
    day, left = start, count
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, exceptions):
            left -= 1
    return day


def next_working_day(day: date) -> date:
    """`day` itself when it is worked, else the first working day after it."""
    exceptions = exceptions_between(day, day + timedelta(days=MAX_SCAN_DAYS))
    while not is_working_day(day, exceptions):
        day += timedelta(days=1)
    return day


def working_days_between(first: date, last: date) -> int:
    """Working days in (first, last]: how late an answer given on `last` is after `first`."""
    if last <= first:
        return 0
    exceptions = exceptions_between(first, last)
    return sum(is_working_day(first + timedelta(days=n), exceptions) for n in range(1, (last - first).days + 1))


def rule_for(kind: str, received: date) -> DeadlineRule | None:
    """The rule of this kind in force on the day of receipt (the latest that took effect by then)."""
    return db.session.scalar(
        sa.select(DeadlineRule)
        .where(DeadlineRule.kind == kind, DeadlineRule.effective_from <= received)
        .order_by(DeadlineRule.effective_from.desc())
        .limit(1)
    )


def due_date(kind: str, received_at: datetime) -> date:
    """The deadline of a case received at this instant (its local date in Asia/Ho_Chi_Minh)."""
    received = received_at.astimezone(LOCAL_TZ).date()
    rule = rule_for(kind, received)
    if rule is None:
        return add_working_days(received, int(current_app.config["CASES_DUE_WORKING_DAYS"]))
    if rule.working_days:
        return add_working_days(received, rule.days)
    return next_working_day(received + timedelta(days=rule.days))


def set_day(actor: Actor, day: date, *, working: bool, name: str) -> CalendarDay:
    """Record a day off on a weekday, or a worked weekend day; replaces what the table said."""
    fields: dict[str, str] = {}
    if not in_calendar(day):
        fields["day"] = "a date between 2000 and 2100"
    name = clean_text(name or "").strip()
    if len(name) > NAME_LENGTH:
        fields["name"] = f"at most {NAME_LENGTH} characters"
    if fields:
        raise ValidationFailed(_l("Không lưu được ngày này."), fields)
    row = db.session.get(CalendarDay, day)
    before = {"working": row.working, "name": row.name} if row else {}
    if row is None:
        row = CalendarDay(day=day)
        db.session.add(row)
    row.working, row.name = working, name
    db.session.flush()
    audit.record(actor, "calendar.set", day.isoformat(), audit.diff(before, {"working": working, "name": name}))
    return row


def remove_day(actor: Actor, day: date) -> bool:
    """Back to the ordinary week for that day; False when the table did not name it."""
    row = db.session.get(CalendarDay, day)
    if row is None:
        return False
    gone = {"working": row.working, "name": row.name}
    db.session.delete(row)
    db.session.flush()
    audit.record(actor, "calendar.remove", day.isoformat(), gone)
    return True


def _parse_calendar_row(number: int, row: dict[str, str], errors: list[str]) -> tuple[date, bool, str] | None:
    try:
        day = date.fromisoformat((row.get("date") or "").strip())
    except ValueError:
        errors.append(f"line {number}: date must be YYYY-MM-DD")
        return None
    working = (row.get("working") or "0").strip().lower()
    if working not in ("0", "1", "true", "false", "yes", "no", "có", "không"):
        errors.append(f"line {number}: working must be 0 or 1")
        return None
    name = clean_text(row.get("name") or "").strip()
    if not in_calendar(day) or len(name) > NAME_LENGTH:
        errors.append(f"line {number}: a date between 2000 and 2100 and a name of at most {NAME_LENGTH} characters")
        return None
    return day, working in ("1", "true", "yes", "có"), name


def import_days(actor: Actor, data: bytes) -> int:
    """A CSV (UTF-8) with columns date,working,name; all or nothing, errors by line number."""
    from core.org.imports import ImportFailed

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed(["line 1: the file is not UTF-8 text (save it as CSV UTF-8)"]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames is None or not {"date", "working", "name"} <= {f.strip().lower() for f in reader.fieldnames}:
        raise ImportFailed(["line 1: expected columns date,working,name"])
    errors: list[str] = []
    parsed = []
    for number, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): v or "" for k, v in row.items()}
        item = _parse_calendar_row(number, row, errors)
        if item:
            parsed.append(item)
    if errors:
        raise ImportFailed(errors)
    for day, working, name in parsed:
        row = db.session.get(CalendarDay, day) or CalendarDay(day=day)
        row.working, row.name = working, name
        db.session.add(row)
    db.session.flush()
    audit.record(actor, "calendar.import", "calendar_days", {"days": len(parsed)})
    return len(parsed)
