"""Competition periods (đợt thi đua) and their milestones (sơ kết, tổng kết)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from core import audit
from core.audit import Actor
from core.competition.memberships import snapshot
from core.errors import ValidationFailed
from core.extensions import db
from core.models import CompetitionPeriod, Milestone

MILESTONE_KINDS = ("so_ket", "tong_ket", "other")
CODE_LENGTH = CompetitionPeriod.__table__.c.code.type.length
NAME_LENGTH = CompetitionPeriod.__table__.c.name.type.length


def period_by_code(code: str) -> CompetitionPeriod | None:
    return db.session.scalar(sa.select(CompetitionPeriod).where(CompetitionPeriod.code == code))


def create_period(actor: Actor, *, code: str, name: str, start: date | None, end: date | None) -> CompetitionPeriod:
    fields: dict[str, str] = {}
    if not code or len(code) > CODE_LENGTH:
        fields["code"] = f"1 to {CODE_LENGTH} characters"
    elif period_by_code(code) is not None:
        fields["code"] = "already exists"
    if not name or len(name) > NAME_LENGTH:
        fields["name"] = f"1 to {NAME_LENGTH} characters"
    if start is None:
        fields["start_date"] = "required"
    if end is None:
        fields["end_date"] = "required"
    elif start is not None and start > end:
        fields["end_date"] = "must not be before the start"
    if fields:
        raise ValidationFailed(_l("Không tạo được đợt thi đua."), fields)
    period = CompetitionPeriod(code=code, name=name, start_date=start, end_date=end)
    db.session.add(period)
    db.session.flush()
    snapshot(period)
    audit.record(actor, "period.create", code, {"name": name, "start_date": start, "end_date": end})
    return period


def add_milestone(actor: Actor, period: CompetitionPeriod, *, kind: str, name: str, due: date | None) -> Milestone:
    fields: dict[str, str] = {}
    if kind not in MILESTONE_KINDS:
        fields["kind"] = f"one of {', '.join(MILESTONE_KINDS)}"
    if not name or len(name) > NAME_LENGTH:
        fields["name"] = f"1 to {NAME_LENGTH} characters"
    if due is None:
        fields["due_date"] = "required"
    if fields:
        raise ValidationFailed(_l("Không thêm được mốc."), fields)
    milestone = Milestone(kind=kind, name=name, due_date=due)
    period.milestones.append(milestone)
    db.session.flush()
    audit.record(actor, "milestone.create", period.code, {"kind": kind, "name": name, "due_date": due})
    return milestone


def delete_milestone(actor: Actor, milestone: Milestone) -> None:
    period_code = milestone.period.code
    gone = {"kind": milestone.kind, "name": milestone.name, "due_date": milestone.due_date}
    db.session.delete(milestone)
    db.session.flush()
    audit.record(actor, "milestone.delete", period_code, gone)
