"""`flask backup` / `flask restore`: a backup of the demo province restored into an empty database
gives the same report figures, the same frozen sơ kết, which still verifies, and the same API
answers; refusals are clear and exit non-zero. Runs on SQLite, and on PostgreSQL (pg_dump and
pg_restore) with SUITE_DATABASE=external."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from core import backup
from core.competition.reviews import review_of
from core.competition.sheet import live_sheet
from core.extensions import db
from core.models import User
from core.org.periods import period_by_code
from core.reporting.queries import satisfaction_by_unit
from core.timeutil import local_today
from tests.conftest import EXTERNAL, _config, _drop_database, _own_database, committing


@pytest.fixture
def empty_url(tmp_path):
    """An empty database of the suite's kind: a SQLite file not yet created, or a fresh PostgreSQL database."""
    if EXTERNAL:
        url = _own_database(os.environ["TEST_DATABASE_URL"])
        yield url
        _drop_database(url)
    else:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"


@pytest.fixture
def province(app, runner):
    """The demo province over its last four weeks, with the current period's sơ kết frozen and published."""
    from core import demo

    with committing(app):
        demo.load_demo(sample_days=28)
    result = runner.invoke(args=["create-api-token", "admin"])
    assert result.exit_code == 0, result.output
    return app, result.output.strip()


def period_code() -> str:
    return f"demo-{local_today().year}"


def figures(app, token: str) -> dict:
    """What the office reads: the satisfaction report (core and API), the live sheet of the sơ kết,
    the frozen review as stored, and every table's row count."""
    with app.app_context():
        period = period_by_code(period_code())
        review = review_of(period, "so_ket")
        assert review is not None and review.published_at is not None
        first, last = period.start_date, local_today()
        frozen = {
            "range": (review.first, review.last),
            "frozen_at": review.frozen_at,
            "published_at": review.published_at,
            "sheet": review.sheet,
            "config": review.config,
            "fingerprint": review.fingerprint,
        }
        report = [row.as_dict() for row in satisfaction_by_unit(first, last)]
        sheet = [row.as_dict() for row in live_sheet(period, "so_ket")]
        tables = sa.inspect(db.engine).get_table_names()
        counts = {t: db.session.scalar(sa.select(sa.func.count()).select_from(sa.table(t))) for t in tables}
        db.session.remove()
    api = app.test_client().get(
        f"/api/v1/reports/satisfaction?from={first}&to={last}", headers={"Authorization": f"Bearer {token}"}
    )
    assert api.status_code == 200, api.get_data(as_text=True)
    return {"frozen": frozen, "report": report, "sheet": sheet, "api": api.get_json(), "counts": counts}


def build_app(url: str, tmp_path: Path):
    return create_app(_config(url, EVIDENCE_DIR=str(tmp_path / "evidence")))


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_backup_restored_into_an_empty_database_gives_identical_figures(province, runner, empty_url, tmp_path):
    app, token = province
    before = figures(app, token)
    # Not an empty comparison: the province is there, with answers behind the figures.
    assert before["counts"]["responses"] > 1000 and before["counts"]["frozen_reviews"] == 1
    assert sum(row["responses"] for row in before["report"]) > 1000
    assert any(row["ranked"] for row in before["api"]) and before["frozen"]["sheet"]

    file = tmp_path / "province.backup"
    result = runner.invoke(args=["backup", str(file)])
    assert result.exit_code == 0, result.output
    assert file.stat().st_size > 100_000 and f"backup written to {file}" in result.output
    assert file.stat().st_mode & 0o077 == 0  # personal data: readable by the owner only
    assert not list(tmp_path.glob(".*.partial"))
    magic = backup.PG_DUMP_MAGIC if EXTERNAL else backup.SQLITE_MAGIC
    assert file.read_bytes().startswith(magic)

    restored = build_app(empty_url, tmp_path)
    try:
        restored_runner = restored.test_cli_runner()
        result = restored_runner.invoke(args=["restore", str(file)])
        assert result.exit_code == 0, result.output
        assert figures(restored, token) == before
        verified = restored_runner.invoke(args=["verify-review", period_code(), "--stage", "so_ket"])
        assert verified.exit_code == 0, verified.output
        assert "every figure reproduces from the raw data" in verified.output
    finally:
        dispose(restored)


def test_restore_refuses_a_database_with_tables_unless_forced(province, runner, tmp_path):
    app, token = province
    before = figures(app, token)
    file = tmp_path / "province.backup"
    assert runner.invoke(args=["backup", str(file)]).exit_code == 0
    with committing(app):
        db.session.add(User(username="after-backup", password_hash="x", role="viewer"))

    refused = runner.invoke(args=["restore", str(file)])
    assert refused.exit_code != 0
    assert "is not empty" in refused.output and "--force" in refused.output
    with app.app_context():
        assert db.session.scalar(sa.select(User.id).where(User.username == "after-backup")) is not None
        db.session.remove()

    forced = runner.invoke(args=["restore", "--force", str(file)])
    assert forced.exit_code == 0, forced.output
    with app.app_context():
        # Back to the backup: the account made after it is gone, every figure as it was.
        assert db.session.scalar(sa.select(User.id).where(User.username == "after-backup")) is None
        db.session.remove()
    assert figures(app, token) == before
    assert runner.invoke(args=["verify-review", period_code(), "--stage", "so_ket"]).exit_code == 0


def test_restore_refuses_missing_foreign_and_wrong_kind_files(app, runner, tmp_path):
    missing = runner.invoke(args=["restore", str(tmp_path / "nothing.backup")])
    assert missing.exit_code != 0 and "does not exist" in missing.output

    text = tmp_path / "notes.txt"
    text.write_text("không phải bản sao lưu\n", encoding="utf-8")
    foreign = runner.invoke(args=["restore", "--force", str(text)])
    assert foreign.exit_code != 0
    assert "neither a SQLite backup nor a pg_dump custom-format archive" in foreign.output

    other_kind = tmp_path / "other.backup"
    other_kind.write_bytes((backup.SQLITE_MAGIC if EXTERNAL else backup.PG_DUMP_MAGIC) + b"\0" * 64)
    wrong = runner.invoke(args=["restore", "--force", str(other_kind)])
    assert wrong.exit_code != 0
    expected = "SQLite backup but the configured database is PostgreSQL" if EXTERNAL else "PostgreSQL backup"
    assert expected in wrong.output

    truncated = tmp_path / "truncated.backup"
    truncated.write_bytes((backup.PG_DUMP_MAGIC if EXTERNAL else backup.SQLITE_MAGIC) + b"\0" * 64)
    broken = runner.invoke(args=["restore", "--force", str(truncated)])
    assert broken.exit_code != 0 and broken.output.startswith("Error: ")
    with app.app_context():
        # Nothing was touched by the refusals: the migrated schema is still there.
        assert "alembic_version" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_backup_into_a_missing_directory_fails_clearly(app, runner, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "no-such-dir" / "x.backup")])
    assert result.exit_code != 0 and "is not a directory" in result.output


def test_a_sqlite_file_of_another_application_is_refused(tmp_path):
    other = tmp_path / "other.sqlite3"
    with sa.create_engine(f"sqlite:///{other}").begin() as connection:
        connection.execute(sa.text("CREATE TABLE notes (id INTEGER PRIMARY KEY)"))
    with pytest.raises(backup.BackupFailed, match="not a backup of this service"):
        backup.restore(f"sqlite:///{tmp_path / 'new.sqlite3'}", other)
    assert not (tmp_path / "new.sqlite3").exists()


def test_the_postgresql_password_never_reaches_the_command_line(monkeypatch, tmp_path):
    calls = []

    def fake_run(argv, env, **_options):
        calls.append((argv, env))
        Path(argv[argv.index("--file") + 1]).write_bytes(b"PGDMP")
        return subprocess.CompletedProcess(argv, 0, "", "")

    monkeypatch.setattr(backup.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backup.subprocess, "run", fake_run)
    url = "postgresql+psycopg://hailong:s3cr%40t-pw@db.example:6543/hailong?sslmode=require"
    backup.backup(url, tmp_path / "x.dump")

    [(argv, env)] = calls
    assert argv[0] == "/usr/bin/pg_dump" and "--format=custom" in argv and "--no-password" in argv
    assert not any("s3cr" in a or "hailong:" in a for a in argv), argv
    assert env["PGPASSWORD"] == "s3cr@t-pw"
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGSSLMODE"]) == (
        "db.example",
        "6543",
        "hailong",
        "require",
    )
    assert "--dbname=hailong" in argv
    assert (tmp_path / "x.dump").read_bytes() == b"PGDMP"


def test_a_failing_pg_dump_leaves_no_file_and_says_why(monkeypatch, tmp_path):
    def failing(argv, env, **_options):
        return subprocess.CompletedProcess(argv, 1, "", "pg_dump: error: connection to server failed")

    monkeypatch.setattr(backup.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backup.subprocess, "run", failing)
    with pytest.raises(backup.BackupFailed, match="pg_dump failed: pg_dump: error: connection to server failed"):
        backup.backup("postgresql+psycopg://u@h/d", tmp_path / "x.dump")
    assert list(tmp_path.iterdir()) == []
