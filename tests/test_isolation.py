"""Charts and documents drawn in a child process during a request (core/isolation.py), so a web
worker never loads matplotlib, numpy, openpyxl, python-docx or alembic and stays small (issue 12:
at most 120 MB per worker, measured by bench/memory_bench.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from core import isolation
from core.extensions import db

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("matplotlib", "numpy", "openpyxl", "docx", "qrcode", "PIL", "alembic", "flask_migrate")


def whose_pid() -> int:
    return os.getpid()


def test_a_request_draws_in_a_child_and_the_rest_in_the_process(app):
    with app.test_request_context("/admin/charts/trend.png"):
        assert isolation.isolated(whose_pid) != os.getpid()
    with app.app_context():  # the export worker, the command line
        assert isolation.isolated(whose_pid) == os.getpid()
    app.config["RENDER_IN_CHILD"] = False
    with app.test_request_context("/admin/charts/trend.png"):
        assert isolation.isolated(whose_pid) == os.getpid()


def reads_the_database() -> int:
    return db.session.execute(sa.text("SELECT 41 + 1")).scalar_one()


def test_a_child_never_touches_the_database_and_the_drawing_is_redone_in_the_worker(app):
    with app.test_request_context("/admin/charts/trend.png"):
        assert db.session.execute(sa.text("SELECT 1")).scalar_one() == 1  # the worker holds a connection
        before = dict(isolation.stats)
        assert isolation.isolated(reads_the_database) == 42
        assert isolation.stats["fallback"] == before["fallback"] + 1
        # The worker's own connection was left alone by the child: it still answers.
        assert db.session.execute(sa.text("SELECT 2")).scalar_one() == 2


def fails(kind: str):
    raise ValueError(f"bad {kind}")


def test_a_renderer_error_is_raised_as_without_a_child(app):
    with app.test_request_context("/"), pytest.raises(ValueError, match="bad format"):
        isolation.isolated(fails, "format")


WORKER = """
import sys
from app import create_app
from core import demo, isolation
from core.extensions import db

app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "t", "RATELIMIT_ENABLED": False,
                  "WTF_CSRF_ENABLED": False, "EXPORT_DIR": sys.argv[2], "EVIDENCE_DIR": sys.argv[2]})
with app.app_context():
    demo.load_demo(sample_days=10)
    db.session.commit()
    from core.models import CompetitionPeriod, Point, Unit
    code = db.session.scalar(db.select(CompetitionPeriod.code))
    point = db.session.scalar(db.select(Point.id).where(Point.code == "H-HOIAN-P1"))
    unit = db.session.scalar(db.select(Unit.id).where(Unit.code == "H-HOIAN"))
client = app.test_client()
assert client.post("/admin/login", data={"username": "admin", "password": "demo-admin-2026"}).status_code == 302
signatures = {"png": b"\\x89PNG", "svg": b"<?xml", "pdf": b"%PDF", "xlsx": b"PK", "docx": b"PK"}
paths = [f"/admin/charts/{name}.{fmt}" for name in ("trend", "units", "heatmap") for fmt in ("png", "svg")]
paths += [f"/admin/exports/{name}" for name in ("report.xlsx", "raw.xlsx", "report.pdf", "report.docx")]
paths += [f"/admin/competition/{code}/sheet.{fmt}" for fmt in ("xlsx", "pdf", "docx")]
paths += [f"/admin/points/{point}/poster.{fmt}" for fmt in ("png", "svg", "pdf")]
paths += [f"/admin/points/posters/{unit}.pdf"]
for path in paths:
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    assert answer.data.startswith(signatures[path.split("?")[0].rsplit(".", 1)[1]]), path
loaded = [name for name in HEAVY_MODULES if name in sys.modules]
assert not loaded, f"the worker loaded {loaded}"
assert isolation.stats["child"] >= len(paths) and isolation.stats["fallback"] == 0, isolation.stats
print("ok")
"""


def test_a_worker_serving_every_chart_and_document_never_loads_the_heavy_libraries(database_url, tmp_path):
    """In a fresh interpreter, as a gunicorn worker is: every kind of chart and document is served
    (PNG, SVG, XLSX, PDF, DOCX, posters), each drawn in a child, none falling back to the worker."""
    code = WORKER.replace("HEAVY_MODULES", repr(HEAVY))
    done = subprocess.run(
        [sys.executable, "-c", code, database_url, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("ok")
