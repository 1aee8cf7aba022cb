"""Accounts: sign-in, sign-out, password change (forced after a generated password)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from admin import bp
from admin.access import access, posted_action
from admin.forms import LoginForm, PasswordForm
from core.extensions import limiter
from core.org.accounts import authenticate, record_login
from core.org.accounts import change_password as change_own_password


def _username_key() -> str:
    form = LoginForm(meta={"csrf": False})
    return "login-user:" + (form.username.data or "").lower()


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site (never another host) may follow a sign-in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/admin/") or target.startswith("//"):
        return None
    return target


@bp.route("/admin/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@limiter.limit("20 per 10 minutes", key_func=_username_key, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            # Audited first: if that fails, the request fails before the session says "signed in".
            record_login(user)
            target = _safe_next(request.args.get("next"))
            # A new session on sign-in: nothing set before it (a planted value) survives.
            session.clear()
            login_user(user)
            if user.must_change_password:
                return redirect(url_for("admin.change_password"))
            return redirect(target or url_for("admin.index"))
        form.form_errors.append(_("Sai tên đăng nhập hoặc mật khẩu."))
    return render_template("admin/login.html", form=form), form.http_status


@bp.post("/admin/logout")
@access("read")
def logout():
    posted_action()
    logout_user()
    session.clear()
    flash(_("Đã đăng xuất."), "info")
    return redirect(url_for("admin.login"))


@bp.route("/admin/password", methods=["GET", "POST"])
@access("read")
def change_password():
    form = PasswordForm()
    if form.submit(lambda: change_own_password(g.user, form.current.data, form.new.data)):
        flash(_("Đã đổi mật khẩu."), "info")
        return redirect(url_for("admin.index"))
    return render_template("admin/password.html", form=form, forced=g.user.must_change_password), form.http_status
