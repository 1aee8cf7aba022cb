"""Playwright: the province office adds a criterion in Vietnamese and English, saves and applies the
new version, and the QR survey asks it in both languages. The admin layout's skip link comes
first and leads to the main content, and every text of the admin pages has a contrast of 4.5:1."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

NEW_LABEL = "Thái độ cán bộ"
NEW_QUESTION = "Cán bộ tiếp Ông/Bà có lịch sự, tôn trọng không?"
NEW_QUESTION_EN = "Was the officer polite and respectful?"

# Every text node's colour against the background it is drawn on (the first ancestor with an
# opaque background colour), with the WCAG 2 relative luminance formula.
CONTRAST_SCRIPT = """() => {
  const rgba = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const [r, g, b, a = 1] = rgba(getComputedStyle(node).backgroundColor);
      if (a >= 0.99) return [r, g, b];
    }
    return [255, 255, 255];
  };
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || !element || !element.getClientRects().length) continue;
    const style = getComputedStyle(element);
    if (style.visibility !== "visible" || element.closest("[aria-hidden=true], .visually-hidden, .skip-link")) continue;
    const [r, g, b, a = 1] = rgba(style.color);
    const back = background(element);
    const fore = [r, g, b].map((v, i) => v * a + back[i] * (1 - a));
    const [high, low] = [luminance(fore), luminance(back)].sort((x, y) => y - x);
    const ratio = (high + 0.05) / (low + 0.05);
    found.push({text: node.textContent.trim().slice(0, 40), ratio, color: style.color, back: back.join(",")});
  }
  return found;
}"""

ADMIN_PAGES = [
    "/admin/",
    "/admin/surveys",
    "/admin/points",
    "/admin/points?q=hoi+an",
    "/admin/units",
    "/admin/groups",
    "/admin/devices",
    "/admin/users",
    "/admin/periods",
    "/admin/audit",
    "/admin/cases",
    "/admin/alerts",
    "/admin/calendar",
    "/admin/monitoring",
    "/admin/tokens",
    "/admin/reports/units",
    "/admin/reports/heatmap",
    "/admin/reports/ranking",
    "/admin/competition",
]


@pytest.fixture
def office(live_server, browser):
    from core.demo import load_demo
    from tests.conftest import committing

    with committing(live_server.app):
        load_demo(sample_days=7)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login")
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill("demo-admin-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    yield page
    context.close()


def _point_token(app) -> str:
    from core.extensions import db
    from core.models import Point

    with app.app_context():
        return db.session.scalar(sa.select(Point.public_token).where(Point.code == "H-HOIAN-P1"))


def test_add_a_criterion_in_both_languages_and_the_survey_asks_it(live_server, office):
    page = office
    page.get_by_role("link", name="Phiếu khảo sát", exact=True).click()
    page.get_by_role("link", name="Sửa thành phiên bản mới").first.click()
    page.wait_for_url(re.compile(r"/admin/surveys/\d+/edit$"))
    assert page.locator("textarea").count() == 0  # no box of pipe-separated lines any more
    before = page.locator("fieldset.survey-row[data-row^=criteria]").count()

    page.get_by_role("button", name="+ Thêm tiêu chí").click()
    row = page.locator(f'fieldset[data-row="criteria-{before}"]')
    row.wait_for()
    assert page.locator("fieldset.survey-row[data-row^=criteria]").count() == before + 1
    # The new row's first box has the focus, ready to type.
    assert page.evaluate("document.activeElement.id") == f"criteria-{before}-label"
    row.get_by_label("Nhãn ngắn (tiếng Việt)").fill(NEW_LABEL)
    row.get_by_label("Nhãn ngắn (tiếng Anh)").fill("Staff attitude")
    row.get_by_label("Câu hỏi (tiếng Việt)").fill(NEW_QUESTION)
    row.get_by_label("Yếu tố SIPAS").select_option(label="Công chức giải quyết")
    row.get_by_label("Đo mục nào của bảng điểm thi đua").select_option(label="Mục 6: Công sở và cán bộ")
    row.get_by_label("Bắt buộc trả lời").check()
    # Enter in a text box saves (the form's default button), it does not move or remove a row.
    row.get_by_label("Câu hỏi (tiếng Anh)").fill(NEW_QUESTION_EN)
    row.get_by_label("Câu hỏi (tiếng Anh)").press("Enter")
    page.wait_for_url(re.compile(r"/admin/surveys$"))
    assert "Đã lưu phiên bản 2 (chưa áp dụng)" in page.locator(".flash").inner_text()

    from core.extensions import db
    from core.models import Survey

    with live_server.app.app_context():
        new = db.session.scalar(sa.select(Survey).where(Survey.version == 2))
        added = new.criteria[-1]
        assert (added.code, added.label, added.label_en, added.question, added.question_en) == (
            "thai-do-can-bo",
            NEW_LABEL,
            "Staff attitude",
            NEW_QUESTION,
            NEW_QUESTION_EN,
        )
        assert (added.sipas_element, added.plan_item, added.required) == ("civil_servant", 6, True)
        new_id = new.id

    page.locator(f'tr[data-survey="{new_id}"]').get_by_role("button", name="Áp dụng").click()
    page.wait_for_url(re.compile(r"/admin/surveys$"))
    assert "đang áp dụng" in page.locator(f'tr[data-survey="{new_id}"]').inner_text()

    survey_url = f"{live_server.url}/s/{_point_token(live_server.app)}"
    page.goto(survey_url)
    assert page.get_by_role("group", name=NEW_QUESTION).count() == 1
    page.goto(f"{survey_url}?lang=en")
    assert page.get_by_role("group", name=NEW_QUESTION_EN).count() == 1


def test_the_skip_link_comes_first_and_leads_to_the_main_content(office):
    page = office
    for path in ("/admin/", "/admin/points", "/admin/surveys"):
        page.goto(page.url.split("/admin/")[0] + path)
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => [document.activeElement.className, document.activeElement.getAttribute('href'), "
            "document.activeElement.textContent, document.activeElement.getBoundingClientRect().top]"
        )
        assert focused[:3] == ["skip-link", "#main", "Bỏ qua, đến nội dung chính"], path
        assert focused[3] >= 0  # shown on focus, not left off screen
        assert page.evaluate("document.getElementById('main').tagName") == "MAIN"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
    # The favicon is linked and served.
    icon = page.evaluate("document.querySelector('link[rel=icon]').href")
    assert icon.endswith("/static/favicon.svg")
    assert page.request.get(icon).headers["content-type"].startswith("image/svg+xml")


def test_every_admin_text_has_a_contrast_of_at_least_4_5(office):
    page = office
    base = page.url.split("/admin/")[0]
    measured = 0
    for path in ADMIN_PAGES:
        response = page.goto(base + path)
        assert response.status == 200, path
        texts = page.evaluate(CONTRAST_SCRIPT)
        measured += len(texts)
        low = [text for text in texts if text["ratio"] < 4.5]
        assert low == [], (path, low[:5])
    assert measured > 500  # the pages were really read
