"""Alerts on negative ratings, evaluated as each answer is stored.

A rule applies to one point, to every point of one unit, or to every point (the default rule: at
least 30 % of at least 10 answers within 2 hours at or below KIOSK_LOW_SCORE). `lowest_comment`
rules fire on any answer with the scale's lowest score and a comment. A rule keeps at most one open
alert per point, until someone acknowledges it with a note: the partial unique index on open alerts
makes a second one impossible even when two answers race, and no storm of alerts can start.

The write path reads what the rules need (`read_window`: the rules and the counted answers around
the new one) before it stores the answer, and `evaluate` adds the new answer to them, so that on
SQLite the database's single write lock is not held during these reads. The rules themselves are
kept per process under `RULES_STAMP`, a fingerprint of the table the doors read with their first
lookup: rules are only ever created and (de)activated here, and each such change changes it.
"""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from core import audit
from core.audit import Actor
from core.driver_sql import DriverStatement
from core.errors import Conflict, ValidationFailed
from core.extensions import db
from core.inputs import clean_text
from core.models import Alert, AlertRule, Answer, Criterion, Point, Response
from core.notify.outbox import emit
from core.org.units import require_visible
from core.ratings.stored import StoredAnswer
from core.timeutil import utcnow

NOTE_LENGTH = 2000


# Built once: the write path runs these for every answer (and SQLAlchemy keys its compiled-SQL
# cache on a statement object's structure, worked out once per object).
_RULES = (
    sa.select(AlertRule)
    .where(
        AlertRule.active.is_(True),
        sa.or_(
            AlertRule.point_id == sa.bindparam("point_id"),
            AlertRule.unit_id == sa.bindparam("unit_id"),
            sa.and_(AlertRule.point_id.is_(None), AlertRule.unit_id.is_(None)),
        ),
    )
    .order_by(AlertRule.id)
)
# Run on the driver: every answer reads it (core.driver_sql).
_AROUND = DriverStatement(
    sa.select(Response.answered_at, Answer.score <= sa.bindparam("low"))
    .select_from(Response)
    .join(Answer, Answer.response_id == Response.id)
    .join(Criterion, Answer.criterion_id == Criterion.id)
    .where(
        Response.point_id == sa.bindparam("point_id"),
        Response.flag.is_(None),
        Response.answered_at >= sa.bindparam("since", type_=Response.answered_at.type),
        Response.answered_at <= sa.bindparam("until", type_=Response.answered_at.type),
        Criterion.code == sa.bindparam("code"),
    )
    .order_by(Response.answered_at)
)


# The rules' fingerprint: how many, the highest id, the sum of the active ones' ids. create_rule
# changes the first two, set_rule_active the third (rules are never edited or deleted otherwise).
RULES_STAMP = (
    sa.select(
        sa.cast(sa.func.count(AlertRule.id), sa.String)
        + "/"
        + sa.cast(sa.func.coalesce(sa.func.max(AlertRule.id), 0), sa.String)
        + "/"
        + sa.cast(
            sa.func.coalesce(sa.func.sum(sa.case((AlertRule.active.is_(True), AlertRule.id), else_=0)), 0), sa.String
        )
    )
    .select_from(AlertRule)
    .scalar_subquery()
)
_ACTIVE_RULES = sa.select(
    AlertRule.id,
    AlertRule.kind,
    AlertRule.point_id,
    AlertRule.unit_id,
    AlertRule.min_answers,
    AlertRule.share,
    AlertRule.window_minutes,
).where(AlertRule.active.is_(True))


@dataclass(frozen=True)
class RuleView:
    """An active rule as kept per process (what evaluating it needs)."""

    id: int
    kind: str
    point_id: int | None
    unit_id: int | None
    min_answers: int
    share: float
    window_minutes: int


def _active_rules(stamp: str) -> list[RuleView]:
    """Every active rule, read again only when the fingerprint the caller read has changed."""
    kept = current_app.extensions.get("alert_rules")
    if kept is None or kept[0] != stamp:
        rules = sorted((RuleView(*row) for row in db.session.execute(_ACTIVE_RULES)), key=lambda r: r.id)
        kept = current_app.extensions["alert_rules"] = (stamp, rules)
    return kept[1]


def rules_for(point: Point, stamp: str | None = None) -> list:
    """The active rules that apply at the point, in id order. With the `RULES_STAMP` the caller
    read, from the per-process copy; else read now."""
    if stamp is None:
        return list(db.session.scalars(_RULES, {"point_id": point.id, "unit_id": point.unit_id}))
    return [
        rule
        for rule in _active_rules(stamp)
        if rule.point_id == point.id
        or rule.unit_id == point.unit_id
        or (rule.point_id is None and rule.unit_id is None)
    ]


def _answers_around(point: Point, main_code: str, since, until) -> list[tuple]:
    """(answered_at, low?) of the counted answers at the point in [since, until], in time order."""
    params = {
        "low": int(current_app.config["KIOSK_LOW_SCORE"]),
        "point_id": point.id,
        "since": since,
        "until": until,
        "code": main_code,
    }
    return [(when, bool(is_low)) for when, is_low in _AROUND.rows(params)]


def _busiest_low_window(rule: AlertRule, answers: list[tuple], moment) -> dict | None:
    """The first window of the rule's length holding `moment` (they start at an answer) that has
    enough answers with a high enough share scored low. Answers queued offline arrive late and out
    of order, so the windows after the answer's time count as much as the one before it."""
    width = timedelta(minutes=rule.window_minutes)
    times = [when for when, _low in answers]
    lows = [0]
    for _when, is_low in answers:
        lows.append(lows[-1] + is_low)
    end = 0
    for start, begins in enumerate(times):
        if begins < moment - width or begins > moment:
            continue
        end = max(end, start)
        while end < len(times) and times[end] <= begins + width:
            end += 1
        total, low = end - start, lows[end] - lows[start]
        if total >= rule.min_answers and 100.0 * low >= rule.share * total:
            return {"answers": total, "low": low, "window_minutes": rule.window_minutes, "share": rule.share}
    return None


@dataclass(frozen=True)
class Window:
    """Read before an answer is stored: the rules of its point, and the counted answers (answered_at,
    low?) of its main question within the widest low-share rule's window around it, in time order."""

    rules: list
    answers: list[tuple]


def read_window(point: Point, main_code: str, moment, rules_stamp: str | None = None) -> Window:
    rules = rules_for(point, rules_stamp)
    widths = [rule.window_minutes for rule in rules if rule.kind != "lowest_comment"]
    if not widths:
        return Window(rules, [])
    width = timedelta(minutes=max(widths))
    return Window(rules, _answers_around(point, main_code, moment - width, moment + width))


def _with_answer(window: Window, answer: StoredAnswer) -> list[tuple]:
    """The window's answers with this one (counted: evaluate runs only for unflagged answers)."""
    answers = list(window.answers)
    score = answer.scores.get(answer.main_code)
    if score is not None:
        insort(answers, (answer.answered_at, score <= int(current_app.config["KIOSK_LOW_SCORE"])))
    return answers


def _tripped(rule: AlertRule, point: Point, answer: StoredAnswer, around: list[tuple] | None) -> dict | None:
    """The figures that trip the rule for this answer, or None. `around`: the answers of the widest
    window, this one included, when read beforehand; else the rule's window is read here."""
    if rule.kind == "lowest_comment":
        lowest = min(answer.scale_scores)
        if answer.comment and any(score == lowest for score in answer.scores.values()):
            return {"response": str(answer.id), "score": lowest}
        return None
    width = timedelta(minutes=rule.window_minutes)
    since, until = answer.answered_at - width, answer.answered_at + width
    if around is None:
        around = _answers_around(point, answer.main_code, since, until)
    else:
        around = [item for item in around if since <= item[0] <= until]
    return _busiest_low_window(rule, around, answer.answered_at)


def _open_once(rule: AlertRule, point: Point, details: dict) -> int | None:
    """Insert the open alert unless the rule already has one at the point; its id when inserted."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = Alert.__table__
    statement = (
        insert(table)
        .values(
            rule_id=rule.id,
            point_id=point.id,
            unit_id=point.unit_id,
            status="open",
            opened_at=utcnow(),
            details=details,
        )
        .on_conflict_do_nothing(index_elements=["rule_id", "point_id"], index_where=sa.text("status = 'open'"))
        .returning(table.c.id)
    )
    return db.session.execute(statement).scalar()


def evaluate(point: Point, answer: StoredAnswer, window: Window | None = None) -> list[Alert]:
    """Open the alerts this stored answer trips (at most one open per rule and point). `window`:
    what `read_window` read for it before it was stored; read now when None."""
    if answer.flag is not None:
        return []
    opened = []
    rules = rules_for(point) if window is None else window.rules
    around = None if window is None else _with_answer(window, answer)
    for rule in rules:
        details = _tripped(rule, point, answer, around)
        if details is None:
            continue
        alert_id = _open_once(rule, point, details)
        if alert_id is None:
            continue
        alert = db.session.get(Alert, alert_id)
        opened.append(alert)
        audit.record(Actor(), "alert.open", f"alert {alert.id}", {"point": point.code, "rule": rule.id, **details})
        emit("alert.opened", point.unit, point, {"alert": alert_json(alert)})
    return opened


def alert_json(alert: Alert) -> dict:
    return {
        "id": alert.id,
        "rule": alert.rule_id,
        "kind": alert.rule.kind,
        "unit": alert.unit.code,
        "point": alert.point.code,
        "status": alert.status,
        "opened_at": alert.opened_at.isoformat(),
        "details": alert.details,
        "acknowledged_at": alert.acknowledged_at.isoformat() if alert.acknowledged_at else None,
        "acknowledged_by": alert.acknowledged_by.username if alert.acknowledged_by else None,
        "note": alert.note,
    }


def acknowledge(actor: Actor, alert: Alert, note: str) -> Alert:
    """Someone has looked: the note says what was done; the rule may open a new alert afterwards."""
    require_visible(actor, alert.unit_id)
    note = clean_text(note or "").strip() if isinstance(note, str) else ""
    if not note:
        raise ValidationFailed(_l("Cần ghi chú khi xác nhận cảnh báo."), {"note": "required"})
    if len(note) > NOTE_LENGTH:
        raise ValidationFailed(_l("Ghi chú quá dài."), {"note": f"at most {NOTE_LENGTH} characters"})
    if alert.status != "open":
        raise Conflict(_l("Cảnh báo này đã được xác nhận."), {"status": "already acknowledged"})
    alert.status, alert.note = "acknowledged", note
    alert.acknowledged_at = utcnow()
    alert.acknowledged_by_id = actor.user.id if actor.user else None
    db.session.flush()
    audit.record(actor, "alert.acknowledge", f"alert {alert.id}", {"note": note})
    return alert


RULE_KINDS = ("low_share", "lowest_comment")


def create_rule(
    actor: Actor,
    *,
    kind: str,
    point_code: str | None = None,
    unit_code: str | None = None,
    min_answers: int = 10,
    share: float = 30.0,
    window_minutes: int = 120,
) -> AlertRule:
    """A rule for one point, for every point of one unit, or (neither) for every point."""
    from core.org.points import point_by_code
    from core.org.units import unit_by_code

    fields: dict[str, str] = {}
    if kind not in RULE_KINDS:
        fields["kind"] = f"one of {', '.join(RULE_KINDS)}"
    point = point_by_code(point_code) if point_code else None
    unit = unit_by_code(unit_code) if unit_code else None
    if point_code and point is None:
        fields["point"] = "unknown point"
    if unit_code and unit is None:
        fields["unit"] = "unknown unit"
    if point_code and unit_code:
        fields["point"] = "a point or a unit, not both"
    if not 1 <= min_answers <= 10_000:
        fields["min_answers"] = "from 1 to 10000"
    if not 0 < share <= 100:
        fields["share"] = "a percentage above 0, at most 100"
    if not 5 <= window_minutes <= 7 * 24 * 60:
        fields["window_minutes"] = "from 5 minutes to a week"
    if fields:
        raise ValidationFailed(_l("Không tạo được quy tắc cảnh báo."), fields)
    scope_unit = point.unit_id if point else unit.id if unit else None
    if scope_unit is not None:
        require_visible(actor, scope_unit)
    rule = AlertRule(
        kind=kind,
        point_id=point.id if point else None,
        unit_id=unit.id if unit else None,
        min_answers=min_answers,
        share=share,
        window_minutes=window_minutes,
    )
    db.session.add(rule)
    db.session.flush()
    target = point.code if point else unit.code if unit else "*"
    audit.record(
        actor,
        "alert_rule.create",
        f"rule {rule.id}",
        {"kind": kind, "scope": target, "min_answers": min_answers, "share": share, "window_minutes": window_minutes},
    )
    return rule


def set_rule_active(actor: Actor, rule: AlertRule, active: bool) -> AlertRule:
    scope_unit = rule.point.unit_id if rule.point else rule.unit_id
    if scope_unit is not None:
        require_visible(actor, scope_unit)
    before = rule.active
    rule.active = active
    db.session.flush()
    audit.record(
        actor,
        "alert_rule.activate" if active else "alert_rule.deactivate",
        f"rule {rule.id}",
        {"active": [before, active]},
    )
    return rule
