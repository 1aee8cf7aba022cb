"""Who is calling: a logged-in session or an API bearer token, and what they may see."""

from __future__ import annotations

from functools import wraps

from flask import abort, g, request
from flask_login import current_user

from core.accounts import user_for_api_token
from core.models import User
from core.units import scope_for


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
