"""Playwright: a download button queues a background export; the progress page follows it (by
polling with JavaScript, or by reloading itself without), offers the file without a manual reload,
and still shows it after a reload."""

from __future__ import annotations

import re
import threading

from openpyxl import load_workbook

from core.reporting import jobs
from tests.conftest import committing
from tests.test_admin_support import seed

JOB_PAGE = re.compile(r"/admin/exports/jobs/[0-9a-f]{32}$")


def run_worker(app, gate: threading.Event | None = None) -> threading.Thread:
    """`run-exports`' pass in a thread against the live server's database; with `gate`, the build
    reports 37 % and waits for it, so the page can be seen while the job runs."""

    def target():
        with app.app_context():
            jobs.one_pass(lambda _line: None)

    if gate is not None:
        real = jobs._builders["xlsx"]

        def held(job, progress):
            progress(37, "Đang lấy số liệu (thử)")
            gate.wait(timeout=30)
            return real(job, progress)

        jobs._builders["xlsx"] = held
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def download_through_job(page, app, button: str, folder):
    """Click a download button, let the worker build the file, and save what the page offers."""
    page.get_by_role("button", name=button).click()
    page.wait_for_url(JOB_PAGE)
    thread = run_worker(app)
    page.locator("#job-download").wait_for(state="visible", timeout=30_000)
    thread.join(timeout=30)
    with page.expect_download() as info:
        page.locator("#job-download").click()
    download = info.value
    target = folder / download.suggested_filename
    download.save_as(target)
    return download, target


def _sign_in(page, url: str) -> None:
    page.goto(f"{url}/admin/login")
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill("demo-admin-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def test_xlsx_export_shows_progress_and_offers_the_file(live_server, browser, tmp_path, monkeypatch):
    app = live_server.app
    app.config["EXPORT_DIR"] = str(tmp_path / "exports")
    monkeypatch.setattr(jobs, "PROGRESS_SECONDS", 0)
    monkeypatch.setitem(jobs._builders, "xlsx", jobs._builders["xlsx"])  # put back after the gate
    with committing(app):
        from core.demo import load_demo

        load_demo(sample_days=0)
    seed(app)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        _sign_in(page, live_server.url)
        page.goto(f"{live_server.url}/admin/reports/units?unit=H-HOIAN")
        page.get_by_role("button", name="Excel (các bảng số liệu)").click()
        page.wait_for_url(JOB_PAGE)
        job_url = page.url
        assert page.locator("#job-status").inner_text() == "Đang chờ"
        assert page.locator("#job-download").is_hidden()
        loads: list[str] = []
        page.on("load", lambda: loads.append(page.url))

        gate = threading.Event()
        thread = run_worker(app, gate)
        # The page follows the running job by itself: the status and the bar move without a reload.
        page.locator("#job-status", has_text="Đang tạo tệp").wait_for(timeout=15_000)
        page.locator("#job-message", has_text="Đang lấy số liệu (thử)").wait_for(timeout=15_000)
        assert page.locator("#job-progress").evaluate("bar => bar.value") == 37
        assert page.locator("#job-percent").inner_text() == "37%"
        gate.set()
        page.locator("#job-download").wait_for(state="visible", timeout=30_000)
        thread.join(timeout=30)
        assert page.locator("#job-status").inner_text() == "Sẵn sàng"
        assert page.locator("#job-progress").evaluate("bar => bar.value") == 100
        assert loads == [], "the page was reloaded"

        with page.expect_download() as info:
            page.locator("#job-download").click()
        download = info.value
        assert re.fullmatch(r"bao-cao-hai-long-H-HOIAN-.*\.xlsx", download.suggested_filename)
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        units = list(load_workbook(target)["Đơn vị"].iter_rows(min_row=2, values_only=True))
        assert [row[0] for row in units] == ["H-HOIAN"] and units[0][3] == 7

        # A reload, and the list of the user's exports, still find the file.
        page.reload()
        assert page.locator("#job-status").inner_text() == "Sẵn sàng"
        assert page.locator("#job-download").is_visible()
        page.get_by_role("link", name="Tệp đã yêu cầu").click()
        row = page.locator("#export-jobs tbody tr").first
        assert "Sẵn sàng" in row.inner_text()
        row.get_by_role("link").click()
        assert page.url == job_url
        assert problems == []
    finally:
        context.close()


def test_without_javascript_the_page_reloads_itself_until_the_file_is_ready(live_server, browser, tmp_path):
    app = live_server.app
    app.config["EXPORT_DIR"] = str(tmp_path / "exports")
    with committing(app):
        from core.demo import load_demo

        load_demo(sample_days=0)
    seed(app)
    context = browser.new_context(locale="vi-VN", java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    try:
        _sign_in(page, live_server.url)
        page.goto(f"{live_server.url}/admin/reports/points")
        page.get_by_role("button", name="CSV bảng này").click()
        page.wait_for_url(JOB_PAGE)
        assert page.locator("#job-status").inner_text() == "Đang chờ"
        thread = run_worker(app)
        page.locator("#job-download").wait_for(state="visible", timeout=30_000)  # after a refresh
        thread.join(timeout=30)
        with page.expect_download() as info:
            page.locator("#job-download").click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        rows = path.read_bytes().decode("utf-8-sig").splitlines()
        assert rows[0].startswith("Mã điểm") and any(line.startswith("H-HOIAN-P1,") for line in rows)
    finally:
        context.close()
