"""Kiosk devices: one-time pairing codes, device tokens, revocation. Shared by the kiosk door
(pairing, device API) and the admin door (codes, rename, revoke)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from core.extensions import db
from core.models import KioskDevice, PairingCode, Point, User
from core.org.accounts import new_secret, token_digest
from core.timeutil import utcnow

# Unambiguous letters and digits, so staff can read a code aloud or type it.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Paired:
    device: KioskDevice
    token: str


def create_pairing_code(point: Point, user: User | None = None) -> str:
    """A 10-character one-time code (50 bits), valid PAIRING_CODE_MINUTES; only its hash is kept."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    minutes = current_app.config["PAIRING_CODE_MINUTES"]
    db.session.add(
        PairingCode(
            point_id=point.id,
            code_hash=token_digest(code),
            expires_at=utcnow() + timedelta(minutes=minutes),
            created_by_id=user.id if user else None,
        )
    )
    db.session.commit()
    return code


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def pair_device(code: str, name: str = "") -> Paired | None:
    """Spend a pairing code; None when it is unknown, used or expired. A race spends it once."""
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
        db.session.rollback()
        return None
    token = new_secret("kiosk_")
    device = KioskDevice(point_id=row.point_id, token_hash=token_digest(token), name=name[:120], last_seen_at=now)
    db.session.add(device)
    db.session.commit()
    return Paired(device, token)


def device_for_token(token: str | None) -> KioskDevice | None:
    if not token:
        return None
    device = db.session.scalar(sa.select(KioskDevice).where(KioskDevice.token_hash == token_digest(token)))
    if device is None or device.revoked_at is not None:
        return None
    return device


def revoke_device(device: KioskDevice) -> None:
    device.revoked_at = utcnow()
    db.session.commit()
