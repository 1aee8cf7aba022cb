"""Exports in the background: a report page queues a job, `run-exports` builds it with the same
functions as the synchronous download, the page follows its progress, and only the user who asked
may see it or fetch its file."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from core.extensions import db
from core.models import ExportJob, Response, User
from core.reporting import jobs
from core.timeutil import utcnow
from tests.conftest import committing
from tests.test_admin_support import OTHER_SECRET, OWN_SECRET, login_as, seed, token_from

XLSX_URL = "/admin/exports/report.xlsx"
RAW_XLSX_URL = "/admin/exports/raw.xlsx"


@pytest.fixture
def site(make_app, tmp_path):
    from core.demo import load_demo

    app = make_app(EXPORT_DIR=str(tmp_path / "exports"))
    with committing(app):
        load_demo(sample_days=0)
    seed(app)
    return app


def signed_in(app, role: str):
    client = app.test_client()
    login_as(client, role)
    return client


def ask(client, url: str):
    """Click a download button: a POST with the page's CSRF token; returns the job's id."""
    response = client.post(url, data={"csrf_token": token_from(client)})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    match = re.fullmatch(r"/admin/exports/jobs/([0-9a-f]{32})", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def stored(app, job_id: str) -> ExportJob:
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        db.session.expunge(job)
        return job


def work(app) -> list[str]:
    lines: list[str] = []
    with app.app_context():
        jobs.one_pass(lines.append)
    return lines


def fetch(client, url: str):
    """GET a file and close the response (a streamed file stays open until its response is closed)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def cells(data: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def test_a_job_goes_queued_running_done_and_delivers_the_synchronous_workbook(site, monkeypatch):
    client = signed_in(site, "province_admin")
    job_id = ask(client, XLSX_URL + "?unit=H-HOIAN")
    job = stored(site, job_id)
    with site.app_context():
        admin_id = db.session.scalar(sa.select(User.id).where(User.username == "admin"))
    assert (job.status, job.progress, job.kind, job.user_id) == ("queued", 0, "xlsx", admin_id)
    assert job.params["unit"] == "H-HOIAN" and job.scope and len(job.scope) == 1
    assert re.fullmatch(r"bao-cao-hai-long-H-HOIAN-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.xlsx", job.file_name)

    page = client.get(f"/admin/exports/jobs/{job_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="job-status"' in html and "Đang chờ" in html and "<progress" in html
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert "/static/admin/export_job.js" in html and "<script>" not in html
    assert client.get(f"/admin/exports/jobs/{job_id}/status").get_json()["status"] == "queued"
    assert fetch(client, f"/admin/exports/jobs/{job_id}/file").status_code == 404  # not ready yet

    # Watch the job from the database at every progress report, as the polling page would.
    monkeypatch.setattr(jobs, "PROGRESS_SECONDS", 0)
    seen: list[tuple] = []
    real = jobs._builders["xlsx"]

    def watched(job, progress):
        def report(percent, message):
            progress(percent, message)
            seen.append(
                db.session.execute(
                    sa.select(ExportJob.status, ExportJob.progress, ExportJob.message).where(ExportJob.id == job.id)
                ).one()
            )

        return real(job, report)

    monkeypatch.setitem(jobs._builders, "xlsx", watched)
    lines = work(site)
    assert any(f"export {job_id} (xlsx) done" in line for line in lines), lines
    assert {status for status, _p, _m in seen} == {"running"}
    progress = [p for _s, p, _m in seen]
    assert progress == sorted(progress) and 0 < max(progress) < 100 and len(set(progress)) > 3
    assert any(m.startswith("Đang lấy số liệu") for _s, _p, m in seen)
    assert any(m.startswith("Đang ghi") for _s, _p, m in seen)

    job = stored(site, job_id)
    assert (job.status, job.progress, job.error) == ("done", 100, None)
    assert job.started_at <= job.finished_at and job.expires_at == job.finished_at + timedelta(hours=24)
    assert re.fullmatch(r"[0-9a-f]{32}\.xlsx", job.stored_name)
    with site.app_context():
        path = jobs.file_path(job)
    assert path.is_file() and path.stat().st_size == job.size

    status = client.get(f"/admin/exports/jobs/{job_id}/status").get_json()
    assert status["status"] == "done" and status["progress"] == 100
    assert status["download_url"] == f"/admin/exports/jobs/{job_id}/file"
    html = client.get(f"/admin/exports/jobs/{job_id}").get_data(as_text=True)
    assert "Sẵn sàng" in html and "http-equiv" not in html
    assert f'href="/admin/exports/jobs/{job_id}/file"' in html

    download = fetch(client, f"/admin/exports/jobs/{job_id}/file")
    assert download.status_code == 200 and "spreadsheetml" in download.mimetype
    assert download.headers["Content-Disposition"] == f"attachment; filename={job.file_name}"
    assert download.headers["Cache-Control"] == "private, no-store"
    synchronous = client.get(XLSX_URL + "?unit=H-HOIAN")
    background = cells(download.data)
    assert background == cells(synchronous.data)
    units = background["Đơn vị"]
    assert [row[0] for row in units[1:]] == ["H-HOIAN"] and units[1][3] == 7
    # The report's tables only: the comments and the answers are the raw data's own download.
    assert "Ý kiến" not in background and not any(title.startswith("Câu trả lời") for title in background)
    assert OWN_SECRET not in str(background) and OTHER_SECRET not in str(background)

    # A reload, or the list of the user's exports, still finds it.
    listing = client.get("/admin/exports/jobs").get_data(as_text=True)
    assert f'data-job="{job_id}"' in listing and job.file_name in listing and "Sẵn sàng" in listing


def test_csv_and_meeting_pdf_jobs_equal_the_synchronous_downloads(site):
    client = signed_in(site, "unit_manager")
    comments = ask(client, "/admin/exports/comments.csv?score=2")
    raw = ask(client, "/admin/exports/raw.csv")
    pdf = ask(client, "/admin/exports/report.pdf")
    result = site.test_cli_runner().invoke(args=["run-exports"])
    assert result.exit_code == 0, result.output
    assert result.output.count(") done in") == 3, result.output
    for job_id, url in ((comments, "/admin/exports/comments.csv?score=2"), (raw, "/admin/exports/raw.csv")):
        background = fetch(client, f"/admin/exports/jobs/{job_id}/file")
        assert background.mimetype == "text/csv"
        assert background.data == client.get(url).data
    text = fetch(client, f"/admin/exports/jobs/{comments}/file").data.decode("utf-8-sig")
    assert OWN_SECRET in text and OTHER_SECRET not in text and len(text.strip().splitlines()) == 1 + 1
    assert len(fetch(client, f"/admin/exports/jobs/{raw}/file").data.decode("utf-8-sig").strip().splitlines()) == 1 + 7
    document = fetch(client, f"/admin/exports/jobs/{pdf}/file")
    assert document.mimetype == "application/pdf" and document.data.startswith(b"%PDF")
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(document.data)).pages
    assert "Thanh tra thành phố Hội An" in "".join(page.extract_text() for page in pages)
    listing = client.get("/admin/exports/jobs").get_data(as_text=True)
    assert "CSV: Ý kiến người dân" in listing and "CSV: Mọi câu trả lời" in listing


def test_meeting_docx_job(site):
    from docx import Document

    client = signed_in(site, "province_admin")
    job_id = ask(client, "/admin/exports/report.docx")
    work(site)
    assert stored(site, job_id).status == "done", stored(site, job_id).error
    download = fetch(client, f"/admin/exports/jobs/{job_id}/file")
    assert download.mimetype.endswith("wordprocessingml.document")
    text = "\n".join(p.text for p in Document(io.BytesIO(download.data)).paragraphs)
    assert "Toàn tỉnh" in text or "tỉnh" in text.lower()


def test_only_the_user_who_asked_sees_the_job(site):
    manager = signed_in(site, "unit_manager")
    job_id = ask(manager, XLSX_URL)
    work(site)
    assert stored(site, job_id).status == "done"
    for role in ("province_admin", "viewer"):
        other = signed_in(site, role)
        for suffix in ("", "/status", "/file"):
            assert fetch(other, f"/admin/exports/jobs/{job_id}{suffix}").status_code == 404, (role, suffix)
        assert job_id not in other.get("/admin/exports/jobs").get_data(as_text=True)
    assert manager.get(f"/admin/exports/jobs/{'0' * 32}").status_code == 404
    assert manager.get(f"/admin/exports/jobs/{'x' * 200}/status").status_code == 404
    anonymous = site.test_client()
    assert fetch(anonymous, f"/admin/exports/jobs/{job_id}/file").status_code == 302
    # Without the CSRF token nothing is queued.
    assert manager.post(XLSX_URL).status_code == 400
    with site.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 1


def test_a_repeated_click_reuses_the_job_under_way(site):
    client = signed_in(site, "province_admin")
    first = ask(client, XLSX_URL + "?unit=H-HOIAN")
    assert ask(client, XLSX_URL + "?unit=H-HOIAN") == first
    other_filter = ask(client, XLSX_URL + "?unit=H-TAMKY")
    other_kind = ask(client, "/admin/exports/report.pdf?unit=H-HOIAN")
    assert len({first, other_filter, other_kind}) == 3
    # Another user's identical click is a job of their own.
    viewer = signed_in(site, "viewer")
    assert ask(viewer, XLSX_URL + "?unit=H-HOIAN") != first
    with site.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 4
    work(site)
    # Once it is built, a new click builds the file again (the answers may have changed).
    assert ask(client, XLSX_URL + "?unit=H-HOIAN") != first


def test_a_failure_is_recorded_with_its_reason_and_never_a_500(site, monkeypatch):
    from core.reporting import exports

    def broken(_table):
        raise RuntimeError("disk full")

    client = signed_in(site, "unit_manager")
    failing = ask(client, "/admin/exports/units.csv")
    following = ask(client, XLSX_URL)
    monkeypatch.setattr(exports, "csv_bytes", broken)
    lines = work(site)
    assert any("failed: RuntimeError: disk full" in line for line in lines), lines
    job = stored(site, failing)
    assert (job.status, job.error, job.stored_name) == ("failed", "RuntimeError: disk full", None)
    assert job.finished_at is not None
    assert stored(site, following).status == "done"  # the next job still ran

    page = client.get(f"/admin/exports/jobs/{failing}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Không tạo được tệp này" in html and "disk full" not in html
    assert 'action="/admin/exports/units.csv?' in html  # "Thử lại" asks for the same export again
    assert client.get(f"/admin/exports/jobs/{failing}/status").get_json()["status"] == "failed"
    assert fetch(client, f"/admin/exports/jobs/{failing}/file").status_code == 404

    # A unit the account no longer sees fails the job instead of widening it.
    unit_job = ask(client, XLSX_URL + "?unit=H-HOIAN")
    with committing(site):
        user = db.session.scalar(sa.select(User).where(User.username == "hoian"))
        from core.org.units import unit_by_code

        user.unit_id = unit_by_code("H-TAMKY").id
    work(site)
    job = stored(site, unit_job)
    assert job.status == "failed" and "scope" in job.error


def test_expired_files_are_deleted_and_dead_workers_jobs_failed(site):
    client = signed_in(site, "province_admin")
    old = ask(client, "/admin/exports/units.csv")
    work(site)
    fresh = ask(client, "/admin/exports/points.csv")
    work(site)
    with site.app_context():
        old_path, fresh_path = (
            jobs.file_path(db.session.get(ExportJob, old)),
            jobs.file_path(db.session.get(ExportJob, fresh)),
        )
    assert old_path.is_file() and fresh_path.is_file()
    with committing(site):
        db.session.get(ExportJob, old).expires_at = utcnow() - timedelta(minutes=1)
        stuck = ask(client, "/admin/exports/trend.csv")
    with committing(site):
        job = db.session.get(ExportJob, stuck)
        job.status, job.started_at = "running", utcnow() - timedelta(hours=3)
    lines = work(site)
    assert "expired exports deleted: 1" in lines
    assert not old_path.exists() and fresh_path.is_file()
    with site.app_context():
        assert db.session.get(ExportJob, old) is None
    assert client.get(f"/admin/exports/jobs/{old}").status_code == 404
    job = stored(site, stuck)
    assert job.status == "failed" and "worker stopped" in job.error
    assert client.get(f"/admin/exports/jobs/{stuck}").status_code == 200


def test_the_raw_data_workbook_in_the_background(site):
    client = signed_in(site, "unit_manager")
    job_id = ask(client, RAW_XLSX_URL)
    job = stored(site, job_id)
    assert (job.kind, job.params["view"]) == ("xlsx", "raw")
    assert re.fullmatch(r"bao-cao-du-lieu-tho-don-vi-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.xlsx", job.file_name)
    listing = client.get("/admin/exports/jobs").get_data(as_text=True)
    assert "Dữ liệu thô (Excel)" in listing
    page = client.get(f"/admin/exports/jobs/{job_id}").get_data(as_text=True)
    assert 'action="/admin/exports/raw.xlsx?' in page  # "Thử lại" asks for the raw data again
    work(site)
    assert stored(site, job_id).status == "done", stored(site, job_id).error
    background = cells(fetch(client, f"/admin/exports/jobs/{job_id}/file").data)
    assert background == cells(client.get(RAW_XLSX_URL).data)
    assert list(background) == ["Tổng hợp", "Ý kiến", "Câu trả lời"]
    assert OWN_SECRET in str(background["Ý kiến"]) and OTHER_SECRET not in str(background)
    assert len(background["Câu trả lời"]) == 1 + 7 and {row[3] for row in background["Câu trả lời"][1:]} == {"H-HOIAN"}


def test_the_raw_sheets_hold_every_answer_past_the_old_20000_cut(site, monkeypatch):
    from core.demo import add_sample_responses
    from core.reporting import exports

    with committing(site):
        add_sample_responses(count=20_100, days=20, seed=7)
    with site.app_context():
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Response))
    assert total == 20_100 + 13
    # A smaller sheet than Excel's keeps the test quick; every row must still be written.
    monkeypatch.setattr(exports, "SHEET_ROWS", 15_000)
    client = signed_in(site, "province_admin")
    job_id = ask(client, RAW_XLSX_URL + "?unit=")
    work(site)
    assert stored(site, job_id).status == "done", stored(site, job_id).error
    sheets = cells(fetch(client, f"/admin/exports/jobs/{job_id}/file").data)
    assert list(sheets)[-2:] == ["Câu trả lời", "Câu trả lời (2)"]
    first, second = sheets["Câu trả lời"], sheets["Câu trả lời (2)"]
    assert first[0] == second[0] and first[0][0] == "Mã câu trả lời"
    assert len(first) - 1 == 15_000 and len(second) - 1 == total - 15_000
    ids = [row[0] for row in first[1:] + second[1:]]
    assert len(set(ids)) == total
    overview = dict(sheets["Tổng hợp"][1:])
    assert overview["Số lượt ở sheet “Câu trả lời”"] == 15_000
    assert overview["Số lượt ở sheet “Câu trả lời (2)”"] == total - 15_000
    assert "15.000 dòng" in overview["Ghi chú"] and "“Câu trả lời (2)”" in overview["Ghi chú"]


def test_workers_never_take_the_same_job(site):
    client = signed_in(site, "province_admin")
    held = ask(client, XLSX_URL + "?unit=H-HOIAN")
    free = ask(client, "/admin/exports/units.csv")
    with site.app_context():
        if db.engine.dialect.name == "postgresql":
            # Another worker is claiming the oldest job (its row is locked): SKIP LOCKED passes it by.
            with db.engine.connect() as other:
                other.execute(sa.text("SELECT id FROM export_jobs WHERE id = :id FOR UPDATE"), {"id": held})
                assert jobs.claim().id == free
                other.rollback()
            assert jobs.claim().id == held
        else:
            assert [jobs.claim().id, jobs.claim().id] == [held, free]
        assert jobs.claim() is None
        statuses = dict(db.session.execute(sa.select(ExportJob.id, ExportJob.status)).all())
    assert statuses == {held: "running", free: "running"}
