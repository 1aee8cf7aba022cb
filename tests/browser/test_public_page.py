"""The public transparency page in Debian's Chromium: on a phone with JavaScript off (the tables
and the charts visible, nothing wider than the screen), nothing fetched from anywhere but the
service itself, and the TV view for the hall's 1920×1080 screen that turns its own pages.

Screenshots go to a temporary folder; with UPDATE_SCREENSHOTS=1 they refresh docs/screenshots/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core import demo
from core.audit import Actor
from core.competition.publicity import show_live_index
from tests.conftest import committing

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def site(live_server):
    """The demo province with four weeks of answers; its sơ kết frozen and published."""
    with committing(live_server.app):
        demo.load_demo(sample_days=28)
    return live_server


@pytest.fixture
def shot(tmp_path):
    def save(page, name: str, full_page: bool = False) -> None:
        target = DOCS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
        target.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target / f"{name}.png"), full_page=full_page)

    return save


def watch_requests(context, server) -> list[str]:
    """Every URL the browser asks for; anything not from the service is refused as well as listed."""
    seen: list[str] = []

    def check(route):
        url = route.request.url
        seen.append(url)
        if url.startswith(server.url + "/") or url.startswith("data:"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", check)
    return seen


def foreign(seen: list[str], server) -> list[str]:
    return [url for url in seen if not (url.startswith(server.url + "/") or url.startswith("data:"))]


def test_the_page_on_a_phone_without_javascript(site, phone_no_js, shot):
    seen = watch_requests(phone_no_js, site)
    page = phone_no_js.new_page()
    page.goto(f"{site.url}/cong-khai")
    expect(page.get_by_role("heading", level=1)).to_have_text("Công khai kết quả thi đua")
    expect(page.locator(".pc-stage")).to_have_text("Sơ kết")
    first_table = page.locator("table.pc-table").first
    expect(first_table).to_be_visible()
    expect(first_table.get_by_role("columnheader", name="Điểm")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Cụm thi đua Thanh tra các huyện miền núi")).to_be_visible()
    charts = page.locator("svg.pc-chart")
    assert charts.count() == 5
    chart = charts.first
    chart.scroll_into_view_if_needed()
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 200
    assert "Biểu đồ điểm thi đua" in (chart.get_attribute("aria-label") or "")
    # Nothing wider than the phone: no sideways scrolling, every table within the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for table in page.locator("table").all():
        table_box = table.bounding_box()
        assert table_box and table_box["x"] >= 0 and table_box["x"] + table_box["width"] <= 390
    assert page.locator("script").count() == 0
    assert foreign(seen, site) == [] and any(url.endswith("/static/public/public.css") for url in seen)
    shot(page, "public-phone-nojs")
    page.close()


def test_the_page_and_its_chart_on_a_desk(site, tablet, shot):
    seen = watch_requests(tablet, site)
    page = tablet.new_page()
    page.goto(f"{site.url}/cong-khai")
    expect(page.locator("table.pc-table").first).to_be_visible()
    expect(page.locator("svg.pc-chart").first).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    shot(page, "public")
    # The chart on its own, as the portal could link it.
    page.goto(f"{site.url}/cong-khai/chart/{_period_code(site)}/so_ket.svg")
    assert page.locator("svg text").count() > 39
    assert foreign(seen, site) == []
    page.close()


def test_the_tv_view_refreshes_itself_and_fits_the_screen(site, browser, shot):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="vi-VN", java_script_enabled=False)
    seen = watch_requests(context, site)
    page = context.new_page()
    page.goto(f"{site.url}/cong-khai/tv")
    refresh = page.locator('meta[http-equiv="refresh"]')
    assert refresh.count() == 1 and (refresh.get_attribute("content") or "").startswith("60")
    expect(page.locator(".tv-group")).to_have_count(4)
    expect(page.locator(".tv-group").first.locator("tbody tr")).to_have_count(5)
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    shot(page, "public-tv")
    # With the live index switched on, the screen alternates between the two views.
    with committing(site.app):
        show_live_index(Actor.cli(), True)
    page.goto(f"{site.url}/cong-khai/tv")
    assert page.locator('meta[http-equiv="refresh"]').get_attribute("content") == "60; url=/cong-khai/tv?view=live"
    page.goto(f"{site.url}/cong-khai/tv?view=live")
    expect(page.locator(".tv-live")).to_have_text("Đang cập nhật")
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    shot(page, "public-tv-live")
    assert foreign(seen, site) == []
    context.close()


def _period_code(site) -> str:
    import sqlalchemy as sa

    from core.extensions import db
    from core.models import CompetitionPeriod, FrozenReview

    with site.app.app_context():
        return db.session.scalar(
            sa.select(CompetitionPeriod.code).join(FrozenReview).where(FrozenReview.published_at.is_not(None))
        )
