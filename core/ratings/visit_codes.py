"""One-time visit codes printed on appointment slips (phiếu hẹn). 80 random bits each; only the
hash is stored, so a database leak cannot be turned into ballots."""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from core import audit
from core.audit import Actor
from core.errors import ValidationFailed
from core.extensions import db
from core.models import Point, VisitCode
from core.org.accounts import token_digest
from core.org.units import require_visible
from core.timeutil import utcnow

CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # 31 symbols, no look-alikes
CODE_LENGTH = 17  # 31**17 ≈ 2**84
MAX_BATCH = 10_000


def create_visit_codes(actor: Actor, point: Point, count: int) -> list[str]:
    require_visible(actor, point.unit_id)
    if not 1 <= count <= MAX_BATCH:
        raise ValidationFailed(_l("Số mã không hợp lệ."), {"count": f"from 1 to {MAX_BATCH}"})
    days = current_app.config["VISIT_CODE_DAYS"]
    expires = utcnow() + timedelta(days=days)
    codes = ["".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(count)]
    db.session.execute(
        sa.insert(VisitCode),
        [{"point_id": point.id, "code_hash": token_digest(code), "expires_at": expires} for code in codes],
    )
    audit.record(actor, "point.visit_codes", point.code, {"count": count, "days": days})
    return codes


def find_visit_code(code: str) -> VisitCode | None:
    """The stored code, used or not; the caller checks `usable`."""
    cleaned = "".join(ch for ch in code.lower() if ch.isascii() and ch.isalnum())
    if not cleaned or len(cleaned) > 64:
        return None
    return db.session.scalar(sa.select(VisitCode).where(VisitCode.code_hash == token_digest(cleaned)))


def usable(code: VisitCode | None) -> bool:
    return code is not None and code.used_at is None and code.expires_at > utcnow()
