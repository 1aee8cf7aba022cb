"""Accounts: users, passwords, API tokens and sign-in. Tokens and passwords are stored hashed."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from core import audit
from core.audit import Actor
from core.errors import Forbidden, ValidationFailed
from core.extensions import db, login_manager
from core.models import ROLES, ApiToken, User
from core.org.units import require_visible, unit_by_code, visible_unit_ids
from core.timeutil import utcnow

MIN_PASSWORD = 8
MAX_PASSWORD = 256
USERNAME_LENGTH = User.__table__.c.username.type.length
TOKEN_NAME_LENGTH = ApiToken.__table__.c.name.type.length
EMAIL_LENGTH = User.__table__.c.email.type.length
# Enough to catch a typing slip; the mail server is the judge of the rest.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Reading with a token must not write on every call: its last use is kept to the hour.
TOKEN_USE_RESOLUTION = timedelta(hours=1)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_secret(prefix: str = "") -> str:
    """A random URL-safe secret of 256 bits."""
    return prefix + secrets.token_urlsafe(32)


def generated_password() -> str:
    """A temporary password, shown once; the account must choose its own at the next sign-in."""
    return secrets.token_urlsafe(12)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit() or len(user_id) > 10:
        return None
    return db.session.get(User, int(user_id))


def password_problem(password: str | None) -> str | None:
    """The password policy, in one place: None when the password is acceptable."""
    if len(password or "") < MIN_PASSWORD:
        return f"at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"at most {MAX_PASSWORD} characters"
    return None


def roles_granted_by(actor: Actor) -> tuple[str, ...]:
    """Roles an actor may give: the office and the command line any, a unit manager viewers."""
    if actor.user is None or actor.user.role == "province_admin":
        return ROLES
    if actor.user.role == "unit_manager":
        return ("viewer",)
    return ()


def may_manage(actor: Actor, user: User) -> bool:
    """Province office: every other account. Unit manager: viewers of its own subtree."""
    if actor.user is None:
        return True
    if user.id == actor.user.id:
        return False
    if actor.user.role == "province_admin":
        return True
    scope = visible_unit_ids(actor.user)
    return (
        actor.user.role == "unit_manager"
        and user.role == "viewer"
        and user.unit_id is not None
        and scope is not None
        and user.unit_id in scope
    )


def email_problem(email: str | None) -> str | None:
    if email and (len(email) > EMAIL_LENGTH or not EMAIL_PATTERN.match(email)):
        return f"an e-mail address of at most {EMAIL_LENGTH} characters"
    return None


def create_user(
    actor: Actor,
    username: str,
    role: str,
    password: str,
    unit_code: str | None = None,
    *,
    temporary: bool = False,
    email: str | None = None,
) -> User:
    """Create an account. `temporary`: a generated password the user must change at sign-in.
    `email`: where the unit's notifications reach a manager."""
    fields: dict[str, str] = {}
    email = (email or "").strip() or None
    if email_problem(email):
        fields["email"] = email_problem(email)
    username = (username or "").strip()
    if not username or len(username) > USERNAME_LENGTH:
        fields["username"] = f"1 to {USERNAME_LENGTH} characters"
    elif db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        fields["username"] = "already taken"
    if role not in roles_granted_by(actor):
        fields["role"] = f"one of {', '.join(roles_granted_by(actor))}"
    unit = None
    if unit_code:
        unit = unit_by_code(unit_code)
        if unit is None:
            fields["unit"] = f"unknown unit {unit_code}"
    elif role in ("unit_manager", "viewer") or (actor.user is not None and actor.user.role != "province_admin"):
        fields["unit"] = "required for this role"
    problem = password_problem(password)
    if problem:
        fields["password"] = problem
    if fields:
        raise ValidationFailed(_l("Không tạo được tài khoản."), fields)
    if unit is not None:
        require_visible(actor, unit.id)
    user = User(
        username=username, role=role, unit_id=unit.id if unit else None, must_change_password=temporary, email=email
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(
        actor, "user.create", user.username, {"role": role, "unit": unit.code if unit else None, "email": email}
    )
    return user


def set_user_email(actor: Actor, user: User, email: str | None) -> User:
    """Change where notifications reach an account: one the actor manages, or its own."""
    if actor.user is None or user.id != actor.user.id:
        require_manageable(actor, user)
    email = (email or "").strip() or None
    if email_problem(email):
        raise ValidationFailed(_l("Địa chỉ thư điện tử không hợp lệ."), {"email": email_problem(email)})
    before = user.email
    user.email = email
    db.session.flush()
    audit.record(actor, "user.email", user.username, {"email": [before, email]})
    return user


def require_manageable(actor: Actor, user: User) -> None:
    """Another unit's account does not exist for the actor (404); one it sees but may not manage
    (itself, a fellow manager) is refused (403)."""
    if actor.user is not None and user.id != actor.user.id:
        require_visible(actor, user.unit_id)
    if not may_manage(actor, user):
        raise Forbidden(_l("Bạn không được quản lý tài khoản này."), {"user": "not manageable by the caller"})


def reset_password(actor: Actor, user: User) -> str:
    """Give the account a generated password it must replace at the next sign-in; returns it."""
    require_manageable(actor, user)
    password = generated_password()
    user.set_password(password)
    user.must_change_password = True
    db.session.flush()
    audit.record(actor, "user.reset_password", user.username)
    return password


def set_user_active(actor: Actor, user: User, active: bool) -> User:
    """Disable or enable an account; a disabled account's API tokens stop at once too."""
    require_manageable(actor, user)
    before = user.active
    user.active = active
    db.session.flush()
    audit.record(actor, "user.activate" if active else "user.deactivate", user.username, {"active": [before, active]})
    return user


def change_password(user: User, current: str, new: str) -> None:
    """The user's own change; raises ValidationFailed naming `current` or `new`."""
    if not user.check_password(current or ""):
        raise ValidationFailed(_l("Mật khẩu hiện tại không đúng."), {"current": "wrong password"})
    problem = password_problem(new)
    if problem:
        raise ValidationFailed(_l("Mật khẩu mới không hợp lệ."), {"new": problem})
    if new == current:
        raise ValidationFailed(_l("Mật khẩu mới phải khác mật khẩu hiện tại."), {"new": "same as the current one"})
    user.set_password(new)
    user.must_change_password = False
    db.session.flush()
    audit.record(Actor(user=user), "password.change", user.username)


def authenticate(username: str, password: str) -> User | None:
    """The active user with this name and password, or None."""
    user = db.session.scalar(sa.select(User).where(User.username == (username or "").strip()))
    if user is None or not user.active or not user.check_password(password or ""):
        return None
    return user


def record_login(user: User) -> None:
    audit.record(Actor(user=user), "login", user.username)


def create_api_token(actor: Actor, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Store a new token's hash; returns the row and the token itself, shown once."""
    name = (name or "").strip()
    if len(name) > TOKEN_NAME_LENGTH:
        raise ValidationFailed(_l("Tên mã truy cập quá dài."), {"name": f"at most {TOKEN_NAME_LENGTH} characters"})
    token = new_secret("sat_")
    row = ApiToken(user_id=user.id, token_hash=token_digest(token), name=name or "api")
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "token.create", f"token {row.id}", {"user": user.username, "name": row.name})
    return row, token


def revoke_api_token(actor: Actor, row: ApiToken) -> bool:
    """Revoke a token: the owner's own, or one of an account the actor manages (another unit's
    token does not exist for it). False when it was already revoked (nothing changes)."""
    if actor.user is not None and row.user_id != actor.user.id:
        require_manageable(actor, row.user)
    if row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    db.session.flush()
    audit.record(actor, "token.revoke", f"token {row.id}", {"user": row.user.username, "name": row.name})
    return True


def user_for_api_token(token: str) -> User | None:
    """The active user behind a live token. Records the token's use at most once an hour."""
    row = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == token_digest(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_USE_RESOLUTION:
        row.last_used_at = now
    return row.user
