"""Accounts: sign-in, new session, sign-out, password change, forced change, throttling, CSRF, audit."""

from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from core.models import AuditLog, User
from tests.conftest import committing, csrf_token
from tests.test_admin_support import login_as, token_from


def _audit_actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(a.action, a.target) for a in db.session.scalars(sa.select(AuditLog).order_by(AuditLog.id))]


def test_admin_requires_login(demo):
    client = demo.test_client()
    response = client.get("/admin/reports/units")
    assert response.status_code == 302
    assert response.location.startswith("/admin/login")


def test_login_page_is_vietnamese_and_logs_in(demo, auth, client):
    page = client.get("/admin/login").get_data(as_text=True)
    assert "Tên đăng nhập" in page and "Mật khẩu" in page
    response = auth.login()
    assert response.status_code == 302 and response.location == "/admin/"
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "Tổng quan mức độ hài lòng" in dashboard
    assert ("login", "admin") in _audit_actions(demo)


def test_wrong_password_stays_on_form(demo, auth, client):
    response = auth.login("admin", "wrong-password")
    assert response.status_code == 422
    assert "Sai tên đăng nhập hoặc mật khẩu." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    assert ("login", "admin") not in _audit_actions(demo)


def test_an_empty_login_form_names_its_fields(demo, client):
    token = csrf_token(client.get("/admin/login").get_data(as_text=True))
    response = client.post("/admin/login", data={"username": "  ", "password": "", "csrf_token": token})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.count("Vui lòng điền mục này.") == 2
    assert not [row for row in _audit_actions(demo) if row[0] == "login"]


def test_login_is_audited_with_its_actor(demo, auth):
    auth.login()
    with demo.app_context():
        row = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "login"))
        assert row.user.username == "admin" and row.target == "admin" and row.device_id is None


def test_the_next_page_survives_the_login_form(demo, client):
    page = client.get("/admin/login?next=/admin/reports/points").get_data(as_text=True)
    assert 'action="/admin/login?next=/admin/reports/points"' in page


def test_login_starts_a_new_session(demo, client, auth):
    with client.session_transaction() as session:
        session["planted"] = "value from before sign-in"
    auth.login()
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id")


def test_next_parameter_only_follows_local_admin_paths(demo, client):
    page = client.get("/admin/login?next=https://evil.example/admin/")
    token = csrf_token(page.get_data(as_text=True))
    response = client.post(
        "/admin/login?next=https://evil.example/admin/",
        data={"username": "admin", "password": "demo-admin-2026", "csrf_token": token},
    )
    assert response.location == "/admin/"
    client.post("/admin/logout", data={"csrf_token": token_from(client)})
    page = client.get("/admin/login")
    response = client.post(
        "/admin/login?next=/admin/reports/points",
        data={
            "username": "admin",
            "password": "demo-admin-2026",
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    assert response.location == "/admin/reports/points"


def test_logout_ends_the_session(demo, auth, client):
    auth.login()
    response = auth.logout()
    assert response.status_code == 302 and response.location == "/admin/login"
    assert client.get("/admin/").status_code == 302


def test_logout_without_csrf_token_is_refused(demo, auth, client):
    auth.login()
    response = client.post("/admin/logout")
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 200


def test_password_change(demo, auth, client):
    auth.login()
    token = token_from(client, "/admin/password")
    with demo.app_context():
        before = db.session.scalar(sa.select(User.password_hash).where(User.username == "admin"))
    refused = {
        "Mật khẩu hiện tại không đúng.": ("nope-nope", "a-new-pass-123", "a-new-pass-123"),
        "không khớp": ("demo-admin-2026", "a-new-pass-123", "other-pass-123"),
        "Mật khẩu mới cần từ 8 đến 256 ký tự.": ("demo-admin-2026", "short", "short"),
        "Mật khẩu mới phải khác mật khẩu hiện tại.": ("demo-admin-2026", "demo-admin-2026", "demo-admin-2026"),
    }
    for message, (current, new, confirm) in refused.items():
        bad = client.post(
            "/admin/password", data={"current": current, "new": new, "confirm": confirm, "csrf_token": token}
        )
        assert bad.status_code == 422, message
        assert message in bad.get_data(as_text=True)
    with demo.app_context():
        assert db.session.scalar(sa.select(User.password_hash).where(User.username == "admin")) == before
    assert ("password.change", "admin") not in _audit_actions(demo)
    ok = client.post(
        "/admin/password",
        data={"current": "demo-admin-2026", "new": "a-new-pass-123", "confirm": "a-new-pass-123", "csrf_token": token},
    )
    assert ok.status_code == 302
    with demo.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "admin"))
        assert user.check_password("a-new-pass-123") and not user.check_password("demo-admin-2026")
        assert user.password_hash.startswith("scrypt:")
    assert ("password.change", "admin") in _audit_actions(demo)


def test_generated_password_must_be_changed_first(demo, client):
    login_as(client, "province_admin")
    token = token_from(client, "/admin/users")
    created = client.post(
        "/admin/users/new", data={"username": "moi", "role": "viewer", "unit": "H-HOIAN", "csrf_token": token}
    )
    assert created.status_code == 200
    html = created.get_data(as_text=True)
    import re

    generated = re.search(r'id="secret">([^<]+)<', html).group(1)
    with demo.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "moi"))
        assert user.must_change_password and user.check_password(generated)
    client.post("/admin/logout", data={"csrf_token": token_from(client)})

    other = demo.test_client()
    page = other.get("/admin/login")
    response = other.post(
        "/admin/login",
        data={"username": "moi", "password": generated, "csrf_token": csrf_token(page.get_data(as_text=True))},
    )
    assert response.location == "/admin/password"
    # Every other page sends the account back to the password form.
    assert other.get("/admin/").location == "/admin/password"
    assert other.get("/admin/reports/units").location == "/admin/password"
    page = other.get("/admin/password").get_data(as_text=True)
    assert "mật khẩu tạm" in page
    done = other.post(
        "/admin/password",
        data={
            "current": generated,
            "new": "chosen-by-me-1",
            "confirm": "chosen-by-me-1",
            "csrf_token": csrf_token(page),
        },
    )
    assert done.status_code == 302
    assert other.get("/admin/").status_code == 200


def test_login_throttle_by_address_lets_ten_attempts_through(demo, client):
    page = client.get("/admin/login")
    token = csrf_token(page.get_data(as_text=True))
    statuses = [
        client.post(
            "/admin/login", data={"username": f"u{i}", "password": "wrong-pass", "csrf_token": token}
        ).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429


def test_login_throttle_guards_each_username(demo, make_app):
    app = make_app()
    with committing(app):
        from core.demo import load_demo

        load_demo(sample_days=0)
    statuses = []
    for attempt in range(21):
        # A fresh address each time (a botnet): only the per-username limit can stop it.
        client = app.test_client()
        environ = {"REMOTE_ADDR": f"10.0.{attempt // 250}.{attempt % 250 + 1}"}
        page = client.get("/admin/login", environ_base=environ)
        token = csrf_token(page.get_data(as_text=True))
        statuses.append(
            client.post(
                "/admin/login",
                data={"username": "admin", "password": "wrong-pass", "csrf_token": token},
                environ_base=environ,
            ).status_code
        )
    assert statuses[:20] == [422] * 20
    assert statuses[20] == 429
