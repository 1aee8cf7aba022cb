"""Kiosk tablet figures in Debian's Chromium at 1280x800: first-load page weight and tap latency.

Page weight: every request of a freshly paired tablet's first load of /kiosk/ (the shell, its
assets, the survey JSON, the manifest, the service worker and its precache), body plus headers,
uncompressed as the development server sends them. The issue's budget is 100 KiB.

Tap latency: from the touch's pointerdown to the animation frame that shows the next screen, over
repeated taps, online and offline (the UI never waits for the network); plus the Event Timing API's
largest duration for the tap (input to next paint; Chromium reports only events of 16 ms or more).
The budget is 100 ms.

`--screenshots` also writes docs/screenshots/kiosk-*.png for the README.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
from pathlib import Path

from common import bench_app
from werkzeug.serving import make_server

from core import transactions
from core.audit import Actor
from core.extensions import db
from core.models import Point
from core.org.devices import create_pairing_code

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
LABELS = ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"]

PROBE = """() => {
  window.__lat = [];
  window.__events = [];
  document.addEventListener("pointerdown", e => { window.__t0 = e.timeStamp; }, true);
  document.addEventListener("click", () => {
    const t0 = window.__t0;
    requestAnimationFrame(() => window.__lat.push(performance.now() - t0));
  }, true);
  if (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes.includes("event")) {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) window.__events.push([e.name, e.duration]);
    }).observe({type: "event", durationThreshold: 16, buffered: true});
  }
}"""


def serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def pairing_url(app, base: str) -> str:
    """A one-time pairing URL of the demo point H-HOIAN-P1, committed so that any server sharing
    the app's database (this process's or a gunicorn's) accepts it."""
    with app.app_context(), transactions.unit_of_work():
        point = db.session.scalar(db.select(Point).where(Point.code == "H-HOIAN-P1"))
        code = create_pairing_code(Actor.cli(), point)
    return f"{base}/kiosk/pair?code={code}"


def pair(page, app, base: str) -> None:
    page.goto(pairing_url(app, base))
    page.wait_for_url(f"{base}/kiosk/")
    page.get_by_role("button", name="Rất hài lòng", exact=True).wait_for()


def weigh(browser, app, base: str, asked: list[str] | None = None) -> tuple[int, list[tuple[str, int]]]:
    """The paired tablet's first load: (total, [(url, body + headers)]); `asked` collects every
    URL requested, failed ones included (page_bench checks that no host but the server's is asked)."""
    seen = []
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True, locale="vi-VN")
    page = context.new_page()
    pair(page, app, base)  # the pairing page's own load is counted apart
    token_state = page.evaluate("JSON.stringify(localStorage)")
    context.close()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True, locale="vi-VN")
    page = context.new_page()
    page.route(f"{base}/blank", lambda route: route.fulfill(body="", content_type="text/html"))
    page.goto(f"{base}/blank")
    page.evaluate(
        "s => { for (const [k, v] of Object.entries(JSON.parse(s))) localStorage.setItem(k, v); }", token_state
    )
    context.on("requestfinished", lambda request: seen.append(request))
    if asked is not None:
        context.on("request", lambda request: asked.append(request.url))
    page.goto(f"{base}/kiosk/")
    page.get_by_role("button", name="Rất hài lòng", exact=True).wait_for()
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_timeout(1500)
    rows = []
    for request in seen:
        sizes = request.sizes()
        rows.append((request.url.replace(base, ""), sizes["responseBodySize"] + sizes["responseHeadersSize"]))
    context.close()
    return sum(size for _, size in rows), rows


def pair_page_weight(browser, app, base: str) -> int:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True, locale="vi-VN")
    seen = []
    context.on("requestfinished", lambda request: seen.append(request))
    page = context.new_page()
    page.goto(f"{base}/kiosk/pair")
    page.wait_for_load_state("networkidle")
    total = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in seen)
    context.close()
    return total


def latency(browser, app, base: str, taps: int, offline: bool) -> tuple[list[float], list]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True, locale="vi-VN")
    page = context.new_page()
    pair(page, app, base)
    page.evaluate(PROBE)
    if offline:
        context.set_offline(True)
    for i in range(taps):
        page.get_by_role("button", name=LABELS[i % 5], exact=True).tap()
        page.get_by_role("button", name="Kết thúc").tap()
        page.get_by_text("Cảm ơn Ông/Bà!").wait_for()
        page.locator("#faces-first").wait_for()
    values = page.evaluate("window.__lat")
    events = page.evaluate("window.__events")
    context.close()
    return values, events


def screenshots(browser, app, base: str) -> list[Path]:
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True, locale="vi-VN")
    page = context.new_page()
    pair(page, app, base)
    page.wait_for_timeout(300)
    for name, action in (
        ("kiosk-first.png", None),
        ("kiosk-reasons.png", lambda: page.get_by_role("button", name="Không hài lòng", exact=True).tap()),
        ("kiosk-question.png", lambda: page.get_by_role("button", name="Tiếp tục").tap()),
        ("kiosk-thanks.png", lambda: page.get_by_role("button", name="Kết thúc").tap()),
    ):
        if action:
            action()
            page.wait_for_timeout(450)
        path = out / name
        page.screenshot(path=str(path))
        written.append(path)
    context.close()
    context = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True, locale="vi-VN")
    page = context.new_page()
    pair(page, app, base)
    page.wait_for_timeout(300)
    path = out / "kiosk-portrait.png"
    page.screenshot(path=str(path))
    written.append(path)
    context.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=10)
    parser.add_argument("--screenshots", action="store_true", help="write docs/screenshots/kiosk-*.png")
    args = parser.parse_args()
    app = bench_app()
    app.config.update(KIOSK_THANKS_SECONDS=1, KIOSK_MISUSE_SECONDS=0)
    server, base = serve(app)
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            total, rows = weigh(browser, app, base)
            print(f"first load of /kiosk/ (paired tablet, empty caches): {total / 1024:.1f} KiB, {len(rows)} requests")
            for url, size in rows:
                print(f"  {size / 1024:6.1f} KiB  {url}")
            print(f"pairing page first load: {pair_page_weight(browser, app, base) / 1024:.1f} KiB")
            for offline in (False, True):
                values, events = latency(browser, app, base, args.taps, offline)
                mode = "offline" if offline else "online"
                print(
                    f"tap -> next screen frame ({mode}, {len(values)} taps): "
                    f"median {statistics.median(values):.1f} ms, max {max(values):.1f} ms"
                )
                slow = sorted(d for name, d in events if name in ("pointerdown", "pointerup", "click", "touchend"))
                print(
                    f"  Event Timing (input to next paint) {mode}: "
                    + (
                        f"{len(slow)} entries >= 16 ms, median {statistics.median(slow):.0f} ms, max {slow[-1]:.0f} ms"
                        if slow
                        else "every tap < 16 ms"
                    )
                )
            if args.screenshots:
                for path in screenshots(browser, app, base):
                    print(f"screenshot: {path.relative_to(ROOT)}")
            browser.close()
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
