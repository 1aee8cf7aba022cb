#!/usr/bin/env python3
"""Refresh README's admin screenshots from a running service with the demo data (`make run`).

    .venv/bin/python tools/screenshots.py [--url http://127.0.0.1:8000] [--out docs/screenshots]

Logs in as the demo's province admin in Debian's Chromium (never a downloaded browser), captures the
screens the README shows, and renders the first page of the meeting report and of the score sheet
(the PDFs the office prints) to PNG with pypdfium2.
"""

from __future__ import annotations

import argparse
import io
import re
import time
from pathlib import Path

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ARGS += ["--disable-sync"]
ROOT = Path(__file__).resolve().parents[1]


def _pdf_page_png(data: bytes, target: Path, page: int = 0) -> None:
    import pypdfium2

    document = pypdfium2.PdfDocument(io.BytesIO(data))
    document[page].render(scale=1.4).to_pil().save(target)


def _period(page, url: str) -> str:
    page.goto(f"{url}/admin/competition")
    codes = re.findall(r"/admin/competition/(demo-\d{4})", page.content())
    return codes[0] if codes else "2023-2024"


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default="demo-admin-2026")
    options = parser.parse_args()
    out, url = Path(options.out), options.url.rstrip("/")
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True)
        page = context.new_page()
        page.goto(f"{url}/admin/login")
        page.fill("input[name=username]", options.user)
        page.fill("input[name=password]", options.password)
        page.click("button[type=submit]")
        period = _period(page, url)
        screens = {
            "admin-criteria": f"/admin/reports/criteria?period={period}",
            "admin-survey-editor": "/admin/surveys/1/edit",
            "admin-points": "/admin/points?q=hoi+an",
            "admin-audit": "/admin/audit",
            "admin-competition": f"/admin/competition/{period}",
        }
        for name, path in screens.items():
            page.goto(url + path)
            page.screenshot(path=str(out / f"{name}.png"), full_page=False)
            print("wrote", out / f"{name}.png")
        # A background export: ask for the workbook, wait on its page until the file is offered.
        page.goto(f"{url}/admin/reports/units?period={period}")
        page.locator("form[action*='report.xlsx'] button").first.click()
        page.wait_for_url(re.compile(r"/admin/exports/jobs/"))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not page.locator("a[href$='/file']").is_visible():
            time.sleep(1)
        page.screenshot(path=str(out / "admin-export-job.png"))
        print("wrote", out / "admin-export-job.png")
        meeting = context.request.get(f"{url}/admin/exports/report.pdf?period={period}").body()
        _pdf_page_png(meeting, out / "meeting-report-pdf.png")
        sheet = context.request.get(f"{url}/admin/competition/{period}/sheet.pdf?stage=so_ket")
        if sheet.ok:
            _pdf_page_png(sheet.body(), out / "competition-pdf.png")
        print("wrote the PDF pages", sheet.status)
        browser.close()


if __name__ == "__main__":
    main()
