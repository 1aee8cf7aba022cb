"""Reports at scale (issue 12, item 3): the reports take about the same time at 10x the answers.

Loads the demo province with `flask demo-data --responses N` (the real command, timed) into a small
and a large database of the same engine, 10x apart: SQLite 100k and 1M answers, PostgreSQL 1M and
10M (`--pg-large N` for a quicker run; the small one is a tenth of it). Both databases stay open,
and the timings alternate between them (small, large, small, large...), so a noisy neighbour weighs
on both alike. Timed, median of 5 after one warm-up run, over the demo's competition period (a
calendar year):

- the satisfaction report, `core.reporting.queries.satisfaction_by_unit` over the whole year;
- the competition sheet, `core.competition.sheet.live_sheet` of the demo period;
- the XLSX export, the report workbook as a signed-in province admin downloads it
  (GET /admin/exports/report.xlsx?period=...).

Prints each time and, as FIGURE lines, the ratio large/small (target at most 1.5x) and the time of
`demo-data --responses 1000000` on SQLite (target at most 60 s). PostgreSQL's databases are created
for the run and dropped after it. Exits 0 whatever the figures say.

    python bench/report_scale.py [--quick] [--pg-large N] [--pg-url URL] [--no-postgres]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from common import figure

from app import create_app

ROOT = Path(__file__).resolve().parent.parent
RATIO_TARGET = 1.5
DEMO_TARGET_SECONDS = 60.0
REPEAT = 5
ADMIN = ("admin", "demo-admin-2026")  # the demo's own login


def flask(url: str, *args: str) -> tuple[float, str]:
    """Run `flask --app wsgi ARGS` against the database at `url`; (seconds, output)."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": "false"}
    started = time.perf_counter()
    # Our own interpreter running the project's own CLI; the arguments are ours, no shell.
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout


def load(url: str, responses: int, label: str) -> float:
    """Migrate a fresh database and run `demo-data --responses N` on it; returns the command's time."""
    flask(url, "db", "upgrade")
    seconds, output = flask(url, "demo-data", "--responses", str(responses))
    added = re.search(r"bulk responses added: (\d+) in .*", output)
    if added is None or int(added.group(1)) != responses:
        raise RuntimeError(f"demo-data did not add {responses} responses:\n{output}")
    # The command's own line splits its time: rows written, then the rollups of their days.
    print(f"  demo-data --responses {responses:,} on {label}: {seconds:.1f} s [{added.group(0)}]", flush=True)
    return seconds


class Subject:
    """One loaded database: its app, a signed-in admin client and the demo period."""

    def __init__(self, label: str, url: str) -> None:
        from core.competition.sheet import live_sheet
        from core.extensions import db
        from core.models import CompetitionPeriod, Response
        from core.reporting.queries import satisfaction_by_unit

        self.label, self.url = label, url
        self.app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
        with self.app.app_context():
            period = db.session.scalar(
                sa.select(CompetitionPeriod)
                .where(CompetitionPeriod.code.like("demo-%"))
                .order_by(CompetitionPeriod.start_date.desc())
            )
            self.code, self.first, self.last = period.code, period.start_date, period.end_date
            self.stored = db.session.scalar(sa.select(sa.func.count()).select_from(Response))
        self.client = self.app.test_client()
        page = self.client.get("/admin/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        signed = self.client.post(
            "/admin/login", data={"username": ADMIN[0], "password": ADMIN[1], "csrf_token": token}
        )
        if signed.status_code != 302:
            raise RuntimeError(f"could not sign in on {label}: {signed.status_code}")
        self.times: dict[str, list[float]] = {}

        def report() -> None:
            with self.app.app_context():
                rows = satisfaction_by_unit(self.first, self.last)
            if not any(r.responses for r in rows):
                raise RuntimeError(f"no answer counted on {label}")

        def sheet() -> None:
            with self.app.app_context():
                period = db.session.scalar(sa.select(CompetitionPeriod).where(CompetitionPeriod.code == self.code))
                rows = live_sheet(period)
            if not rows:
                raise RuntimeError(f"an empty competition sheet on {label}")

        def xlsx() -> None:
            response = self.client.get(f"/admin/exports/report.xlsx?period={self.code}")
            if response.status_code != 200 or not response.data.startswith(b"PK"):
                raise RuntimeError(f"report.xlsx answered {response.status_code} on {label}")

        self.tasks: dict[str, Callable[[], None]] = {
            "satisfaction report, full year": report,
            "competition sheet, demo period": sheet,
            "XLSX export (report workbook), demo period": xlsx,
        }

    def run(self, name: str, record: bool) -> None:
        started = time.perf_counter()
        self.tasks[name]()
        if record:
            self.times.setdefault(name, []).append(time.perf_counter() - started)

    def median(self, name: str) -> float:
        return statistics.median(self.times[name])

    def close(self) -> None:
        from core.extensions import db

        with self.app.app_context():
            db.engine.dispose()


def compare(engine: str, small: Subject, large: Subject) -> None:
    """Alternate the two databases task by task, one warm-up round, then REPEAT timed rounds."""
    for round_number in range(REPEAT + 1):
        for name in small.tasks:
            for subject in (small, large):
                subject.run(name, record=round_number > 0)
    for name in small.tasks:
        a, b = small.median(name), large.median(name)
        print(
            f"  {name}, {engine}: {small.label} {a * 1000:.1f} ms, {large.label} {b * 1000:.1f} ms (median of {REPEAT})"
        )
        ratio = b / a
        figure(
            f"{name}, {engine} {large.label} / {small.label}",
            f"{ratio:.2f}x ({b * 1000:.0f} ms / {a * 1000:.0f} ms)",
            f"<= {RATIO_TARGET}x",
            ratio <= RATIO_TARGET,
        )


def size_label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k"


def sqlite_part(small_n: int, large_n: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="report-scale-"))
    urls = {n: f"sqlite:///{folder}/demo-{n}.sqlite3" for n in (small_n, large_n)}
    print(f"SQLite in {folder}", flush=True)
    load(urls[small_n], small_n, f"SQLite {size_label(small_n)}")
    seconds = load(urls[large_n], large_n, f"SQLite {size_label(large_n)}")
    if large_n == 1_000_000:
        figure(
            "demo-data --responses 1000000, SQLite",
            f"{seconds:.1f} s",
            f"<= {DEMO_TARGET_SECONDS:.0f} s",
            seconds <= DEMO_TARGET_SECONDS,
        )
    small = Subject(size_label(small_n), urls[small_n])
    large = Subject(size_label(large_n), urls[large_n])
    try:
        compare("SQLite", small, large)
    finally:
        small.close()
        large.close()
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


def postgres_part(admin_url: str, small_n: int, large_n: int) -> None:
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    names = {n: f"bench_report_scale_{os.getpid()}_{size_label(n).lower()}" for n in (small_n, large_n)}
    base = sa.engine.make_url(admin_url)
    urls = {n: base.set(database=name).render_as_string(hide_password=False) for n, name in names.items()}
    subjects: list[Subject] = []
    try:
        with engine.connect() as connection:
            for name in names.values():
                # The name is ours (pid and size), never outside input.
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        load(urls[small_n], small_n, f"PostgreSQL {size_label(small_n)}")
        load(urls[large_n], large_n, f"PostgreSQL {size_label(large_n)}")
        subjects = [Subject(size_label(n), urls[n]) for n in (small_n, large_n)]
        compare("PostgreSQL", *subjects)
    finally:
        for subject in subjects:
            subject.close()
        with engine.connect() as connection:
            for name in names.values():
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="PostgreSQL at 100k and 1M instead of 1M and 10M")
    parser.add_argument("--pg-large", type=int, default=None, help="the large PostgreSQL size (default 10,000,000)")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL database to connect to while creating and dropping the bench databases",
    )
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--sqlite-large", type=int, default=1_000_000, help="the large SQLite size (default 1,000,000)")
    args = parser.parse_args()
    pg_large = args.pg_large or (1_000_000 if args.quick else 10_000_000)
    try:
        sqlite_part(args.sqlite_large // 10, args.sqlite_large)
    except Exception as exc:  # a bench reports what went wrong and goes on with the next part
        print(f"SQLite part failed: {type(exc).__name__}: {exc}", flush=True)
        figure("reports at 10x the answers, SQLite", "not measured", f"<= {RATIO_TARGET}x", False)
    if args.no_postgres:
        return 0
    try:
        postgres_part(args.pg_url, pg_large // 10, pg_large)
    except Exception as exc:
        print(f"PostgreSQL part failed: {type(exc).__name__}: {exc}", flush=True)
        figure("reports at 10x the answers, PostgreSQL", "not measured", f"<= {RATIO_TARGET}x", False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
