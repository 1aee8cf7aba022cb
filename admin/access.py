"""Who is calling and what they may see: the one access decorator of the admin pages, the admin
API's sign-in, and the look-ups that answer another unit's object with 404."""

from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from admin.forms import ActionForm
from core.audit import Actor
from core.extensions import db
from core.http import bearer_token
from core.models import KioskDevice, Point, Unit, User
from core.org.accounts import user_for_api_token
from core.org.units import can_see, visible_unit_ids

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


def _enter(user: User) -> None:
    """The caller of this request: g.user, its scope (THE scope function) and its actor."""
    g.user = user
    g.scope = visible_unit_ids(user)
    g.actor = Actor(user=user)


def access(level: str):
    """Sign-in, forced password change, role, and the unit scope (g.user, g.scope, g.actor) in one place."""
    roles = LEVELS[level]

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("admin.login", next=request.full_path if request.method == "GET" else None))
            user = current_user._get_current_object()
            if user.must_change_password and request.endpoint not in PASSWORD_FREE_ENDPOINTS:
                return redirect(url_for("admin.change_password"))
            if user.role not in roles:
                abort(403)
            _enter(user)
            return view(*args, **kwargs)

        wrapper.access_level = level
        return wrapper

    return decorator


def api_caller() -> User | None:
    token = bearer_token()
    if token is not None:
        return user_for_api_token(token)
    if current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def api_login_required(view):
    """Admin API: a session or `Authorization: Bearer <api token>`; sets g.user, g.scope, g.actor."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        user = api_caller()
        if user is None:
            abort(401)
        _enter(user)
        return view(*args, **kwargs)

    return wrapper


def require_scope(unit_id: int | None) -> None:
    """Another unit's object is answered as if it did not exist."""
    if not can_see(g.scope, unit_id):
        abort(404)


def get_or_404(model, object_id: int):
    row = db.session.get(model, object_id)
    if row is None:
        abort(404)
    return row


def point_or_404(point_id: int) -> Point:
    point = get_or_404(Point, point_id)
    require_scope(point.unit_id)
    return point


def device_or_404(device_id: int) -> KioskDevice:
    device = get_or_404(KioskDevice, device_id)
    require_scope(device.point.unit_id)
    return device


def scoped_units() -> list[Unit]:
    """The units of the caller's scope, by code (the choices of a unit field)."""
    query = sa.select(Unit).order_by(Unit.code)
    if g.scope is not None:
        query = query.where(Unit.id.in_(g.scope))
    return list(db.session.scalars(query))


def posted_action() -> None:
    """An action-only POST (rotate, revoke, activate, sign out): its form must validate (CSRF)."""
    if not ActionForm().validate_on_submit():
        abort(400)
