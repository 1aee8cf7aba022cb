"""Admin pages: sign-in and the landing page (management and reports arrive with their issue)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from admin import bp
from core.extensions import db, limiter
from core.models import User


class LoginForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(), Length(max=256)])


def _username_key() -> str:
    return "login-user:" + (request.form.get("username") or "").strip().lower()


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
            login_user(user)
            return redirect(url_for("admin.index"))
        flash(_("Sai tên đăng nhập hoặc mật khẩu."), "error")
    return render_template("admin/login.html", form=form)


@bp.post("/admin/logout")
@login_required
def logout():
    logout_user()
    return redirect(url_for("admin.login"))


@bp.get("/admin/")
@login_required
def index():
    return render_template("admin/index.html")
