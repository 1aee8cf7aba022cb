"""Frozen reviews (sơ kết, tổng kết): the sheet stored as it stood with its configuration and an
identification of the data behind it; verification by recomputation; publication; award
proposals and criticism from a frozen tổng kết."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from core import audit
from core.audit import Actor
from core.competition.sheet import compute, live_config, stage_range
from core.errors import Conflict, NotFound, ValidationFailed
from core.extensions import db
from core.inputs import clean_text
from core.models import (
    DECISIONS,
    STAGES,
    AssessmentEntry,
    Case,
    CaseEvent,
    CompetitionPeriod,
    DossierCount,
    FrozenReview,
    Response,
    ReviewDecision,
    ScoreAdjustment,
    Unit,
)
from core.timeutil import local_day_bounds, utcnow

REASON_LENGTH = ReviewDecision.__table__.c.reason.type.length
# Figures compared at this precision: a JSON round trip keeps doubles exactly, sums may not.
TOLERANCE = 1e-6


def _digest(rows) -> dict:
    hasher, count = hashlib.sha256(), 0
    for row in rows:
        hasher.update(repr(tuple(row)).encode())
        count += 1
    return {"rows": count, "sha256": hasher.hexdigest()}


def fingerprint(period_id: int, first: date, last: date, as_of: datetime) -> dict:
    """Counts and digests of every row the sheet reads, as the database held them at `as_of`."""
    start, end = local_day_bounds(first, last)
    responses = sa.select(Response.id, Response.point_id, Response.flag, Response.body_hash).where(
        Response.answered_at >= start, Response.answered_at < end, Response.received_at <= as_of
    )
    cases = sa.select(Case.id, Case.unit_id, Case.received_at, Case.due).where(
        Case.received_at >= start, Case.received_at < end, Case.created_at <= as_of
    )
    events = (
        sa.select(CaseEvent.id, CaseEvent.case_id, CaseEvent.to_status, CaseEvent.at)
        .join(Case, CaseEvent.case_id == Case.id)
        .where(Case.received_at >= start, Case.received_at < end, CaseEvent.at <= as_of)
    )
    entries = sa.select(
        AssessmentEntry.id, AssessmentEntry.unit_id, AssessmentEntry.item, AssessmentEntry.kind, AssessmentEntry.value
    ).where(AssessmentEntry.period_id == period_id, AssessmentEntry.at <= as_of)
    dossiers = sa.select(DossierCount.id, DossierCount.unit_id, DossierCount.on_time, DossierCount.late).where(
        DossierCount.period_id == period_id, DossierCount.at <= as_of
    )
    lines = sa.select(ScoreAdjustment.id, ScoreAdjustment.unit_id, ScoreAdjustment.points).where(
        ScoreAdjustment.period_id == period_id,
        ScoreAdjustment.at <= as_of,
        sa.or_(ScoreAdjustment.withdrawn_at.is_(None), ScoreAdjustment.withdrawn_at > as_of),
    )
    queries = {
        "responses": responses.order_by(Response.id),
        "cases": cases.order_by(Case.id),
        "case_events": events.order_by(CaseEvent.id),
        "assessments": entries.order_by(AssessmentEntry.id),
        "dossiers": dossiers.order_by(DossierCount.id),
        "adjustments": lines.order_by(ScoreAdjustment.id),
    }
    return {name: _digest(db.session.execute(query)) for name, query in queries.items()}


def review_of(period: CompetitionPeriod, stage: str) -> FrozenReview | None:
    return db.session.scalar(
        sa.select(FrozenReview).where(FrozenReview.period_id == period.id, FrozenReview.stage == stage)
    )


def freeze(actor: Actor, period: CompetitionPeriod, stage: str) -> FrozenReview:
    """Store the sheet as it stands now; later answers, cases and figures never change it."""
    if stage not in STAGES:
        raise ValidationFailed(_l("Giai đoạn không hợp lệ."), {"stage": "so_ket or tong_ket"})
    if review_of(period, stage) is not None:
        raise Conflict(_l("Giai đoạn này đã được chốt."), {"stage": "already frozen"})
    now = utcnow()
    config = live_config(period, stage)
    first, last = stage_range(period, stage)
    rows = compute(period.id, config, now)
    review = FrozenReview(
        period_id=period.id,
        stage=stage,
        first=first,
        last=last,
        frozen_at=now,
        frozen_by_id=actor.user.id if actor.user else None,
        config=config,
        fingerprint=fingerprint(period.id, first, last, now),
        sheet=[row.as_dict() for row in rows],
    )
    db.session.add(review)
    db.session.flush()
    audit.record(actor, "review.freeze", f"{period.code} {stage}", {"units": len(rows), "first": first, "last": last})
    return review


def _compare_rows(stored: dict, fresh: dict) -> list[str]:
    differences = []
    unit = stored["unit"]
    for key in ("score", "bonus", "penalty", "responses", "index", "ranked", "rank", "class"):
        if not _same(stored.get(key), fresh.get(key)):
            differences.append(f"{unit} {key}: {stored.get(key)!r} → {fresh.get(key)!r}")
    for item, figure in stored["items"].items():
        other = fresh["items"].get(item, {})
        for key in ("points", "value", "source"):
            if not _same(figure.get(key), other.get(key)):
                differences.append(f"{unit} item {item} {key}: {figure.get(key)!r} → {other.get(key)!r}")
    return differences


def _same(a, b) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return abs(a - b) <= TOLERANCE
    return a == b


def verify(review: FrozenReview) -> list[str]:
    """Recompute the review from the raw data with its own configuration, as of its freezing;
    every difference in the data behind it or in a figure, one line each (empty: it holds)."""
    differences = []
    now_print = fingerprint(review.period_id, review.first, review.last, review.frozen_at)
    for name, stored in review.fingerprint.items():
        if now_print.get(name) != stored:
            differences.append(
                f"data {name}: {stored['rows']} rows then, {now_print.get(name, {}).get('rows')} now"
                + ("" if now_print.get(name, {}).get("rows") != stored["rows"] else " (changed)")
            )
    fresh = {row.unit: row.as_dict() for row in compute(review.period_id, review.config, review.frozen_at)}
    for stored in review.sheet:
        if stored["unit"] not in fresh:
            differences.append(f"{stored['unit']}: no longer computed")
            continue
        differences.extend(_compare_rows(stored, fresh[stored["unit"]]))
    return differences


def set_published(actor: Actor, review: FrozenReview, published: bool) -> FrozenReview:
    before = review.published_at is not None
    review.published_at = utcnow() if published else None
    db.session.flush()
    audit.record(
        actor,
        "review.publish" if published else "review.unpublish",
        f"{review.period.code} {review.stage}",
        {"published": [before, published]},
    )
    return review


def decide(
    actor: Actor, review: FrozenReview, unit: Unit, decision: str | None, reason: str = ""
) -> ReviewDecision | None:
    """From a frozen tổng kết: propose a unit for an award, or to be criticised, with the reason;
    None withdraws the decision."""
    if review.stage != "tong_ket":
        raise Conflict(_l("Chỉ đề xuất khen thưởng, phê bình từ kết quả tổng kết."), {"stage": "tong_ket only"})
    if unit.code not in {row["unit"] for row in review.sheet}:
        raise NotFound(_l("Đơn vị không có trong kết quả này."), {"unit": "not in the review"})
    reason = clean_text(reason or "").strip()
    existing = db.session.scalar(
        sa.select(ReviewDecision).where(ReviewDecision.review_id == review.id, ReviewDecision.unit_id == unit.id)
    )
    target = f"{review.period.code} {review.stage} {unit.code}"
    if decision is None:
        if existing is not None:
            db.session.delete(existing)
            db.session.flush()
            audit.record(actor, "review.decision_withdraw", target, {"decision": existing.decision})
        return None
    fields: dict[str, str] = {}
    if decision not in DECISIONS:
        fields["decision"] = f"one of {', '.join(DECISIONS)}"
    if not reason or len(reason) > REASON_LENGTH:
        fields["reason"] = f"a reason of 1 to {REASON_LENGTH} characters"
    if fields:
        raise ValidationFailed(_l("Đề xuất không hợp lệ."), fields)
    row = existing or ReviewDecision(review_id=review.id, unit_id=unit.id)
    before = {"decision": existing.decision, "reason": existing.reason} if existing else {}
    row.decision, row.reason, row.user_id, row.at = decision, reason, actor.user.id if actor.user else None, utcnow()
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "review.decision", target, audit.diff(before, {"decision": decision, "reason": reason}))
    return row
