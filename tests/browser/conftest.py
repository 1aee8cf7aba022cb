"""Browser fixtures: the app served on a free loopback port in a thread, and Debian's Chromium
driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


class LiveServer:
    def __init__(self, app, port: int):
        self.app = app
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._server = make_server("127.0.0.1", port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=5)


@pytest.fixture
def live_server(make_app):
    """Serve an app whose PUBLIC_BASE_URL is its own address. Yields the LiveServer."""
    # Bind first to learn a free port, then build the app with that public address.
    probe = make_server("127.0.0.1", 0, lambda environ, start: [])
    port = probe.server_port
    probe.server_close()
    app = make_app(PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    server = LiveServer(app, port).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_instance():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Debian's chromium is required at {CHROMIUM} (make test installs it as root)")
    from playwright.sync_api import sync_playwright

    # context.route and the request events must see what a service worker fetches itself (the
    # kiosk's worker fetches the survey network-first), or a "cut" link leaks those requests to the
    # server. Older Playwright needs this variable, read by its driver when it starts (so it is set
    # before); since microsoft/playwright#37868 (1.65 here) that is the default, the variable is no
    # longer read and PLAYWRIGHT_DISABLE_SERVICE_WORKER_NETWORK would opt out. The kiosk's offline
    # test proves the worker's own fetch is cut, whichever applies.
    os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"
    os.environ.pop("PLAYWRIGHT_DISABLE_SERVICE_WORKER_NETWORK", None)
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def tablet(browser):
    """A landscape tablet (1280×800) with touch."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True, locale="vi-VN")
    yield context
    context.close()


@pytest.fixture
def phone(browser):
    """A phone (390×844) with touch."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, locale="vi-VN"
    )
    yield context
    context.close()


@pytest.fixture
def phone_no_js(browser):
    """A phone with JavaScript off."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
        locale="vi-VN",
        java_script_enabled=False,
    )
    yield context
    context.close()
