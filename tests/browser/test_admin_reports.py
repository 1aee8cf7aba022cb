"""Playwright: sign in, open a report, change the filter, download the XLSX and read it back."""

from __future__ import annotations

import os
import re
from pathlib import Path

from openpyxl import load_workbook

from tests.browser.test_export_jobs import download_through_job


def _shot(page, name: str) -> None:
    # Screenshots for the README are written only when asked: SCREENSHOT_DIR=docs/screenshots.
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"admin-{name}.png"), full_page=True)


def _images_loaded(page) -> None:
    # Polled from Python: wait_for_function would eval() inside a page whose CSP forbids it.
    script = "() => [...document.images].every(img => img.complete && img.naturalWidth > 0)"
    for _ in range(100):
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError("a chart image did not load")


def test_admin_report_filter_and_xlsx_download(live_server, browser, tmp_path):
    from core.demo import load_demo
    from tests.conftest import committing

    with committing(live_server.app):  # the core never commits: the caller does, as a command would
        load_demo(sample_days=28)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto(f"{live_server.url}/admin/login")
        page.get_by_label("Tên đăng nhập").fill("admin")
        page.get_by_label("Mật khẩu").fill("demo-admin-2026")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(re.compile(r"/admin/$"))
        headline = page.locator("#headline-responses").inner_text()
        assert int(headline.replace(".", "")) > 100
        _images_loaded(page)
        _shot(page, "dashboard")

        page.get_by_role("link", name="Báo cáo", exact=True).click()
        page.wait_for_url(re.compile(r"/admin/reports/units"))
        assert page.locator("#report-table tbody tr").count() == 39
        _images_loaded(page)
        _shot(page, "units")

        page.get_by_label("Đơn vị", exact=True).select_option("H-HOIAN")
        page.get_by_role("button", name="Xem báo cáo").click()
        page.wait_for_url(re.compile(r"unit=H-HOIAN"))
        rows = page.locator("#report-table tbody tr")
        assert rows.count() == 1
        shown_responses = int(rows.first.locator("td.num").first.inner_text().replace(".", ""))
        shown_index = rows.first.locator("td.index").inner_text()

        # The workbook is built in the background: its page offers it once the worker is done.
        report_url = page.url
        live_server.app.config["EXPORT_DIR"] = str(tmp_path / "exports")
        download, target = download_through_job(page, live_server.app, "Excel (các bảng số liệu)", tmp_path)
        assert download.suggested_filename.endswith(".xlsx") and "H-HOIAN" in download.suggested_filename
        workbook = load_workbook(target)
        units = list(workbook["Đơn vị"].iter_rows(min_row=2, values_only=True))
        assert [row[0] for row in units] == ["H-HOIAN"]
        assert units[0][3] == shown_responses
        assert f"{units[0][5]:.1f}".replace(".", ",") == shown_index
        page.goto(report_url)

        page.get_by_role("link", name="Ý kiến người dân").click()
        page.wait_for_url(re.compile(r"/admin/reports/comments\?.*unit=H-HOIAN"))
        _shot(page, "comments")
        page.get_by_role("link", name="Giờ × ngày trong tuần").click()
        _images_loaded(page)
        _shot(page, "heatmap")
        page.get_by_role("link", name="Xếp hạng khối, cụm").click()
        page.wait_for_url(re.compile(r"/admin/reports/ranking\?.*unit=H-HOIAN"))
        assert page.locator("#report-table tbody tr").count() == 39  # every unit's aggregate, own one marked
        assert page.locator("#report-table tr.mine").count() == 1
        _shot(page, "ranking")

        # A refused form comes back with the message next to its field, and nothing changed.
        page.get_by_role("link", name="Đổi mật khẩu").click()
        page.get_by_label("Mật khẩu hiện tại").fill("demo-admin-2026")
        page.get_by_label("Mật khẩu mới", exact=True).fill("a-new-pass-123")
        page.get_by_label("Nhập lại mật khẩu mới").fill("another-pass-123")
        page.get_by_role("button", name="Đổi mật khẩu").click()
        error = page.locator("#confirm + .field-error")
        assert error.inner_text() == "Hai lần nhập mật khẩu mới không khớp."
        with live_server.app.app_context():
            from core.org.accounts import authenticate

            assert authenticate("admin", "demo-admin-2026") is not None
        assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    finally:
        context.close()
