"""Users and API tokens: creation, password and token checks. Tokens are stored as SHA-256 only."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa

from core.errors import ValidationFailed
from core.extensions import db, login_manager
from core.models import ROLES, ApiToken, AuditLog, User
from core.org.units import unit_by_code
from core.timeutil import utcnow

MIN_PASSWORD = 8


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_secret(prefix: str = "") -> str:
    """A random URL-safe secret of 256 bits."""
    return prefix + secrets.token_urlsafe(32)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


def create_user(username: str, role: str, password: str, unit_code: str | None = None) -> User:
    fields: dict[str, str] = {}
    username = (username or "").strip()
    if not username or len(username) > 64:
        fields["username"] = "1 to 64 characters"
    elif db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        fields["username"] = "already taken"
    if role not in ROLES:
        fields["role"] = f"one of {', '.join(ROLES)}"
    unit = None
    if unit_code:
        unit = unit_by_code(unit_code)
        if unit is None:
            fields["unit"] = f"unknown unit {unit_code}"
    elif role in ("unit_manager", "viewer"):
        fields["unit"] = "required for this role"
    if len(password or "") < MIN_PASSWORD:
        fields["password"] = f"at least {MIN_PASSWORD} characters"
    if fields:
        raise ValidationFailed("Không tạo được tài khoản.", fields)
    user = User(username=username, role=role, unit_id=unit.id if unit else None)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def create_api_token(user: User, name: str = "") -> str:
    """Store a new token's hash and return the token itself, shown once."""
    token = new_secret("sat_")
    db.session.add(ApiToken(user_id=user.id, token_hash=token_digest(token), name=name))
    db.session.commit()
    return token


def user_for_api_token(token: str) -> User | None:
    row = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == token_digest(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    db.session.commit()
    return row.user


def audit(user: User | None, action: str, target: str = "", details: str = "") -> None:
    """Record a management action; the caller commits with its own change."""
    db.session.add(AuditLog(user_id=user.id if user else None, action=action, target=target, details=details))
