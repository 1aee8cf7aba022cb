"""Shared set-up for benchmarks: a migrated SQLite (or BENCH_DATABASE_URL) database with the demo province."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade

from app import create_app


def bench_app():
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        from core import demo, transactions

        with transactions.unit_of_work():  # load_demo leaves the commit to its caller
            demo.load_demo(sample_days=0)
    return app


@contextmanager
def timer(results: dict, name: str):
    started = time.perf_counter()
    yield
    results[name] = time.perf_counter() - started


def figure(name: str, value: str, target: str, ok: bool) -> None:
    """One figure against its target, in the line format `bench/run_all.py` collects."""
    print(f"FIGURE {name}: {value} (target {target}) {'OK' if ok else 'FAIL'}", flush=True)
