"""The kiosk's large-text button, tapped as a citizen would in Debian's Chromium: the tablet keeps
its zoom lock (one citizen's pinch must not stay for the next), so it offers its own button that
makes every text at least 1.5× larger, still fits landscape and portrait tablets, and turns itself
off whenever the screen resets for the next citizen. The answers given meanwhile are stored as usual."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import test_kiosk_tablet as kiosk
from tests.browser.test_kiosk_tablet import LABELS, pair, tap, wait_rows

# The kiosk tests' fixtures: the app with one reception point, and a tablet page that fails on CSP errors.
serve = kiosk.serve
page = kiosk.page

QUESTION = "Ông/Bà có hài lòng với lần làm việc hôm nay không?"

# Every rendered text on the page: its element (by document order, stable while the DOM does not
# change), the text and its computed font size in px.
TEXTS = """() => {
    const all = Array.from(document.querySelectorAll("*"));
    const out = {};
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
        const text = node.textContent.trim();
        const el = node.parentElement;
        if (!text || el.closest("script, svg, [hidden]") || !el.getClientRects().length) continue;
        out[all.indexOf(el)] = { text, size: parseFloat(getComputedStyle(el).fontSize) };
    }
    return out;
}"""

# Texts cut by their box, and boxes the citizen cannot reach even by scrolling (left or right of the
# screen: the stage scrolls only up and down).
LAYOUT = """() => {
    const problems = [];
    const width = document.documentElement.clientWidth;
    for (const el of document.querySelectorAll("body *")) {
        if (el.closest("script, svg, [hidden], .sprite") || !el.getClientRects().length) continue;
        const style = getComputedStyle(el);
        if (style.visibility === "hidden") continue;
        const box = el.getBoundingClientRect();
        const name = el.tagName + (el.id ? "#" + el.id : "") + " " + (el.textContent || "").trim().slice(0, 30);
        if (box.left < -1 || box.right > width + 1) problems.push("off screen: " + name);
        const clips = style.overflowX !== "visible" || style.overflowY !== "visible";
        if (clips && el.tagName !== "MAIN" && el.tagName !== "TEXTAREA"
            && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
            problems.push("cut: " + name);
        }
    }
    if (document.documentElement.scrollWidth > width) problems.push("horizontal scroll");
    // Nothing drawn over anything else: faces under buttons, a label under a field.
    const parts = Array.from(document.querySelectorAll(
        ".screen:not([hidden]) :is(button, h1, h2, p, label, input, textarea), .bar button"
    )).filter(el => el.getClientRects().length && !el.closest("[hidden]"));
    for (const a of parts) {
        for (const b of parts) {
            if (a === b || a.contains(b) || b.contains(a)) continue;
            // The stage clips what it scrolls: its parts never cover the bar's.
            if (!!a.closest(".bar") !== !!b.closest(".bar")) continue;
            const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
            const across = Math.min(p.right, q.right) - Math.max(p.left, q.left);
            const down = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
            if (across > 1 && down > 1) problems.push("overlap: " + a.textContent.trim().slice(0, 20)
                + " / " + b.textContent.trim().slice(0, 20));
        }
    }
    return problems;
}"""


def texts(page) -> dict[str, dict]:
    return page.evaluate(TEXTS)


def shown(found: dict) -> list[tuple[str, float]]:
    """The texts and their sizes, whatever elements were rendered again in between."""
    return sorted((v["text"], v["size"]) for v in found.values())


def toggle(page):
    return page.get_by_role("button", name="Chữ lớn")


def font_size(page, selector: str) -> float:
    return page.locator(selector).first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")


def assert_scaled(normal: dict, large: dict, at_least: float = 1.5) -> None:
    assert normal.keys() == large.keys() and len(normal) >= 5, (normal, large)
    small = {
        v["text"]: round(large[k]["size"] / v["size"], 3)
        for k, v in normal.items()
        if large[k]["size"] < at_least * v["size"] - 0.01  # computed sizes are fractional px
    }
    assert not small, small


def check_this_screen_scales(page) -> None:
    """Large text is on: turn it off and on again here, every text on this screen ≥ 1.5×."""
    button = toggle(page)
    expect(button).to_have_attribute("aria-pressed", "true")
    large = texts(page)
    button.tap()
    expect(button).to_have_attribute("aria-pressed", "false")
    normal = texts(page)
    button.tap()
    expect(button).to_have_attribute("aria-pressed", "true")
    assert_scaled(normal, large)
    assert texts(page) == large


def test_large_text_scales_every_text_on_every_screen_and_resets_after_the_thank_you(serve, page):
    server = serve(KIOSK_THANKS_SECONDS=3, KIOSK_IDLE_SECONDS=60)
    pair(server, page)
    button = toggle(page)
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-pressed", "false")
    box = button.bounding_box()
    assert box["height"] >= 56 and box["width"] >= 140  # large enough to spot and to tap
    normal_start = texts(page)
    named = {v["text"]: v["size"] for v in normal_start.values()}
    # 1280×800: vmin is 8 px; the sizes worked out from kiosk.css's clamp() rules.
    assert named[QUESTION] == pytest.approx(36.8)  # clamp(26px, 4.6vmin, 52px)
    assert named["Rất hài lòng"] == pytest.approx(21.6)  # a face label: clamp(18px, 2.7vmin, 30px)
    assert named["Chữ lớn"] == pytest.approx(21)

    button.tap()
    expect(button).to_have_attribute("aria-pressed", "true")
    large_start = texts(page)
    assert_scaled(normal_start, large_start)
    named = {v["text"]: v["size"] for v in large_start.values()}
    assert named[QUESTION] == pytest.approx(55.2)
    assert named["Rất hài lòng"] == pytest.approx(32.4)
    assert named["English"] == pytest.approx(27)  # a button of the bar: 18 px

    # A low score: the reasons, a follow-up question, the comment, the thank-you; large all along.
    tap(page, "Không hài lòng")
    expect(page.get_by_role("heading", name="Điều gì khiến Ông/Bà chưa hài lòng?")).to_be_visible()
    check_this_screen_scales(page)
    page.get_by_role("button", name="Phải chờ lâu").tap()
    assert font_size(page, "#chips button") == pytest.approx(28.8)  # body text 2.4vmin, × 1.5
    assert font_size(page, "#s-reasons [data-action=next]") == pytest.approx(28.8)
    page.get_by_role("button", name="Tiếp tục").tap()
    expect(page.get_by_role("heading", name="Ông/Bà có được đón tiếp niềm nở không?")).to_be_visible()
    check_this_screen_scales(page)
    tap(page, "Bình thường")
    expect(page.get_by_role("heading", name="Ông/Bà có được hướng dẫn tận tình, dễ hiểu không?")).to_be_visible()
    page.get_by_role("button", name="Bỏ qua").tap()
    tap(page, "Hài lòng")
    expect(page.get_by_label("Góp ý (không bắt buộc)")).to_be_visible()
    check_this_screen_scales(page)
    page.get_by_label("Góp ý (không bắt buộc)").fill("Chữ to dễ đọc.")
    page.get_by_role("button", name="Gửi").tap()
    expect(page.get_by_text("Cảm ơn Ông/Bà!")).to_be_visible()
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-pressed", "true")
    assert font_size(page, "#s-thanks h1") == pytest.approx(108)  # clamp(40px, 9vmin, 96px) = 72 px, × 1.5

    # The thank-you resets the screen: the next citizen finds normal text.
    expect(page.get_by_role("heading", name=QUESTION)).to_be_visible(timeout=10000)
    expect(button).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("document.documentElement.classList.contains('large-text')") is False
    assert shown(texts(page)) == shown(normal_start)

    [stored] = wait_rows(server, 1)
    assert stored.scores == {"overall": 2, "welcome": 3, "office": 4}
    assert stored.reason_codes == ["wait"]
    assert stored.comment == "Chữ to dễ đọc."
    assert stored.channel == "kiosk" and stored.flag is None


def test_the_idle_reset_turns_large_text_off(serve, page):
    server = serve(KIOSK_IDLE_SECONDS=3)
    pair(server, page)
    button = toggle(page)
    normal = texts(page)
    # With an answer open: large text, one face, then the citizen walks away.
    button.tap()
    expect(button).to_have_attribute("aria-pressed", "true")
    tap(page, "Hài lòng")
    expect(page.get_by_role("heading", name="Ông/Bà có được đón tiếp niềm nở không?")).to_be_visible()
    expect(page.get_by_role("heading", name=QUESTION)).to_be_visible(timeout=15000)
    expect(button).to_have_attribute("aria-pressed", "false")
    assert shown(texts(page)) == shown(normal)
    [stored] = wait_rows(server, 1)
    assert stored.scores == {"overall": 4}

    # Without any answer: only the button, on the first screen. It still goes back to normal.
    button.tap()
    expect(button).to_have_attribute("aria-pressed", "true")
    assert font_size(page, "#q-first") == pytest.approx(55.2)
    page.wait_for_function("() => !document.documentElement.classList.contains('large-text')", timeout=15000)
    expect(button).to_have_attribute("aria-pressed", "false")
    assert shown(texts(page)) == shown(normal)
    assert len(wait_rows(server, 1)) == 1  # the button alone is no answer


@pytest.mark.parametrize("size", [(1280, 800), (800, 1280)], ids=["landscape", "portrait"])
def test_large_text_fits_landscape_and_portrait_tablets(serve, browser, size):
    server = serve(KIOSK_IDLE_SECONDS=60)
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True, locale="vi-VN")
    try:
        page = context.new_page()
        pair(server, page)
        toggle(page).tap()
        expect(toggle(page)).to_have_attribute("aria-pressed", "true")

        def check(screen: str) -> None:
            assert page.evaluate(LAYOUT) == [], screen
            # Every button can be reached (scrolling allowed) and tapped in full.
            for button in page.locator("button:visible").all():
                button.scroll_into_view_if_needed()
                box = button.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= width, (screen, button.text_content())
                assert box["y"] >= 0 and box["y"] + box["height"] <= height, (screen, button.text_content())
                assert min(box["width"], box["height"]) >= 48, (screen, button.text_content())

        check("start")
        for label in LABELS:  # the five faces keep large targets
            box = page.get_by_role("button", name=label, exact=True).bounding_box()
            assert min(box["width"], box["height"]) >= 96, label
        tap(page, "Không hài lòng")
        expect(page.get_by_role("button", name="Phải chờ lâu")).to_be_visible()
        check("reasons")
        page.get_by_role("button", name="Tiếp tục").tap()
        expect(page.get_by_role("heading", name="Ông/Bà có được đón tiếp niềm nở không?")).to_be_visible()
        check("criterion")
        for _ in range(3):  # the other criteria, skipped
            page.get_by_role("button", name="Bỏ qua").tap()
        page.get_by_label("Tôi muốn được cơ quan trả lời").check()
        check("comment")
        page.get_by_role("button", name="Gửi").scroll_into_view_if_needed()
        page.get_by_role("button", name="Bỏ qua").tap()
        expect(page.get_by_text("Cảm ơn Ông/Bà!")).to_be_visible()
        assert page.evaluate(LAYOUT) == []
        [stored] = wait_rows(server, 1)
        assert stored.scores == {"overall": 2}
    finally:
        context.close()
