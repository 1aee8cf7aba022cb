"""Accounts: sign-in, sign-out, password change (forced after a generated password)."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from admin import bp
from admin.auth import access
from core.extensions import db, limiter
from core.models import User
from core.org.accounts import MIN_PASSWORD
from core.org.accounts import legacy_audit as audit


class LoginForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(), Length(max=256)])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(), Length(max=256)])
    new = PasswordField(
        _l("Mật khẩu mới"),
        validators=[
            DataRequired(),
            Length(min=MIN_PASSWORD, max=256, message=_l("Mật khẩu mới cần ít nhất %(n)s ký tự.", n=MIN_PASSWORD)),
        ],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[DataRequired(), EqualTo("new", message=_l("Hai lần nhập mật khẩu mới không khớp."))],
    )


def _username_key() -> str:
    return "login-user:" + (request.form.get("username") or "").strip().lower()


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
        user = db.session.scalar(sa.select(User).where(User.username == form.username.data.strip()))
        if user is not None and user.active and user.check_password(form.password.data):
            target = _safe_next(request.args.get("next"))
            # A new session on sign-in: nothing set before it (a planted value) survives.
            session.clear()
            login_user(user)
            audit(user, "login", user.username)
            db.session.commit()
            if user.must_change_password:
                return redirect(url_for("admin.change_password"))
            return redirect(target or url_for("admin.index"))
        flash(_("Sai tên đăng nhập hoặc mật khẩu."), "error")
    return render_template("admin/login.html", form=form)


@bp.post("/admin/logout")
@access("read")
def logout():
    logout_user()
    session.clear()
    flash(_("Đã đăng xuất."), "info")
    return redirect(url_for("admin.login"))


@bp.route("/admin/password", methods=["GET", "POST"])
@access("read")
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        user = g.user
        if not user.check_password(form.current.data):
            form.current.errors.append(_("Mật khẩu hiện tại không đúng."))
        elif form.new.data == form.current.data:
            form.new.errors.append(_("Mật khẩu mới phải khác mật khẩu hiện tại."))
        else:
            user.set_password(form.new.data)
            user.must_change_password = False
            audit(user, "password.change", user.username)
            db.session.commit()
            flash(_("Đã đổi mật khẩu."), "info")
            return redirect(url_for("admin.index"))
    return render_template("admin/password.html", form=form, forced=g.user.must_change_password)
