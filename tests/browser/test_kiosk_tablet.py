"""The kiosk tablet driven as a citizen would, in Debian's Chromium at tablet size: pairing, every
face, follow-ups, idle reset, an offline queue through reloads, an application down behind a live
gateway, answers the server refuses for a while or for good, revocation, 429 storms, misuse
flagging and survey updates. Every check ends in the database."""

from __future__ import annotations

import collections
import json
import re
import time
import uuid

import flask
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.serving import make_server

from core.audit import Actor
from core.extensions import db
from core.models import Criterion, KioskDevice, Point, Reason, Response, Survey, Unit, User
from core.org.devices import revoke_device
from tests.browser.conftest import LiveServer
from tests.conftest import AuthActions

LABELS = ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"]
FAST = {
    "KIOSK_IDLE_SECONDS": 2,
    "KIOSK_THANKS_SECONDS": 0.5,
    "KIOSK_HEARTBEAT_SECONDS": 1,
    "KIOSK_SYNC_SECONDS": 2,
    "KIOSK_MISUSE_SECONDS": 0,
}


KIOSK_API = "/api/v1/kiosk/"
RESPONSES = KIOSK_API + "responses"
HEARTBEAT = KIOSK_API + "heartbeat"
SURVEY = KIOSK_API + "survey"


class Arrivals:
    """WSGI middleware: every request that reaches the server, before Flask or any hook sees it."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.seen: list[tuple[float, str, str]] = []  # (time.monotonic(), method, path)

    def __call__(self, environ, start_response):
        self.seen.append((time.monotonic(), environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")))
        return self.wsgi_app(environ, start_response)

    def between(self, start: float, end: float, prefix: str = KIOSK_API) -> list[tuple[str, str]]:
        return [
            (method, path) for at, method, path in list(self.seen) if start <= at <= end and path.startswith(prefix)
        ]

    def since(self, start: float, method: str, path: str) -> int:
        return sum(1 for at, m, p in list(self.seen) if at >= start and (m, p) == (method, path))


@pytest.fixture
def serve(make_app):
    """Start the app with kiosk settings on a free port, with one unit and its reception point."""
    servers = []

    def start(**config):
        probe = make_server("127.0.0.1", 0, lambda environ, start_response: [])
        port = probe.server_port
        probe.server_close()
        app = make_app(PUBLIC_BASE_URL=f"http://127.0.0.1:{port}", **{**FAST, **config})
        with app.app_context():
            unit = Unit(code="H-HOIAN", name="Thanh tra thành phố Hội An", kind="district")
            db.session.add(
                Point(code="H-HOIAN-P1", name="Bộ phận tiếp công dân", unit=unit, public_token=uuid.uuid4().hex)
            )
            db.session.commit()
        statuses: list[tuple[str, int]] = []
        posted: list[tuple[str | None, int]] = []
        heartbeats: list[dict] = []
        bodies: list[str] = []  # the raw JSON of every POST of an answer, as the tablet sent it
        # The application down behind a gateway that still answers: 503 on the kiosk write path.
        outage = {"down": False}
        # One answer the application refuses: the first id it sees (or `id`), with `status`, while
        # `status` is set; `count` is how often it refused it.
        refuse: dict = {"status": None, "id": None, "count": 0}

        @app.before_request
        def faults():
            request = flask.request
            if request.path == HEARTBEAT:
                heartbeats.append(request.get_json(silent=True) or {})
            if request.path != RESPONSES or request.method != "POST":
                return None
            bodies.append(request.get_data(as_text=True))
            if outage["down"]:
                response = flask.jsonify(error={"code": "unavailable", "message": "application down", "fields": {}})
                response.headers["Retry-After"] = "1"
                return response, 503
            body = request.get_json(silent=True) or {}
            if refuse["status"] is not None:
                refuse["id"] = refuse["id"] or body.get("id")
                if body.get("id") == refuse["id"]:
                    refuse["count"] += 1
                    status = refuse["status"]
                    if status == 422:
                        error = {"code": "validation_failed", "message": "refused by the test", "fields": {}}
                        error["fields"]["answers.overall"] = "must be one of [1, 2, 3, 4, 5]"
                    else:
                        error = {"code": "internal_error", "message": "refused by the test", "fields": {}}
                    return flask.jsonify(error=error), status
            return None

        @app.after_request
        def note_status(response):
            # What the server answered, whatever the browser's instrumentation reports.
            request = flask.request
            statuses.append((request.path, response.status_code))
            if request.path == RESPONSES and request.method == "POST":
                posted.append(((request.get_json(silent=True) or {}).get("id"), response.status_code))
            return response

        arrivals = Arrivals(app.wsgi_app)
        app.wsgi_app = arrivals
        server = LiveServer(app, port).start()
        server.statuses = statuses
        server.posted = posted
        server.heartbeats = heartbeats
        server.bodies = bodies
        server.arrivals = arrivals
        server.outage = outage
        server.refuse = refuse
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def page(tablet):
    page = tablet.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A CSP violation (inline script or style) is only a console message; it must fail the test.
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" and "Content Security Policy" in msg.text else None,
    )
    yield page
    assert not errors, errors


def pair(server, page):
    result = server.app.test_cli_runner().invoke(args=["pair-kiosk", "H-HOIAN-P1"])
    assert result.exit_code == 0, result.output
    url = result.stdout.strip()
    assert url.startswith(f"{server.url}/kiosk/pair?code=")
    page.goto(url)
    page.wait_for_url(f"{server.url}/kiosk/")
    expect(page.get_by_role("button", name="Rất hài lòng", exact=True)).to_be_visible()


def rows(server) -> list[Response]:
    with server.app.app_context():
        result = list(
            db.session.scalars(
                sa.select(Response)
                .options(sa.orm.selectinload(Response.answers), sa.orm.selectinload(Response.reasons))
                .order_by(Response.answered_at)
            )
        )
        for row in result:
            row.scores = {a.criterion.code: a.score for a in row.answers}
            row.reason_codes = sorted(r.reason.code for r in row.reasons)
        db.session.expunge_all()
        db.session.remove()
        return result


def wait_rows(server, n: int, timeout: float = 20) -> list[Response]:
    deadline = time.monotonic() + timeout
    while True:
        found = rows(server)
        if len(found) >= n or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def wait_until(page, condition, timeout: float = 20, what: str = "condition"):
    """Poll a Python condition while Playwright keeps dispatching (routes, console) in between."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        page.wait_for_timeout(200)


def idb(page, store: str) -> list[dict]:
    """The records of one of the tablet's IndexedDB stores ("queue" or "rejected")."""
    return page.evaluate(
        """name => new Promise((resolve, reject) => {
            const open = indexedDB.open("kiosk");
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const req = open.result.transaction(name).objectStore(name).getAll();
                req.onsuccess = () => { open.result.close(); resolve(req.result); };
            };
        })""",
        store,
    )


def tap(page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()


def quick_answer(page, label: str) -> None:
    """A citizen who taps one face and finishes at once, then the screen comes back."""
    tap(page, label)
    page.get_by_role("button", name="Kết thúc").click()
    expect(page.get_by_text("Cảm ơn Ông/Bà!")).to_be_visible()
    expect(page.get_by_role("button", name=LABELS[0], exact=True)).to_be_visible()


class Link:
    """The office Wi-Fi between the tablet and the server. Cut, every kiosk API request the browser
    makes fails as a dropped connection before it leaves the tablet: the page's own and those the
    service worker makes itself (it fetches the survey network-first; see conftest.py). Chromium's
    offline emulation is not used: it let requests slip through while a reloaded page attached."""

    PATTERN = "**/api/v1/kiosk/**"
    PROBE = "/api/v1/kiosk/link-probe"

    def __init__(self, page):
        self.page = page
        self.aborted: list[tuple[str, str, bool]] = []  # (method, path, fetched by the service worker)

    def _abort(self, route):
        request = route.request
        path = "/" + request.url.split("/", 3)[3].split("?")[0]
        self.aborted.append((request.method, path, request.service_worker is not None))
        route.abort("internetdisconnected")

    def cut(self):
        page = self.page
        # A route installed within a moment of the worker claiming the page (right after pairing)
        # never sees that page's requests again, nor do the request events: they reach the server
        # (Playwright 1.65, Chromium; a page loaded under its worker is not affected). So the page is
        # loaded under its worker first, as on any tablet that has started the kiosk once before.
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)
        if not page.evaluate("() => (performance.getEntriesByType('navigation')[0] || {}).workerStart > 0"):
            page.reload()
            expect(page.locator("#s-start")).to_be_visible()
            page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)
        page.context.route(self.PATTERN, self._abort)
        # Proof that it holds: a request of the page's own now fails before it leaves the tablet (had it
        # leaked, the server would answer 404 and change nothing).
        outcome = page.evaluate(
            "url => fetch(url, {method: 'POST', body: '{}', cache: 'no-store'}).then(r => r.status, () => 'cut')",
            self.PROBE,
        )
        assert outcome == "cut", f"the cut link let a request through (the server answered {outcome})"

    def restore(self):
        self.page.context.unroute(self.PATTERN, self._abort)


@pytest.fixture
def link(page):
    return Link(page)


def queue_badge(page):
    return page.locator("#queue-n")


def test_pair_through_the_url_and_tap_each_face(serve, page):
    server = serve()
    pair(server, page)
    expect(page.get_by_text("Thanh tra thành phố Hội An")).to_be_visible()
    expect(page.get_by_text("Bộ phận tiếp công dân")).to_be_visible()
    expect(page.get_by_role("heading", name="Ông/Bà có hài lòng với lần làm việc hôm nay không?")).to_be_visible()
    faces = page.locator("#faces-first button")
    expect(faces).to_have_count(5)
    for index, label in enumerate(LABELS):
        button = faces.nth(index)
        expect(button).to_have_accessible_name(label)
        box = button.bounding_box()
        assert box["width"] >= 150 and box["height"] >= 150
    with server.app.app_context():
        device = db.session.scalar(sa.select(KioskDevice))
        assert device.point.code == "H-HOIAN-P1"
        device_id = device.id
    # Tap feedback: from the finger's pointerdown to the frame that shows the next screen.
    page.evaluate(
        """() => {
            window.__latency = [];
            document.addEventListener("pointerdown", e => { window.__down = e.timeStamp; }, true);
            document.addEventListener("click", () => {
                const down = window.__down;
                requestAnimationFrame(() => window.__latency.push(performance.now() - down));
            }, true);
        }"""
    )
    for label in LABELS:
        page.get_by_role("button", name=label, exact=True).tap()
        page.get_by_role("button", name="Kết thúc").tap()
        expect(page.get_by_text("Cảm ơn Ông/Bà!")).to_be_visible()
        expect(page.get_by_role("button", name=LABELS[0], exact=True)).to_be_visible()
    latencies = sorted(page.evaluate("window.__latency"))
    assert len(latencies) == 10
    assert latencies[len(latencies) // 2] < 100, latencies
    stored = wait_rows(server, 5)
    assert [r.scores for r in stored] == [{"overall": s} for s in range(1, 6)]
    assert {r.channel for r in stored} == {"kiosk"}
    assert {r.device_id for r in stored} == {device_id}
    assert all(r.flag is None for r in stored)
    expect(page.locator("#queue")).to_be_hidden()
    with server.app.app_context():
        device = db.session.get(KioskDevice, device_id)
        assert device.app_version.startswith("k-")
        assert device.last_seen_at is not None


def test_low_score_asks_reasons_then_follow_ups_and_a_reply(serve, page):
    server = serve()
    pair(server, page)
    tap(page, "Không hài lòng")
    expect(page.get_by_role("heading", name="Điều gì khiến Ông/Bà chưa hài lòng?")).to_be_visible()
    page.get_by_role("button", name="Phải chờ lâu").click()
    page.get_by_role("button", name="Thái độ chưa tốt").click()
    expect(page.get_by_role("button", name="Phải chờ lâu")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("heading", name="Ông/Bà có được đón tiếp niềm nở không?")).to_be_visible()
    tap(page, "Bình thường")
    expect(page.get_by_role("heading", name="Ông/Bà có được hướng dẫn tận tình, dễ hiểu không?")).to_be_visible()
    page.get_by_role("button", name="Bỏ qua").click()
    expect(
        page.get_by_role("heading", name="Nơi làm việc có thân thiện, sạch sẽ, gọn gàng, hiện đại không?")
    ).to_be_visible()
    tap(page, "Hài lòng")
    page.get_by_label("Góp ý (không bắt buộc)").fill("Phải chờ gần một tiếng.")
    consent = page.get_by_label("Tôi đồng ý", exact=False)
    page.get_by_label("Tôi muốn được cơ quan trả lời").check()
    expect(consent).not_to_be_checked()
    page.get_by_role("textbox", name="Họ và tên").fill("Nguyễn Thị B")
    page.get_by_role("textbox", name="Số điện thoại").fill("0905 123 456")
    page.get_by_role("button", name="Gửi").click()
    expect(page.get_by_role("alert")).to_contain_text("đánh dấu đồng ý")
    consent.check()
    page.get_by_role("button", name="Gửi").click()
    expect(page.get_by_text("Cảm ơn Ông/Bà!")).to_be_visible()
    [stored] = wait_rows(server, 1)
    assert stored.scores == {"overall": 2, "welcome": 3, "office": 4}
    assert stored.reason_codes == ["attitude", "wait"]
    assert stored.comment == "Phải chờ gần một tiếng."
    assert stored.contact_name == "Nguyễn Thị B" and stored.contact_phone == "0905 123 456"
    assert stored.contact_consent_at is not None
    # A good score goes straight to the next question, and the thank-you is the same for everyone.
    expect(page.get_by_role("button", name=LABELS[0], exact=True)).to_be_visible()
    tap(page, "Rất hài lòng")
    expect(page.get_by_role("heading", name="Ông/Bà có được đón tiếp niềm nở không?")).to_be_visible()
    page.get_by_role("button", name="Kết thúc").click()
    expect(page.get_by_text("Cảm ơn Ông/Bà!")).to_be_visible()
    assert [r.scores for r in wait_rows(server, 2)] == [{"overall": 2, "welcome": 3, "office": 4}, {"overall": 5}]


IDLE_SECONDS = 4
# Marks the citizen's last touch, looks at the screen one second before the idle time is due, and
# notes when the first screen comes back: all on the page's own clock, unaffected by the test's pace.
IDLE_PROBE = """seconds => {
    const idle = (window.__idle = {});
    const mark = () => {
        idle.last = performance.now();
        clearTimeout(idle.timer);
        idle.timer = setTimeout(() => {
            idle.probe = { screen: document.body.dataset.screen, at: performance.now() };
        }, (seconds - 1) * 1000);
    };
    document.addEventListener("pointerdown", mark, true);
    document.addEventListener("click", mark, true);
    new MutationObserver(() => {
        if (idle.reset === undefined && document.body.dataset.screen === "start") idle.reset = performance.now();
    }).observe(document.body, { attributes: true, attributeFilter: ["data-screen"] });
}"""


def test_idle_reset_comes_at_the_configured_time_and_keeps_the_partial_answer_and_the_language(serve, page):
    server = serve(KIOSK_IDLE_SECONDS=IDLE_SECONDS)
    pair(server, page)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Are you satisfied with your visit today?")).to_be_visible()
    tap(page, "Satisfied")
    expect(page.get_by_role("heading", name="Were you welcomed warmly?")).to_be_visible()
    page.evaluate(IDLE_PROBE, IDLE_SECONDS)
    tap(page, "Very satisfied")  # the last touch
    expect(page.get_by_role("heading", name="Were you guided clearly and wholeheartedly?")).to_be_visible()
    # The citizen walks away: back to the first screen, in Vietnamese, after the idle time.
    page.wait_for_function("() => window.__idle.reset !== undefined", timeout=20000)
    idle = page.evaluate("window.__idle")
    assert idle["probe"]["at"] - idle["last"] >= (IDLE_SECONDS - 1) * 1000
    assert idle["probe"]["screen"] == "criterion", idle  # one second before: not reset yet
    elapsed = (idle["reset"] - idle["last"]) / 1000
    assert IDLE_SECONDS - 1 <= elapsed <= IDLE_SECONDS + 1, elapsed
    expect(page.get_by_role("heading", name="Ông/Bà có hài lòng với lần làm việc hôm nay không?")).to_be_visible()
    [stored] = wait_rows(server, 1)
    assert stored.scores == {"overall": 4, "welcome": 5}
    # Only the tap, then nothing: still one valid answer.
    tap(page, "Bình thường")
    expect(page.get_by_role("heading", name="Ông/Bà có được đón tiếp niềm nở không?")).to_be_visible()
    expect(page.locator("#faces-first")).to_be_visible(timeout=20000)
    assert [r.scores for r in wait_rows(server, 2)] == [{"overall": 4, "welcome": 5}, {"overall": 3}]


def test_offline_taps_survive_a_reload_and_arrive_exactly_once(serve, page, link):
    server = serve()
    pair(server, page)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    link.cut()
    # The heartbeat (every second) meets the cut link: from here on nothing may reach the server.
    wait_until(page, lambda: ("POST", HEARTBEAT, False) in link.aborted, what="a heartbeat to be cut off")
    cut_at = time.monotonic()
    for label in ("Rất hài lòng", "Hài lòng", "Không hài lòng"):
        quick_answer(page, label)
    expect(queue_badge(page)).to_have_text("3")
    expect(page.locator("#queue")).to_be_visible()
    page.reload()
    expect(page.get_by_role("button", name="Bình thường", exact=True)).to_be_visible()
    expect(queue_badge(page)).to_have_text("3")
    quick_answer(page, "Bình thường")
    tap(page, "Rất không hài lòng")  # left open on the reasons screen by a reload
    expect(page.get_by_role("heading", name="Điều gì khiến Ông/Bà chưa hài lòng?")).to_be_visible()
    page.reload()
    expect(page.locator("#faces-first")).to_be_visible()
    expect(queue_badge(page)).to_have_text("5")
    # The reloaded page asked for the survey; the service worker fetched it network-first, and that
    # fetch of the worker's own was cut too (the page got the stored copy).
    wait_until(page, lambda: ("GET", SURVEY, True) in link.aborted, what="the worker's survey fetch to be cut")
    queued = [item["id"] for item in idb(page, "queue")]
    assert len(set(queued)) == 5
    restored_at = time.monotonic()
    assert server.arrivals.between(cut_at, restored_at) == []
    assert ("POST", RESPONSES, False) in link.aborted
    assert rows(server) == []
    link.restore()
    stored = wait_rows(server, 5, timeout=30)
    expect(page.locator("#queue")).to_be_hidden(timeout=20000)
    assert sorted(str(r.id) for r in stored) == sorted(queued)
    assert sorted(r.scores["overall"] for r in stored) == [1, 2, 3, 4, 5]
    # Each answer was sent once the link was back, and stored at its first arrival.
    assert sorted(i for i, status in server.posted) == sorted(queued)
    assert {status for i, status in server.posted} == {201}
    # Reloading and staying online sends nothing again.
    reloaded_at = time.monotonic()
    page.reload()
    expect(page.locator("#faces-first")).to_be_visible()
    wait_until(page, lambda: server.arrivals.since(reloaded_at, "POST", HEARTBEAT) >= 2, what="two heartbeats")
    assert server.arrivals.since(reloaded_at, "POST", RESPONSES) == 0
    assert len(rows(server)) == 5
    assert idb(page, "queue") == [] and idb(page, "rejected") == []


def test_gateway_up_application_down_answers_queue_and_each_arrives_once(serve, page):
    server = serve()
    pair(server, page)
    server.outage["down"] = True  # the gateway answers, the application behind it does not
    for label in ("Rất hài lòng", "Hài lòng", "Bình thường"):
        quick_answer(page, label)
    expect(queue_badge(page)).to_have_text("3")
    queued = [item["id"] for item in idb(page, "queue")]
    assert len(set(queued)) == 3
    wait_until(
        page,
        lambda: {i for i, status in server.posted if status == 503} >= set(queued),
        what="every answer refused with 503",
    )
    page.reload()
    expect(page.locator("#faces-first")).to_be_visible()
    expect(queue_badge(page)).to_have_text("3")
    records = idb(page, "queue")
    assert all(r["state"] == "ready" and r["attempts"] >= 1 for r in records), records
    assert rows(server) == []
    server.outage["down"] = False
    stored = wait_rows(server, 3, timeout=30)
    expect(page.locator("#queue")).to_be_hidden(timeout=20000)
    assert sorted(str(r.id) for r in stored) == sorted(queued)
    assert collections.Counter(i for i, status in server.posted if status == 201) == dict.fromkeys(queued, 1)
    assert {status for i, status in server.posted} == {201, 503}
    assert idb(page, "queue") == [] and idb(page, "rejected") == []


def test_an_answer_refused_with_500_does_not_hold_back_the_answers_after_it(serve, page):
    server = serve()
    pair(server, page)
    server.refuse["status"] = 500
    quick_answer(page, "Rất hài lòng")
    wait_until(page, lambda: server.refuse["count"] >= 1, what="the first answer to meet a 500")
    first = server.refuse["id"]
    for label in ("Hài lòng", "Bình thường", "Không hài lòng"):
        quick_answer(page, label)
    later = wait_rows(server, 3)
    assert sorted(r.scores["overall"] for r in later) == [2, 3, 4]
    assert first not in {str(r.id) for r in later}
    # The refused answer waits on its own clock and is tried again, never given up.
    wait_until(page, lambda: server.refuse["count"] >= 3, what="the refused answer to be retried")
    [held] = idb(page, "queue")
    assert held["id"] == first and held["state"] == "ready", held
    assert held["attempts"] >= 1 and held["next_at"] > 0 and held["last_error"] == "http 500", held
    expect(queue_badge(page)).to_have_text("1")
    assert idb(page, "rejected") == []
    assert len(rows(server)) == 3
    server.refuse["status"] = None  # the server takes it now
    stored = wait_rows(server, 4)
    expect(page.locator("#queue")).to_be_hidden(timeout=20000)
    assert first in {str(r.id) for r in stored}
    assert collections.Counter(i for i, status in server.posted if status == 201) == {str(r.id): 1 for r in stored}
    assert [status for i, status in server.posted if i == first][-1] == 201
    assert idb(page, "queue") == [] and idb(page, "rejected") == []


def test_an_answer_refused_for_good_is_kept_aside_and_reported_to_the_admin(serve, page):
    # A heartbeat a minute apart: the report of the refusal must not wait for the next beat.
    server = serve(KIOSK_HEARTBEAT_SECONDS=60)
    pair(server, page)
    server.refuse["status"] = 422
    quick_answer(page, "Rất hài lòng")
    wait_until(page, lambda: server.refuse["count"] >= 1, what="the first answer to meet a 422")
    first = server.refuse["id"]
    quick_answer(page, "Hài lòng")
    quick_answer(page, "Bình thường")
    later = wait_rows(server, 2)
    assert sorted(r.scores["overall"] for r in later) == [3, 4]
    assert first not in {str(r.id) for r in later}
    report = wait_until(
        page, lambda: next((h for h in server.heartbeats if h.get("rejected")), None), what="a heartbeat reporting it"
    )
    assert report["rejected"] == 1
    assert report["rejected_reason"] == "422 validation_failed: answers.overall"
    [kept] = idb(page, "rejected")
    assert kept["id"] == first and kept["body"]["id"] == first
    assert kept["status"] == 422
    assert kept["error"]["code"] == "validation_failed"
    assert list(kept["error"]["fields"]) == ["answers.overall"]
    assert idb(page, "queue") == []
    expect(page.locator("#queue")).to_be_hidden()
    assert server.refuse["count"] == 1  # a refusal for good is not sent again
    with server.app.app_context():
        device = db.session.scalar(sa.select(KioskDevice))
        assert device.rejected_count == 1
        assert "422" in device.rejected_reason
        admin = User(username="tinh", role="province_admin")
        admin.set_password("mat-khau-tinh-2026")
        db.session.add(admin)
        db.session.commit()
    client = server.app.test_client()
    assert AuthActions(client).login("tinh", "mat-khau-tinh-2026").status_code == 302
    html = client.get("/admin/devices").get_data(as_text=True)
    [cell] = re.findall(r'<td class="rejected">(.*?)</td>', html, re.S)
    assert ">1<" in cell and "422 validation_failed: answers.overall" in cell, cell


def test_control_characters_and_a_lone_surrogate_in_free_text_are_cleaned_not_refused(serve, page):
    server = serve()
    pair(server, page)
    tap(page, "Hài lòng")
    for question in (
        "Ông/Bà có được đón tiếp niềm nở không?",
        "Ông/Bà có được hướng dẫn tận tình, dễ hiểu không?",
        "Nơi làm việc có thân thiện, sạch sẽ, gọn gàng, hiện đại không?",
    ):
        expect(page.get_by_role("heading", name=question)).to_be_visible()
        page.get_by_role("button", name="Bỏ qua").click()
    expect(page.get_by_label("Góp ý (không bắt buộc)")).to_be_visible()
    page.get_by_label("Tôi muốn được cơ quan trả lời").check()
    page.get_by_label("Tôi đồng ý", exact=False).check()
    # What a paste or a broken on-screen keyboard can put in the boxes: NUL, ESC, BEL, half an emoji.
    page.evaluate(
        r"""() => {
            document.getElementById("comment").value = "Chờ\u0000 lâu\ud800 quá\u0007!\nCảm ơn";
            document.getElementById("contact-name").value = "Nguyễn\u0000 Văn\u001b A";
            document.getElementById("contact-phone").value = "0905\u0000 123 456";
        }"""
    )
    page.get_by_role("button", name="Gửi").click()
    expect(page.get_by_text("Cảm ơn Ông/Bà!")).to_be_visible()
    [stored] = wait_rows(server, 1)
    assert stored.comment == "Chờ lâu\ufffd quá!\nCảm ơn"
    assert stored.contact_name == "Nguyễn Văn A" and stored.contact_phone == "0905 123 456"
    # The tablet cleaned it before queueing (the server cleans again, defence in depth).
    [raw] = server.bodies
    assert not re.search(r"\\u00[01][0-9a-f]|\\ud[89a-f][0-9a-f]{2}", raw.lower()), raw  # no control, no surrogate
    sent = json.loads(raw)
    assert sent["comment"] == "Chờ lâu\ufffd quá!\nCảm ơn"
    assert sent["contact"] == {"name": "Nguyễn Văn A", "phone": "0905 123 456", "consent": True}
    assert [status for i, status in server.posted] == [201]
    expect(page.locator("#queue")).to_be_hidden()
    assert idb(page, "queue") == [] and idb(page, "rejected") == []


def test_a_revoked_tablet_asks_calmly_to_be_paired_again_and_keeps_its_answers(serve, page, link):
    server = serve(KIOSK_HEARTBEAT_SECONDS=60)
    pair(server, page)
    link.cut()
    quick_answer(page, "Bình thường")
    with server.app.app_context():
        old_device = db.session.scalar(sa.select(KioskDevice))
        revoke_device(Actor.cli(), old_device)
        db.session.commit()
        old_id = old_device.id
    link.restore()  # the queued answer meets 401
    expect(page.get_by_role("heading", name="Máy tính bảng cần được kết nối lại")).to_be_visible(timeout=8000)
    expect(page.get_by_text("Vui lòng nhờ cán bộ kết nối lại.", exact=False)).to_be_visible()
    expect(page.get_by_text("đã ghi vẫn được giữ an toàn", exact=False)).to_be_visible()
    expect(page.locator("#faces-first")).to_be_hidden()
    expect(page.get_by_role("link", name="Nhập mã kết nối")).to_be_visible()
    assert rows(server) == []
    assert any(status == 401 for path, status in server.statuses if path == "/api/v1/kiosk/responses")
    # Pairing the tablet again at the same point brings the kiosk back and delivers the kept answer.
    pair(server, page)
    quick_answer(page, "Hài lòng")
    stored = wait_rows(server, 2)
    assert [r.scores["overall"] for r in stored] == [3, 4]
    with server.app.app_context():
        new_id = db.session.scalar(sa.select(KioskDevice.id).where(KioskDevice.revoked_at.is_(None)))
    assert new_id != old_id
    assert {r.device_id for r in stored} == {new_id}


def test_a_429_storm_still_delivers_everything(serve, page, link):
    server = serve(KIOSK_DEVICE_LIMIT="2 per 1 second")
    pair(server, page)
    link.cut()
    labels = ["Rất hài lòng", "Hài lòng", "Bình thường", "Rất hài lòng", "Hài lòng", "Bình thường", "Hài lòng"]
    for label in labels:
        quick_answer(page, label)
    expect(queue_badge(page)).to_have_text(str(len(labels)))
    link.restore()
    stored = wait_rows(server, len(labels), timeout=30)
    assert len(stored) == len(labels)
    statuses = [status for path, status in server.statuses if path == "/api/v1/kiosk/responses"]
    assert statuses.count(429) >= 1
    assert statuses.count(201) == len(labels)
    expect(page.locator("#queue")).to_be_hidden(timeout=10000)


def test_misuse_is_flagged_by_the_time_of_the_tap(serve, page, link):
    server = serve(KIOSK_MISUSE_SECONDS=3)
    pair(server, page)
    quick_answer(page, "Rất hài lòng")
    quick_answer(page, "Rất hài lòng")  # about a second later: a second tap of the same person
    stored = wait_rows(server, 2)
    assert [r.flag for r in stored] == [None, "misuse"]
    # Taps far apart while offline arrive together, and are not flagged.
    time.sleep(3.2)
    link.cut()
    quick_answer(page, "Hài lòng")
    time.sleep(3.2)
    quick_answer(page, "Hài lòng")
    link.restore()
    stored = wait_rows(server, 4)
    assert [r.flag for r in stored] == [None, "misuse", None, None]
    assert abs((stored[3].received_at - stored[2].received_at).total_seconds()) < 3


def test_a_survey_update_reaches_the_tablet_and_queued_answers_keep_their_version(serve, page, link):
    server = serve()
    pair(server, page)
    link.cut()
    quick_answer(page, "Hài lòng")
    with server.app.app_context():
        old = db.session.scalar(sa.select(Survey).where(Survey.active.is_(True)))
        old_id = old.id
        new = Survey(code=old.code, version=old.version + 1, title=old.title, scale=old.scale, active=True)
        new.criteria = [
            Criterion(
                code="overall",
                label="Chung",
                question="Ông/Bà đánh giá thế nào về buổi làm việc hôm nay?",
                question_en="How was your visit today?",
                required=True,
                position=0,
            ),
            Criterion(code="speed", label="Nhanh chóng", question="Hồ sơ được giải quyết có nhanh không?", position=1),
        ]
        new.reasons = [Reason(code="slow", label="Giải quyết chậm", position=0)]
        old.active = False
        db.session.add(new)
        db.session.commit()
        new_id = new.id
    link.restore()
    expect(page.get_by_role("heading", name="Ông/Bà đánh giá thế nào về buổi làm việc hôm nay?")).to_be_visible(
        timeout=10000
    )
    tap(page, "Rất không hài lòng")
    page.get_by_role("button", name="Giải quyết chậm").click()
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("heading", name="Hồ sơ được giải quyết có nhanh không?")).to_be_visible()
    tap(page, "Không hài lòng")
    page.get_by_role("button", name="Gửi").click()
    expect(page.get_by_text("Cảm ơn Ông/Bà!")).to_be_visible()
    first, second = wait_rows(server, 2)
    assert (first.survey_id, first.scores) == (old_id, {"overall": 4})
    assert (second.survey_id, second.scores, second.reason_codes) == (new_id, {"overall": 1, "speed": 2}, ["slow"])


@pytest.mark.parametrize("size", [(800, 1280), (1024, 768)])
def test_layouts_fit_portrait_and_small_landscape(serve, browser, size):
    server = serve()
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, has_touch=True, locale="vi-VN")
    try:
        page = context.new_page()
        pair(server, page)
        for label in LABELS:
            box = page.get_by_role("button", name=label, exact=True).bounding_box()
            assert box["x"] >= 0 and box["y"] >= 0
            assert box["x"] + box["width"] <= size[0] and box["y"] + box["height"] <= size[1]
            assert min(box["width"], box["height"]) >= 96  # far above 48 px
        assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
        tap(page, "Không hài lòng")
        for chip in page.locator("#chips button").all():
            box = chip.bounding_box()
            assert box["y"] + box["height"] <= size[1] and box["height"] >= 60
    finally:
        context.close()


def test_first_load_is_light_and_local(serve, browser):
    server = serve()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True, locale="vi-VN")
    try:
        page = context.new_page()
        pair(server, page)
        fresh = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True, locale="vi-VN")
        state = page.evaluate("JSON.stringify(localStorage)")
        seen = []
        fresh.on("requestfinished", lambda request: seen.append(request))
        first = fresh.new_page()
        # An empty page of the origin, served by the test, to plant the pairing in localStorage.
        first.route(f"{server.url}/blank", lambda route: route.fulfill(body="", content_type="text/html"))
        first.goto(f"{server.url}/blank")
        first.evaluate(
            "s => { for (const [k, v] of Object.entries(JSON.parse(s))) localStorage.setItem(k, v); }", state
        )
        seen.clear()
        first.goto(server.url + "/kiosk/")
        expect(first.get_by_role("button", name="Rất hài lòng", exact=True)).to_be_visible()
        first.evaluate("navigator.serviceWorker.ready.then(() => true)")
        first.wait_for_load_state("networkidle")
        fetched = {request.url.split("?")[0].replace(server.url, "") for request in seen}
        assert {"/kiosk/", "/static/kiosk/kiosk.js", "/static/kiosk/kiosk.css", "/api/v1/kiosk/survey"} <= fetched
        total = 0
        for request in seen:
            assert request.url.startswith(server.url), request.url
            sizes = request.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        assert total < 100 * 1024, total
        fresh.close()
    finally:
        context.close()
