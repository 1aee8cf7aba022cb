"""Kiosk devices: one-time pairing codes, device tokens, heartbeats, renaming and revocation.
Shared by the kiosk door (pairing, device API) and the admin door (codes, rename, revoke)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from core import audit
from core.audit import Actor
from core.driver_sql import DriverStatement
from core.errors import ValidationFailed
from core.extensions import db
from core.models import KioskDevice, PairingCode, Point, Survey
from core.org.accounts import new_secret, token_digest
from core.org.points import PointRef
from core.org.units import require_visible
from core.ratings.alerts import RULES_STAMP
from core.ratings.surveys import ACTIVE_ID
from core.timeutil import utcnow

# Unambiguous letters and digits, so staff can read a code aloud or type it.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
NAME_LENGTH = KioskDevice.__table__.c.name.type.length
VERSION_LENGTH = KioskDevice.__table__.c.app_version.type.length
REASON_LENGTH = KioskDevice.__table__.c.rejected_reason.type.length
MAX_COUNT = 1_000_000


@dataclass(frozen=True)
class Paired:
    device: KioskDevice
    token: str


def create_pairing_code(actor: Actor, point: Point) -> str:
    """A 10-character one-time code (50 bits), valid PAIRING_CODE_MINUTES; only its hash is kept."""
    require_visible(actor, point.unit_id)
    if not point.active:
        raise ValidationFailed(_l("Điểm tiếp nhận này đã ngừng hoạt động."), {"point": "inactive"})
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    minutes = current_app.config["PAIRING_CODE_MINUTES"]
    db.session.add(
        PairingCode(
            point_id=point.id,
            code_hash=token_digest(code),
            expires_at=utcnow() + timedelta(minutes=minutes),
            created_by_id=actor.user.id if actor.user else None,
        )
    )
    db.session.flush()
    audit.record(actor, "device.pairing_code", point.code, {"minutes": minutes})
    return code


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isascii() and ch.isalnum())


def pair_device(code: str, name: str = "") -> Paired | None:
    """Spend a pairing code; None when it is unknown, used or expired. A race spends it once."""
    if len(name) > NAME_LENGTH:
        raise ValidationFailed(_l("Tên máy quá dài."), {"name": f"at most {NAME_LENGTH} characters"})
    now = utcnow()
    row = db.session.scalar(sa.select(PairingCode).where(PairingCode.code_hash == token_digest(normalise_code(code))))
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    spent = db.session.execute(
        sa.update(PairingCode)
        .where(PairingCode.id == row.id, PairingCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        return None
    token = new_secret("kiosk_")
    device = KioskDevice(point_id=row.point_id, token_hash=token_digest(token), name=name, last_seen_at=now)
    db.session.add(device)
    db.session.flush()
    audit.record(Actor(device=device), "device.pair", row.point.code, {"device": device.id, "name": name})
    return Paired(device, token)


def device_for_token(token: str | None) -> KioskDevice | None:
    if not token:
        return None
    device = db.session.scalar(sa.select(KioskDevice).where(KioskDevice.token_hash == token_digest(token)))
    if device is None or device.revoked_at is not None:
        return None
    return device


def _live_device_with(*columns) -> sa.Select:
    """A live device by its token's digest: `columns` (of the device and its point), then the active
    survey version's key and the alert rules' fingerprint."""
    return (
        sa.select(*columns, Survey.id, Survey.created_at, RULES_STAMP)
        .join(Point, KioskDevice.point_id == Point.id)
        .outerjoin(Survey, Survey.id == ACTIVE_ID)
        .where(KioskDevice.token_hash == sa.bindparam("token_hash"), KioskDevice.revoked_at.is_(None))
    )


# Built once: every kiosk request runs it.
_DEVICE_CONTEXT = _live_device_with(KioskDevice, Point)


@dataclass(frozen=True)
class DeviceContext:
    """What a kiosk request needs before it starts: the live device, its point (loaded, so
    `device.point` reads no more), and the key of the active survey version (None: none active)."""

    device: KioskDevice | DeviceRef
    # Held here: the session's identity map keeps objects only while something refers to them.
    point: Point | PointRef
    survey_id: int | None
    survey_created_at: datetime | None
    # The alert rules' fingerprint (core.ratings.alerts.RULES_STAMP), for the write path.
    rules_stamp: str


@dataclass(frozen=True)
class DeviceRef:
    """A live device known by its id: all an answer's write needs of it."""

    id: int


# Run on the driver (core.driver_sql): every kiosk answer starts with it.
_ANSWER_CONTEXT = DriverStatement(_live_device_with(KioskDevice.id, Point.id, Point.unit_id))


def answer_context(token: str | None) -> DeviceContext | None:
    """`device_context` for storing an answer: the same query, without loading the device and its
    point as ORM objects (`DeviceRef`, `PointRef`): an answer needs their keys only."""
    if not token:
        return None
    row = _ANSWER_CONTEXT.first({"token_hash": token_digest(token)})
    if row is None:
        return None
    device_id, point_id, unit_id, survey_id, created_at, stamp = row
    return DeviceContext(DeviceRef(device_id), PointRef(point_id, unit_id), survey_id, created_at, stamp)


def device_context(token: str | None) -> DeviceContext | None:
    """`device_for_token` with its point, the active survey version's key and the alert rules'
    fingerprint, in one query."""
    if not token:
        return None
    row = db.session.execute(_DEVICE_CONTEXT, {"token_hash": token_digest(token)}).first()
    return DeviceContext(*row) if row is not None else None


def record_heartbeat(
    device: KioskDevice, *, version: str | None, queue: int, rejected: int = 0, rejected_reason: str | None = None
) -> None:
    """What the tablet says of itself. Telemetry, not a management change: it is not audited."""
    fields: dict[str, str] = {}
    if version is not None and len(version) > VERSION_LENGTH:
        fields["version"] = f"a string of at most {VERSION_LENGTH} characters"
    for name, value in (("queue", queue), ("rejected", rejected)):
        if not 0 <= value <= MAX_COUNT:
            fields[name] = f"an integer from 0 to {MAX_COUNT}"
    if rejected_reason is not None and len(rejected_reason) > REASON_LENGTH:
        fields["rejected_reason"] = f"a string of at most {REASON_LENGTH} characters"
    if fields:
        raise ValidationFailed(_l("Dữ liệu nhịp kết nối không hợp lệ."), fields)
    device.last_seen_at = utcnow()
    if version is not None:
        device.app_version = version
    device.queue_length = queue
    device.rejected_count = rejected
    device.rejected_reason = (rejected_reason or None) if rejected else None


def rename_device(actor: Actor, device: KioskDevice, name: str) -> KioskDevice:
    require_visible(actor, device.point.unit_id)
    if len(name) > NAME_LENGTH:
        raise ValidationFailed(_l("Tên máy quá dài."), {"name": f"at most {NAME_LENGTH} characters"})
    before = device.name
    device.name = name
    db.session.flush()
    audit.record(actor, "device.rename", f"device {device.id}", {"name": [before, name]})
    return device


def revoke_device(actor: Actor, device: KioskDevice) -> bool:
    """Stop a tablet's token; False when it was already revoked (nothing changes)."""
    require_visible(actor, device.point.unit_id)
    if device.revoked_at is not None:
        return False
    device.revoked_at = utcnow()
    db.session.flush()
    audit.record(actor, "device.revoke", f"device {device.id}", {"point": device.point.code, "name": device.name})
    return True
