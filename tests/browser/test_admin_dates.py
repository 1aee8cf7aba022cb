"""Playwright under an en-US browser: the report's date boxes show dd/mm/yyyy (a browser date
picker would show mm/dd/yyyy), typing a day-first date filters the report, and the helper script
tidies what was typed."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.test_admin_support import OTHER_POINT, OWN_POINT, answer


def test_report_dates_read_day_first_in_an_english_browser(live_server, browser):
    from core.demo import load_demo
    from core.timeutil import local_today
    from tests.conftest import committing

    app = live_server.app

    with committing(app):
        load_demo(sample_days=0)
    with committing(app):
        # Two answers today, one 4 days ago (older ones would be flagged "clock"): the last 3 days hold two.
        answer(OWN_POINT, 5, hours_ago=1)
        answer(OTHER_POINT, 4, hours_ago=1)
        answer(OWN_POINT, 1, hours_ago=4 * 24)
        today = local_today()
    week_ago = today - timedelta(days=2)
    with app.app_context():
        from core.reporting.queries import scope_summary

        last_30 = scope_summary(today - timedelta(days=29), today).responses
        last_7 = scope_summary(week_ago, today).responses
    assert last_30 == last_7 + 1  # the answer of 4 days ago tells the two ranges apart
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto(f"{live_server.url}/admin/login")
        page.get_by_label(re.compile("Tên đăng nhập|User name", re.I)).fill("admin")
        page.get_by_label(re.compile("Mật khẩu|Password", re.I)).fill("demo-admin-2026")
        page.get_by_role("button", name=re.compile("Đăng nhập|Sign in", re.I)).click()
        page.wait_for_url(re.compile(r"/admin/$"))
        assert page.evaluate("navigator.language") == "en-US"

        first_box, last_box = page.locator("#f-from"), page.locator("#f-to")
        assert first_box.get_attribute("type") == "text" and first_box.get_attribute("placeholder") == "dd/mm/yyyy"
        # The default range (the last 30 days) is shown day first, whatever the browser's language.
        assert last_box.input_value() == today.strftime("%d/%m/%Y")
        assert first_box.input_value() == (today - timedelta(days=29)).strftime("%d/%m/%Y")
        assert page.locator("#headline-responses").inner_text().replace(".", "").replace(",", "") == str(last_30)

        # Typed as digits only: the helper adds the slashes; the server reads day first.
        first_box.fill("")
        first_box.press_sequentially(week_ago.strftime("%d%m%Y"))
        assert first_box.input_value() == week_ago.strftime("%d/%m/%Y")
        # ISO typed in full is tidied to day first when the box is left.
        last_box.fill(today.isoformat())
        last_box.blur()
        assert last_box.input_value() == today.strftime("%d/%m/%Y")
        page.locator("form.filters button[type=submit]").click()
        page.wait_for_url(re.compile(r"from="))
        assert f"from={week_ago.strftime('%d')}%2F{week_ago.strftime('%m')}%2F{week_ago.year}" in page.url
        assert page.locator("#headline-responses").inner_text().replace(".", "").replace(",", "") == str(last_7)
        assert page.locator("#f-from").input_value() == week_ago.strftime("%d/%m/%Y")
        shown = page.locator(".scope-line").inner_text()
        assert f"{week_ago.strftime('%d/%m/%Y')} – {today.strftime('%d/%m/%Y')}" in shown
        assert not problems, problems
    finally:
        context.close()
