"""Who is calling: a logged-in session or an API bearer token, and what they may see."""

from __future__ import annotations

from functools import wraps

from flask import abort, g, request
from flask_login import current_user

from core.models import User
from core.org.accounts import user_for_api_token
from core.org.units import visible_unit_ids as scope_for


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def api_caller() -> User | None:
    token = bearer_token()
    if token is not None:
        return user_for_api_token(token)
    if current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def api_login_required(view):
    """Admin API: a session or `Authorization: Bearer <api token>`; sets g.user and g.scope."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        user = api_caller()
        if user is None:
            abort(401)
        g.user = user
        g.scope = scope_for(user)
        return view(*args, **kwargs)

    return wrapper


# --- The one access decorator of the admin pages (CTFd style) --------------------------------
# Levels, from widest to narrowest:
#   "read"     any signed-in account: reports of its own unit subtree (viewer, unit manager, office)
#   "manage"   unit managers (their subtree: points, devices, viewers) and the province office
#   "province" the province office only: units, groups, surveys, periods, every user, the audit log
LEVELS = {
    "read": ("province_admin", "unit_manager", "viewer"),
    "manage": ("province_admin", "unit_manager"),
    "province": ("province_admin",),
}
# Pages an account with a generated password may still open before choosing its own.
PASSWORD_FREE_ENDPOINTS = {"admin.change_password", "admin.logout"}


def access(level: str):
    """Sign-in, forced password change, role, and the unit scope (g.user, g.scope) in one place."""
    roles = LEVELS[level]

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            from flask import redirect, url_for

            if not current_user.is_authenticated:
                return redirect(url_for("admin.login", next=request.full_path if request.method == "GET" else None))
            user = current_user._get_current_object()
            if user.must_change_password and request.endpoint not in PASSWORD_FREE_ENDPOINTS:
                return redirect(url_for("admin.change_password"))
            if user.role not in roles:
                abort(403)
            g.user = user
            g.scope = scope_for(user)
            return view(*args, **kwargs)

        wrapper.access_level = level
        return wrapper

    return decorator


def in_scope(unit_id: int | None) -> bool:
    return g.scope is None or unit_id in g.scope


def require_scope(unit_id: int | None) -> None:
    """Another unit's object is answered as if it did not exist."""
    if not in_scope(unit_id):
        abort(404)


def refuse_nul_bytes():
    """PostgreSQL cannot store or compare text holding NUL: refuse it as bad input, not a 500."""
    values = list(request.args.values())
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += list(request.form.values())
    if any("\x00" in value for value in values):
        abort(400)
