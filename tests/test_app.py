"""The factory, error pages, security headers, health and the real gunicorn."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app import create_app

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_reports_a_database_that_is_down(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/nothing.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "down"}


def test_html_errors_are_friendly_vietnamese_pages(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert 'lang="vi"' in page and "Không tìm thấy trang này." in page


def test_english_is_a_switch_away(client):
    response = client.get("/no/such/page?lang=en")
    assert 'lang="en"' in response.get_data(as_text=True)
    assert "lang=en" in response.headers["Set-Cookie"]
    assert 'lang="en"' in client.get("/admin/login").get_data(as_text=True)  # the cookie keeps it


def test_security_headers_on_every_answer(client):
    for path in ("/healthz", "/admin/login", "/nowhere", "/api/v1/units"):
        headers = client.get(path).headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert headers["Referrer-Policy"] == "same-origin"


def test_secret_key_is_required_with_an_external_database(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3"})


def test_engine_settings(app):
    """SQLite runs in WAL mode with a busy timeout; PostgreSQL goes through psycopg 3."""
    from sqlalchemy import text

    from core.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            assert db.engine.driver == "psycopg"
            return
        connection = db.session.connection()
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_serves_the_app_with_several_workers(database_url, tmp_path):
    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        SECRET_KEY="gunicorn-test",
        RATELIMIT_ENABLED="false",
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
    )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "2", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    body = response.read()
                    break
            except OSError:
                time.sleep(0.1)
        assert body == b'{"database":"ok","status":"ok"}\n'
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_behind_a_proxy_the_forwarded_address_and_scheme_are_used(make_app):
    from flask import request

    app = make_app(PROXY_COUNT=1)

    @app.get("/_whoami")
    def whoami():
        return {"addr": request.remote_addr, "secure": request.is_secure}

    headers = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    body = app.test_client().get("/_whoami", headers=headers).get_json()
    assert body == {"addr": "203.0.113.7", "secure": True}


def test_english_catalog_translates_every_message(tmp_path):
    """Every Vietnamese UI string in the code has an English translation (run tools/translate_en.py)."""
    from babel.messages.pofile import read_po

    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    ignore = [arg for name in (".venv", "migrations", "tests", "bench") for arg in ("--ignore-dirs", name)]
    subprocess.run(
        [str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), *ignore, "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with (ROOT / "translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = {message.id: message.string for message in read_po(handle) if message.id}
    assert len(wanted) > 100  # the extraction really read the code
    missing = sorted(str(m) for m in wanted if not catalog.get(m))
    assert missing == []
