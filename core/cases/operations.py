"""Opening cases and moving them through their states.

| from                          | to        | needs                                   |
|-------------------------------|-----------|-----------------------------------------|
| new                           | assigned  | an assignee                             |
| new, assigned, reopened       | answered  | the answer (and how the citizen was told, when given) |
| answered                      | closed    |                                         |
| new, assigned, reopened       | dismissed | a reason (spam, no content)             |
| answered, closed              | reopened  | (then handled like assigned)            |

Any other transition is refused (409). Every change is audited and written in the case's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from core import audit
from core.audit import Actor
from core.cases.calendar import due_date
from core.errors import Conflict, ValidationFailed
from core.extensions import db
from core.inputs import clean_text
from core.models import CASE_KINDS, CASE_STATUSES, CONTACT_METHODS, MANUAL_CHANNELS, Case, CaseEvent
from core.notify.outbox import emit
from core.org.units import require_visible
from core.ratings.stored import StoredAnswer
from core.timeutil import LOCAL_TZ, local_today, utcnow

TRANSITIONS: dict[str, set[str]] = {
    "assigned": {"new"},
    "answered": {"new", "assigned", "reopened"},
    "closed": {"answered"},
    "dismissed": {"new", "assigned", "reopened"},
    "reopened": {"answered", "closed"},
}
OPEN_STATUSES = ("new", "assigned", "reopened")
ANSWER_LENGTH = 5000
REASON_LENGTH = Case.__table__.c.dismissed_reason.type.length
ASSIGNEE_LENGTH = Case.__table__.c.assignee.type.length
SOURCE_OF_CHANNEL = {"kiosk": "kiosk", "qr": "qr", "visit": "qr"}


def needs_case(facts: StoredAnswer) -> bool:
    """A low score with a comment, or contact details left for a reply. Double taps (misuse) never."""
    if facts.flag == "misuse":
        return False
    low = int(current_app.config["KIOSK_LOW_SCORE"])
    low_with_comment = bool(facts.comment) and any(score <= low for score in facts.scores.values())
    return low_with_comment or bool(facts.contact)


def case_json(case: Case) -> dict:
    """A case as the API and the webhook show it (no contact details: those stay in the admin area)."""
    return {
        "id": case.id,
        "unit": case.unit.code,
        "point": case.point.code if case.point else None,
        "source": case.source,
        "status": case.status,
        "received_at": case.received_at.isoformat(),
        "due": case.due.isoformat(),
        "overdue": is_overdue(case),
        "answered_at": case.answered_at.isoformat() if case.answered_at else None,
        "on_time": on_time(case),
    }


def is_overdue(case: Case, today=None) -> bool:
    """Still waiting for its answer after its deadline (local date)."""
    return case.status in OPEN_STATUSES and (today or local_today()) > case.due


def on_time(case: Case) -> bool | None:
    """Whether the (latest) answer came by the deadline; None while the case waits or was dismissed."""
    if case.status not in ("answered", "closed"):
        return None
    return case.answered_on_time


def _history(case: Case, actor: Actor, before: str | None, note: str = "", at=None) -> None:
    """One step of the history; `at` is the moment the step's figures (answered on time?) used, so
    a review recomputed from the history agrees with them to the microsecond."""
    case.events.append(
        CaseEvent(
            user_id=actor.user.id if actor.user else None,
            from_status=before,
            to_status=case.status,
            note=note,
            at=at or utcnow(),
        )
    )


def open_for_response(facts: StoredAnswer) -> Case | None:
    """The case an answer opens, in the answer's transaction (None when it needs none)."""
    if not needs_case(facts):
        return None
    point = facts.point
    case = Case(
        unit_id=point.unit_id,
        point_id=point.id,
        response_id=facts.id,
        source=SOURCE_OF_CHANNEL[facts.channel],
        kind="feedback",
        status="new",
        received_at=facts.answered_at,
        due=due_date("feedback", facts.answered_at),
        content=facts.comment or "",
    )
    if facts.contact:
        case.contact_name = facts.contact.get("name")
        case.contact_phone = facts.contact.get("phone")
        case.contact_consent_at = utcnow()
        case.contact_consent_text = facts.consent_text
    db.session.add(case)
    # The first step needs no note: its source (an answer, staff) says how the case came.
    _history(case, Actor(), None)
    db.session.flush()
    audit.record(Actor(), "case.open", f"case {case.id}", {"source": case.source, "due": case.due})
    emit("case.opened", point.unit, point, {"case": case_json(case)})
    return case


@dataclass(frozen=True)
class ManualCase:
    unit_code: str
    content: str
    channel: str
    received_on: datetime
    kind: str = "feedback"
    point_code: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    consent_text: str | None = None


def _manual_problems(spec: ManualCase) -> dict[str, str]:
    fields: dict[str, str] = {}
    if not clean_text(spec.content or "").strip():
        fields["content"] = "required"
    if spec.channel not in MANUAL_CHANNELS:
        fields["channel"] = f"one of {', '.join(MANUAL_CHANNELS)}"
    if spec.kind not in CASE_KINDS:
        fields["kind"] = f"one of {', '.join(CASE_KINDS)}"
    if spec.received_on > utcnow():
        fields["received_on"] = "not in the future"
    if (spec.contact_name or spec.contact_phone or spec.contact_email) and not spec.consent_text:
        fields["consent"] = "contact details need the citizen's consent"
    return fields


def record_manual(actor: Actor, spec: ManualCase) -> Case:
    """Feedback received on paper, by phone, by e-mail or at a reception session (source manual)."""
    from core.org.points import point_by_code
    from core.org.units import unit_by_code

    fields = _manual_problems(spec)
    unit = unit_by_code(spec.unit_code or "")
    point = point_by_code(spec.point_code) if spec.point_code else None
    if unit is None:
        fields["unit"] = "unknown unit"
    if spec.point_code and (point is None or unit is None or point.unit_id != unit.id):
        fields["point"] = "a point of the unit"
    if fields:
        raise ValidationFailed(_l("Không ghi nhận được phản ánh."), fields)
    require_visible(actor, unit.id)
    case = Case(
        unit_id=unit.id,
        point_id=point.id if point else None,
        source="manual",
        channel=spec.channel,
        kind=spec.kind,
        status="new",
        received_at=spec.received_on,
        due=due_date(spec.kind, spec.received_on),
        content=clean_text(spec.content).strip(),
        contact_name=spec.contact_name or None,
        contact_phone=spec.contact_phone or None,
        contact_email=spec.contact_email or None,
    )
    if spec.consent_text:
        case.contact_consent_at = utcnow()
        case.contact_consent_text = spec.consent_text
    db.session.add(case)
    _history(case, actor, None)
    db.session.flush()
    audit.record(actor, "case.record", f"case {case.id}", {"unit": unit.code, "channel": spec.channel, "due": case.due})
    emit("case.opened", unit, point, {"case": case_json(case)})
    return case


@dataclass(frozen=True)
class Move:
    status: str
    answer: str | None = None
    contact_method: str | None = None
    assignee: str | None = None
    reason: str | None = None


def _check_move(case: Case, move: Move) -> None:
    if move.status not in CASE_STATUSES or move.status == "new":
        raise ValidationFailed(_l("Trạng thái không hợp lệ."), {"status": f"one of {', '.join(TRANSITIONS)}"})
    if case.status not in TRANSITIONS[move.status]:
        raise Conflict(
            _l("Không thể chuyển phản ánh sang trạng thái này."),
            {"status": f"{case.status} -> {move.status} is not allowed"},
        )
    fields: dict[str, str] = {}
    needed = {"assigned": ("assignee", ASSIGNEE_LENGTH), "answered": ("answer", ANSWER_LENGTH)}
    needed["dismissed"] = ("reason", REASON_LENGTH)
    if move.status in needed:
        name, limit = needed[move.status]
        value = getattr(move, name)
        if not value:
            fields[name] = "required for this status"
        elif len(value) > limit:
            fields[name] = f"at most {limit} characters"
    if move.contact_method is not None and move.contact_method not in CONTACT_METHODS:
        fields["contact_method"] = f"one of {', '.join(CONTACT_METHODS)}"
    if fields:
        raise ValidationFailed(_l("Thiếu hoặc sai thông tin để chuyển trạng thái."), fields)


def _clean(move: Move) -> Move:
    def text(value):
        return clean_text(value).strip() or None if isinstance(value, str) else value

    return Move(move.status, text(move.answer), text(move.contact_method), text(move.assignee), text(move.reason))


def transition(actor: Actor, case: Case, move: Move) -> Case:
    """Move a case; ValidationFailed (422), Conflict (409), or NotFound for another unit's case."""
    require_visible(actor, case.unit_id)
    move = _clean(move)
    _check_move(case, move)
    before = case.status
    now = utcnow()
    case.status = move.status
    note = ""
    if move.status == "assigned":
        case.assignee, note = move.assignee, move.assignee
    elif move.status == "answered":
        case.answer, case.answered_at = move.answer, now
        case.answered_on_time = now.astimezone(LOCAL_TZ).date() <= case.due
        case.contact_method = move.contact_method or case.contact_method
        note = move.answer
    elif move.status == "dismissed":
        case.dismissed_reason, note = move.reason, move.reason
    elif move.status == "closed":
        case.closed_at = now
    elif move.status == "reopened":
        case.closed_at = None
    _history(case, actor, before, note or "", at=now)
    db.session.flush()
    changes = {"status": [before, case.status]}
    if move.assignee:
        changes["assignee"] = move.assignee
    audit.record(actor, f"case.{move.status}", f"case {case.id}", changes)
    return case


def overdue_open_cases(today=None) -> list[Case]:
    today = today or local_today()
    return list(
        db.session.scalars(
            sa.select(Case).where(Case.status.in_(OPEN_STATUSES), Case.due < today, Case.overdue_notified_at.is_(None))
        )
    )


def announce_overdue(today=None) -> int:
    """One `case.overdue` event per case that passed its deadline unanswered (once per case)."""
    cases = overdue_open_cases(today)
    for case in cases:
        case.overdue_notified_at = utcnow()
        emit("case.overdue", case.unit, case.point, {"case": case_json(case)})
    if cases:
        audit.record(Actor(), "case.overdue_notice", "cases", {"cases": [c.id for c in cases]})
    return len(cases)
