"""Backup and restore of the whole database: SQLite through its online backup API, PostgreSQL
through pg_dump / pg_restore (custom format). Works on the configured URL, outside the ORM: a
backup is a copy of every table, whatever the models say.

A backup is written beside its final name and renamed into place only when complete, so a backup
cut short (disk full, killed) never leaves a truncated file under the name the operator expects.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# libpq reads these from the environment; the URL's query may carry them (?sslmode=require).
LIBPQ_QUERY_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
}


class BackupFailed(Exception):
    """A backup or restore that could not be done; the message says why, for the operator."""


def backup(database_url: str | sa.URL, target: Path) -> int:
    """Copy the whole database to `target` (replaced if it exists); returns its size in bytes."""
    url = sa.make_url(database_url)
    target = Path(target)
    if not target.parent.is_dir():
        raise BackupFailed(f"{target.parent} is not a directory")
    if target.is_dir():
        raise BackupFailed(f"{target} is a directory: give a file name")
    with _partial_file(target) as partial:
        if _kind(url) == "sqlite":
            _sqlite_backup(_sqlite_path(url), partial)
        else:
            _run(_pg_tool("pg_dump"), ["--format=custom", "--file", str(partial), f"--dbname={url.database}"], url)
    return target.stat().st_size


def restore(database_url: str | sa.URL, source: Path, force: bool = False) -> None:
    """Replace the configured database with the backup `source`. Refuses a database that already
    holds tables unless `force`: a restore over live data loses every answer taken since."""
    url = sa.make_url(database_url)
    source = Path(source)
    kind = _kind(url)
    _check_backup_file(source, kind)
    tables = _table_count(url)
    if tables and not force:
        raise BackupFailed(
            f"the database {_describe(url)} is not empty ({tables} tables): restoring replaces everything in it. "
            "Restore into an empty database, or pass --force to overwrite it."
        )
    if kind == "sqlite":
        _sqlite_restore(source, _sqlite_path(url))
    else:
        # One transaction: a restore that fails half-way leaves the database as it was.
        options = ["--clean", "--if-exists", "--no-owner", "--single-transaction", f"--dbname={url.database}"]
        _run(_pg_tool("pg_restore"), [*options, str(source)], url)


def _kind(url: sa.URL) -> str:
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupFailed(f"backups support SQLite and PostgreSQL, not {backend}")
    return backend


def _describe(url: sa.URL) -> str:
    return _sqlite_path(url).name if _kind(url) == "sqlite" else f"{url.database!r} on {url.host or 'localhost'}"


def _sqlite_path(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupFailed(f"the SQLite database must be a file path, not {url.database!r}")
    return Path(url.database)


@contextlib.contextmanager
def _partial_file(target: Path) -> Iterator[Path]:
    # mkstemp creates the file readable by its owner only: a backup holds personal data.
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _sqlite_backup(database: Path, partial: Path) -> None:
    if not database.is_file():
        raise BackupFailed(f"the SQLite database {database} does not exist")
    source = sqlite3.connect(database)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)
        # The live database runs in WAL mode; the backup must be one self-contained file.
        copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise BackupFailed(f"SQLite backup failed: {exc}") from None
    finally:
        copy.close()
        source.close()


def _sqlite_restore(source: Path, database: Path) -> None:
    if not database.parent.is_dir():
        raise BackupFailed(f"{database.parent} is not a directory")
    backup_copy = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(database, timeout=30)
    try:
        backup_copy.backup(target)
    except sqlite3.Error as exc:
        raise BackupFailed(f"SQLite restore failed: {exc}") from None
    finally:
        target.close()
        backup_copy.close()


def _check_backup_file(source: Path, kind: str) -> None:
    """A clear refusal for a missing file, a file that is no backup, or one of the other database kind."""
    if not source.is_file():
        raise BackupFailed(f"{source} does not exist or is not a file")
    with open(source, "rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    found = "sqlite" if head == SQLITE_MAGIC else "postgresql" if head.startswith(PG_DUMP_MAGIC) else None
    if found is None:
        raise BackupFailed(f"{source} is neither a SQLite backup nor a pg_dump custom-format archive")
    if found != kind:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupFailed(
            f"{source} is a {names[found]} backup but the configured database is {names[kind]}: "
            f"restore it with DATABASE_URL set to a {names[found]} database"
        )
    if kind == "sqlite":
        _check_sqlite_backup(source)


def _check_sqlite_backup(source: Path) -> None:
    try:
        connection = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            check = connection.execute("PRAGMA quick_check").fetchone()[0]
            migrated = connection.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise BackupFailed(f"{source} cannot be read as a SQLite database: {exc}") from None
    if check != "ok":
        raise BackupFailed(f"{source} is damaged: {check}")
    if not migrated:
        raise BackupFailed(f"{source} is a SQLite database but not a backup of this service (no alembic_version)")


def _table_count(url: sa.URL) -> int:
    if _kind(url) == "sqlite":
        path = _sqlite_path(url)
        if not path.exists() or path.stat().st_size == 0:
            return 0
        query = "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
    else:
        query = (
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        )
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            return connection.scalar(sa.text(query)) or 0
    except sa.exc.SQLAlchemyError as exc:
        raise BackupFailed(f"cannot read the database {_describe(url)}: {exc.orig or exc}") from None
    finally:
        engine.dispose()


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupFailed(
            f"{name} is not installed: install PostgreSQL's client tools (apt-get install postgresql-client), "
            "of the server's major version or newer"
        )
    return path


def pg_environment(url: sa.URL) -> dict[str, str]:
    """libpq's settings from the URL's parts. The password goes into PGPASSWORD, never onto the
    command line, where every user of the machine could read it (ps, /proc)."""
    env = dict(os.environ)
    parts = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username, "PGPASSWORD": url.password}
    for key, value in url.query.items():
        if key in LIBPQ_QUERY_ENV:
            parts[LIBPQ_QUERY_ENV[key]] = value if isinstance(value, str) else value[-1]
    env.update({name: str(value) for name, value in parts.items() if value is not None})
    return env


def _run(program: str, arguments: list[str], url: sa.URL) -> None:
    # No shell; the program is found by shutil.which and the arguments are options and the
    # database's name from the configuration, never text from a request.
    result = subprocess.run(  # noqa: S603 - a fixed tool with arguments from the configuration
        [program, "--no-password", *arguments],
        env=pg_environment(url),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.strip() or result.stdout.strip() or f"exit status {result.returncode}"
        raise BackupFailed(f"{Path(program).name} failed: {message}")
