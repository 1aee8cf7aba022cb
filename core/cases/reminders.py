"""Urging a unit (đôn đốc): the office's reminder goes to the unit's managers through the outbox
and is recorded in the audit log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import audit
from core.audit import Actor
from core.errors import ValidationFailed
from core.inputs import clean_text
from core.models import OutboxEvent, Unit
from core.notify.outbox import emit
from core.org.units import require_visible

NOTE_LENGTH = 2000
REASONS = ("offline_kiosks", "silent_points", "overdue_cases", "low_index", "low_on_time_rate")


def send_reminder(actor: Actor, unit: Unit, *, reasons: list[str], note: str = "") -> OutboxEvent:
    """One reminder event for the unit's managers, naming why it was sent."""
    require_visible(actor, unit.id)
    note = clean_text(note or "").strip()
    fields: dict[str, str] = {}
    unknown = [r for r in reasons if r not in REASONS]
    if not reasons or unknown:
        fields["reasons"] = f"one or more of {', '.join(REASONS)}"
    if len(note) > NOTE_LENGTH:
        fields["note"] = f"at most {NOTE_LENGTH} characters"
    if fields:
        raise ValidationFailed(_l("Không gửi được lời nhắc."), fields)
    sender = actor.user.username if actor.user else "cli"
    event = emit(
        "reminder.sent",
        unit,
        None,
        {"reminder": {"unit": unit.code, "reasons": sorted(set(reasons)), "note": note, "from": sender}},
    )
    audit.record(actor, "unit.remind", unit.code, {"reasons": ", ".join(sorted(set(reasons))), "note": note})
    return event
