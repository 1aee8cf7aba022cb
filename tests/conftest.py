"""flaskr-style fixtures: `app`, `client`, `runner`, `auth`, on a real database.

SQLite by default: the schema is migrated once into a template file and copied for each test.
With SUITE_DATABASE=external the suite runs on PostgreSQL: a database of its own is created beside
TEST_DATABASE_URL's, migrated once, and every table but the default survey's is emptied before
each test; it is dropped at the end.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from app import create_app
from core.extensions import db

EXTERNAL = os.environ.get("SUITE_DATABASE") == "external"
SEED_TABLES = ("surveys", "criteria", "reasons", "alembic_version")
# Tables the migrations fill with reference data that tests may change: put back before each test.
RESTORED_TABLES = ("calendar_days", "deadline_rules", "alert_rules")
_SEEDS: dict[str, list[dict]] = {}


def _config(database_url: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PUBLIC_BASE_URL": "http://test.local",
        # A fresh key prefix keeps each test's rate-limit counters apart, in memory or in Redis.
        "RATELIMIT_KEY_PREFIX": f"t{uuid.uuid4().hex[:12]}",
        "RATELIMIT_STORAGE_URI": os.environ.get("TEST_REDIS_URL") or "memory://",
    }
    config.update(overrides)
    return config


def _upgrade(database_url: str) -> None:
    from flask_migrate import upgrade

    app = create_app(_config(database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """SQLite: a migrated template file. External: the URL of a migrated database of this run's own."""
    if EXTERNAL:
        url = _own_database(os.environ["TEST_DATABASE_URL"])
        _upgrade(url)
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            # Table names from RESTORED_TABLES above, not from input.
            for table in RESTORED_TABLES:
                _SEEDS[table] = [dict(row._mapping) for row in connection.execute(sa.text(f"SELECT * FROM {table}"))]  # noqa: S608
        engine.dispose()
        yield url
        _drop_database(url)
        return
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _upgrade(f"sqlite:///{path}")
    yield path


def _own_database(url: str) -> str:
    """A fresh database beside TEST_DATABASE_URL's, so parallel runs never share tables."""
    base = sa.make_url(url)
    name = f"{base.database}_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _drop_database(url: str) -> None:
    own = sa.make_url(url)
    engine = sa.create_engine(sa.make_url(os.environ["TEST_DATABASE_URL"]), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)'))
    engine.dispose()


def _reset_external(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        tables = [t for t in sa.inspect(connection).get_table_names() if t not in SEED_TABLES]
        connection.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        connection.execute(sa.text("DELETE FROM surveys WHERE NOT (code = 'default' AND version = 1)"))
        connection.execute(sa.text("UPDATE surveys SET active = TRUE"))
        for table, rows in _SEEDS.items():
            if rows:
                columns = list(rows[0])
                placeholders = ", ".join(f":{c}" for c in columns)
                # Names from RESTORED_TABLES and their own rows' columns; the values travel as parameters.
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
                connection.execute(sa.text(sql), rows)
            if "id" in (rows[0] if rows else {}):
                top = max(r["id"] for r in rows)
                connection.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {top})"))
    engine.dispose()


@pytest.fixture
def database_url(database_template, tmp_path):
    if EXTERNAL:
        _reset_external(database_template)
        return database_template
    path = tmp_path / "test.sqlite3"
    shutil.copy(database_template, path)
    return f"sqlite:///{path}"


@contextmanager
def committing(app):
    """Setup code in an app context, committed at its end, as a request or command would be."""
    with app.app_context():
        yield
        db.session.commit()


@contextmanager
def as_request():
    """Core calls ended as the transaction owner ends a request: commit, or roll back on error."""
    from core import transactions

    try:
        yield
    except BaseException:
        transactions.abandon()
        raise
    transactions.finish_request(200)


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app on this test's database with extra settings (files of its own under tmp_path)."""
    created = []

    def factory(**overrides):
        overrides.setdefault("EVIDENCE_DIR", str(tmp_path / "evidence"))
        instance = create_app(_config(database_url, **overrides))
        created.append(instance)
        return instance

    yield factory
    for instance in created:
        with instance.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo(app):
    """The demo province without sample answers: units, groups, points, period, accounts."""
    from core import demo as demo_module

    with app.app_context():
        demo_module.load_demo(sample_days=0)
        db.session.commit()
    return app


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username="admin", password="demo-admin-2026"):  # noqa: S107 - the demo login
        page = self._client.get("/admin/login")
        token = csrf_token(page.get_data(as_text=True))
        return self._client.post("/admin/login", data={"username": username, "password": password, "csrf_token": token})

    def logout(self):
        page = self._client.get("/admin/")
        return self._client.post("/admin/logout", data={"csrf_token": csrf_token(page.get_data(as_text=True))})


@pytest.fixture
def auth(client):
    return AuthActions(client)
