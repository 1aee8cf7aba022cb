"""Accounts of other people (a unit manager: the viewers of its units) and API tokens.

Another unit's account or a token that is not the caller's to see answers 404; an account of the
caller's own units that it may not manage (itself, a manager beside it) answers 403."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from admin import bp
from admin.access import access, get_or_404, posted_action, require_scope, scoped_units
from admin.formatting import ROLE_LABELS
from admin.forms import EmailForm, PasswordForm, TokenForm, UserForm
from core.extensions import db
from core.models import ApiToken, User
from core.org.accounts import (
    create_api_token,
    create_user,
    generated_password,
    may_manage,
    reset_password,
    revoke_api_token,
    roles_granted_by,
    set_user_active,
    set_user_email,
)
from core.org.units import can_see


def _user_form(*, fresh: bool = False) -> UserForm:
    form = UserForm(formdata=None) if fresh else UserForm()
    form.role.choices = [SelectChoice(role, ROLE_LABELS[role]) for role in roles_granted_by(g.actor)]
    return form


def _users_page(form: UserForm, email_form: EmailForm | None = None, failed_user: int | None = None):
    query = sa.select(User).order_by(User.username)
    if g.scope is not None:
        query = query.where(User.unit_id.in_(g.scope))
    return render_template(
        "admin/users.html",
        users=db.session.scalars(query).all(),
        units=scoped_units(),
        form=form,
        role_labels=ROLE_LABELS,
        manageable=lambda user: may_manage(g.actor, user),
        email_form=email_form or EmailForm(formdata=None),
        failed_user=failed_user,
    ), (422 if email_form is not None else form.http_status)


def _manageable_user(user_id: int) -> User:
    user = get_or_404(User, user_id)
    require_scope(user.unit_id)
    if not may_manage(g.actor, user):
        abort(403)
    return user


@bp.get("/admin/users")
@access("manage")
def users():
    return _users_page(_user_form())


def _secret_page(title: str, subject: str, secret: str, note: str, back: str):
    """A generated password or token, shown once."""
    return render_template("admin/secret.html", title=title, subject=subject, secret=secret, note=note, back=back)


def _temporary_password_page(title: str, user: User, password: str):
    note = _("Mật khẩu tạm này chỉ hiện một lần; người dùng phải đổi khi đăng nhập lần đầu.")
    return _secret_page(title, user.username, password, note, url_for("admin.users"))


@bp.post("/admin/users/new")
@access("manage")
def user_new():
    form = _user_form()
    password = generated_password()
    created = form.submit(
        lambda: create_user(
            g.actor,
            form.username.data,
            form.role.data,
            password,
            form.unit.data or None,
            temporary=True,
            email=form.email.data or None,
        )
    )
    if not created:
        return _users_page(form)
    return _temporary_password_page(_("Đã tạo tài khoản"), form.outcome, password)


@bp.post("/admin/users/<int(max=2147483647):user_id>/reset")
@access("manage")
def user_reset(user_id: int):
    user = _manageable_user(user_id)
    posted_action()
    return _temporary_password_page(_("Đã đặt lại mật khẩu"), user, reset_password(g.actor, user))


@bp.post("/admin/users/<int(max=2147483647):user_id>/active")
@access("manage")
def user_active(user_id: int):
    user = _manageable_user(user_id)
    posted_action()
    # A disabled account's API tokens stop at once too: user_for_api_token checks `active`.
    set_user_active(g.actor, user, not user.active)
    flash(_("Đã cập nhật tài khoản %(u)s.", u=user.username))
    return redirect(url_for("admin.users"))


# --- E-mail addresses (where the unit's notifications reach an account) -----------------------


@bp.post("/admin/users/<int(max=2147483647):user_id>/email")
@access("manage")
def user_email(user_id: int):
    user = get_or_404(User, user_id)
    require_scope(user.unit_id)
    if user.id != g.user.id and not may_manage(g.actor, user):
        abort(403)
    form = EmailForm()
    if not form.submit(lambda: set_user_email(g.actor, user, form.email.data or None)):
        return _users_page(_user_form(fresh=True), email_form=form, failed_user=user.id)
    flash(_("Đã cập nhật thư điện tử của %(u)s.", u=user.username))
    return redirect(url_for("admin.users"))


@bp.context_processor
def account_email_form():
    """The own-address form of the password page, fresh unless a view passed a refused one."""
    return {"fresh_account_email_form": lambda: EmailForm(formdata=None, email=g.user.email if g.get("user") else None)}


@bp.post("/admin/account/email")
@access("read")
def account_email():
    form = EmailForm()
    if not form.submit(lambda: set_user_email(g.actor, g.user, form.email.data or None)):
        page = render_template(
            "admin/password.html",
            form=PasswordForm(formdata=None),
            forced=g.user.must_change_password,
            email_form=form,
        )
        return page, 422
    flash(_("Đã cập nhật thư điện tử của bạn."), "info")
    return redirect(url_for("admin.change_password"))


# --- API tokens ------------------------------------------------------------------------------


def _token_visible(row: ApiToken) -> bool:
    """The caller's own tokens, and those of the accounts it manages (the office: every token)."""
    return row.user_id == g.user.id or (can_see(g.scope, row.user.unit_id) and may_manage(g.actor, row.user))


def _tokens_page(form: TokenForm):
    query = sa.select(ApiToken).join(User, ApiToken.user_id == User.id).order_by(ApiToken.created_at.desc())
    if g.scope is not None:
        query = query.where(sa.or_(ApiToken.user_id == g.user.id, User.unit_id.in_(g.scope)))
    rows = [row for row in db.session.scalars(query) if _token_visible(row)]
    return render_template("admin/tokens.html", tokens=rows, form=form), form.http_status


@bp.get("/admin/tokens")
@access("read")
def tokens():
    return _tokens_page(TokenForm())


@bp.post("/admin/tokens/new")
@access("read")
def token_new():
    form = TokenForm()
    if not form.submit(lambda: create_api_token(g.actor, g.user, form.name.data or "")):
        return _tokens_page(form)
    row, token = form.outcome
    note = _("Mã này chỉ hiện một lần. Gửi kèm mỗi yêu cầu: Authorization: Bearer <mã>.")
    return _secret_page(_("Đã tạo mã truy cập API"), row.name, token, note, url_for("admin.tokens"))


@bp.post("/admin/tokens/<int(max=2147483647):token_id>/revoke")
@access("read")
def token_revoke(token_id: int):
    row = get_or_404(ApiToken, token_id)
    if not _token_visible(row):
        abort(404)
    posted_action()
    if revoke_api_token(g.actor, row):
        flash(_("Đã thu hồi mã truy cập."))
    return redirect(url_for("admin.tokens"))
