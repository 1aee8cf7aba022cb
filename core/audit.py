"""Who did what: the actor of an operation and the audit row every operation adds.

An operation records its row after its change, in the same transaction (see `core.transactions`),
so a change without its audit row, or an audit row without its change, cannot be stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.extensions import db
from core.models import AuditLog, KioskDevice, User


@dataclass(frozen=True)
class Actor:
    """A signed-in user, a kiosk device, or the command line (neither)."""

    user: User | None = None
    device: KioskDevice | None = None

    @classmethod
    def cli(cls) -> Actor:
        return cls()

    @property
    def is_cli(self) -> bool:
        return self.user is None and self.device is None


def _plain(value):
    """A value as JSON can hold it: dates as ISO text, model rows by their code or id."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "code"):
        return value.code
    if isinstance(value, db.Model):
        return getattr(value, "id", None)
    return value


def diff(before: dict, after: dict) -> dict[str, list]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        key: [_plain(before.get(key)), _plain(after[key])]
        for key in after
        if _plain(before.get(key)) != _plain(after[key])
    }


def record(actor: Actor, action: str, target: str, changes: dict | None = None, details: str = "") -> AuditLog:
    """Add the audit row of an operation; flushed so that a failure shows here, not at commit."""
    row = AuditLog(
        user_id=actor.user.id if actor.user else None,
        device_id=actor.device.id if actor.device else None,
        action=action,
        target=target[:255],
        details=details,
        changes={key: _plain(value) if not isinstance(value, list) else value for key, value in (changes or {}).items()}
        or None,
    )
    db.session.add(row)
    db.session.flush()
    return row
