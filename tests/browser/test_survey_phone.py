"""The QR survey on a phone-sized browser (390×844, touch), with JavaScript on and off.

Each test taps the real controls and then looks at the rows stored in the database.
Screenshots go to a temporary folder; with UPDATE_SCREENSHOTS=1 they refresh docs/screenshots/.
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from core.audit import Actor
from core.extensions import db
from core.models import Point, Response, VisitCode
from core.ratings.visit_codes import create_visit_codes
from core.reporting.posters import poster_bytes
from tests import factories as f
from tests.conftest import committing

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MODES = ["js_on", "js_off"]


@pytest.fixture(params=MODES)
def mode(request):
    return request.param


@pytest.fixture
def page(request, mode):
    context = request.getfixturevalue("phone" if mode == "js_on" else "phone_no_js")
    page = context.new_page()
    yield page
    page.close()


@pytest.fixture
def point(live_server):
    with live_server.app.app_context():
        unit = f.unit("H-HOIAN")
        unit.name = "Thanh tra thành phố Hội An"
        row = f.point(unit, code="H-HOIAN-P1")
        db.session.commit()
        return {"id": row.id, "token": row.public_token}


@pytest.fixture
def shot(tmp_path, mode):
    """Save a full-page screenshot; only the JavaScript-on run refreshes the documentation."""

    def save(page, name: str) -> None:
        target = DOCS if os.environ.get("UPDATE_SCREENSHOTS") == "1" and mode == "js_on" else tmp_path
        target.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target / f"survey-{name}.png"), full_page=True)

    return save


def stored(live_server) -> list[dict]:
    with live_server.app.app_context():
        rows = db.session.scalars(sa.select(Response).order_by(Response.received_at))
        return [
            {
                "id": row.id,
                "channel": row.channel,
                "flag": row.flag,
                "point_id": row.point_id,
                "scores": {a.criterion.code: a.score for a in row.answers},
                "reasons": sorted(r.reason.code for r in row.reasons),
                "comment": row.comment,
            }
            for row in rows
        ]


def tap_score(page, criterion: str, label: str) -> None:
    page.locator(f"#q-{criterion}").get_by_role("radio", name=label, exact=True).tap()


def tap_submit(page) -> None:
    page.get_by_role("button", name="Gửi đánh giá").tap()


def expect_thanks(page) -> None:
    expect(page.get_by_role("heading", name="Cảm ơn Ông/Bà!")).to_be_visible()


def test_scan_poster_to_thank_you(live_server, point, page, mode, shot):
    with live_server.app.app_context():
        poster = poster_bytes(db.session.get(Point, point["id"]), "png")
    [decoded] = [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(poster)))]
    assert decoded == f"{live_server.url}/s/{point['token']}"

    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(decoded)
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Bộ phận tiếp công dân")).to_be_visible()
    overall = page.locator("#q-overall")
    for label in ("Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"):
        expect(overall.get_by_role("radio", name=label, exact=True)).to_be_visible()
    page.wait_for_load_state("load")
    sizes = {request.url: request.sizes()["responseBodySize"] for request in finished}
    # The page, base.css, survey.css, the favicon (367 bytes) and, with JavaScript, survey.js.
    assert f"{live_server.url}/static/favicon.svg" in sizes, sizes
    assert len(sizes) == (5 if mode == "js_on" else 4) and sum(sizes.values()) < 30 * 1024, sizes
    shot(page, "form")

    tap_score(page, "overall", "Rất hài lòng")
    tap_score(page, "welcome", "Hài lòng")
    expect(overall.get_by_role("radio", name="Rất hài lòng", exact=True)).to_be_checked()
    tap_submit(page)
    expect_thanks(page)
    shot(page, "thanks")
    [row] = stored(live_server)
    assert (row["channel"], row["flag"], row["point_id"]) == ("qr", None, point["id"])
    assert row["scores"] == {"overall": 5, "welcome": 4}


def test_low_score_with_reasons(live_server, point, page, mode, shot):
    page.goto(f"{live_server.url}/s/{point['token']}")
    reasons = page.get_by_role("group", name="Điều gì khiến Ông/Bà chưa hài lòng?")
    if mode == "js_on":
        expect(reasons).to_be_hidden()  # JavaScript shows the reasons only after a low score
    tap_score(page, "overall", "Không hài lòng")
    expect(reasons).to_be_visible()
    reasons.get_by_role("checkbox", name="Phải chờ lâu").tap()
    reasons.get_by_role("checkbox", name="Thái độ chưa tốt").tap()
    page.get_by_label("Góp ý thêm").fill("Chờ gần hai giờ mới được tiếp.")
    shot(page, "low-score")
    tap_submit(page)
    expect_thanks(page)
    [row] = stored(live_server)
    assert row["scores"] == {"overall": 2}
    assert row["reasons"] == ["attitude", "wait"]
    assert row["comment"] == "Chờ gần hai giờ mới được tiếp."


def test_expired_csrf_token_keeps_the_answers(live_server, point, page, mode, shot):
    live_server.app.config["WTF_CSRF_TIME_LIMIT"] = 1
    page.goto(f"{live_server.url}/s/{point['token']}")
    tap_score(page, "overall", "Bình thường")
    tap_score(page, "office", "Rất hài lòng")
    page.get_by_label("Góp ý thêm").fill("Nên có thêm ghế chờ.")
    time.sleep(2.2)  # the citizen hesitates longer than the token lives
    tap_submit(page)
    expect(page.get_by_role("alert")).to_contain_text("Phiên làm việc đã hết hạn.")
    expect(page.locator("#q-overall").get_by_role("radio", name="Bình thường", exact=True)).to_be_checked()
    expect(page.locator("#q-office").get_by_role("radio", name="Rất hài lòng", exact=True)).to_be_checked()
    expect(page.get_by_label("Góp ý thêm")).to_have_value("Nên có thêm ghế chờ.")
    shot(page, "csrf-expired")
    assert stored(live_server) == []

    live_server.app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    tap_submit(page)  # one more tap
    expect_thanks(page)
    [row] = stored(live_server)
    assert row["scores"] == {"overall": 3, "office": 5}
    assert row["comment"] == "Nên có thêm ghế chờ."


def test_visit_code_used_twice(live_server, point, page, mode, shot):
    with committing(live_server.app):
        [code] = create_visit_codes(Actor.cli(), db.session.get(Point, point["id"]), 1)
    url = f"{live_server.url}/v/{code}"
    page.goto(url)
    tap_score(page, "overall", "Hài lòng")
    tap_submit(page)
    expect_thanks(page)

    page.goto(url)
    expect(page.get_by_role("heading", name="Mã khảo sát này đã được sử dụng")).to_be_visible()
    expect(page.get_by_role("button", name="Gửi đánh giá")).to_have_count(0)
    expect(page.get_by_role("radio")).to_have_count(0)
    shot(page, "code-used")
    [row] = stored(live_server)
    assert (row["channel"], row["flag"]) == ("visit", None)
    with live_server.app.app_context():
        visit = db.session.scalar(sa.select(VisitCode))
        assert visit.used_at is not None and visit.response_id == row["id"]


def test_repeat_vote_is_flagged(live_server, point, page, mode):
    url = f"{live_server.url}/s/{point['token']}"
    for label in ("Rất hài lòng", "Rất hài lòng"):
        page.goto(url)
        tap_score(page, "overall", label)
        tap_submit(page)
        expect_thanks(page)
    rows = stored(live_server)
    assert [(r["channel"], r["flag"]) for r in rows] == [("qr", None), ("qr", "repeat")]


def test_unknown_token_and_english_switch(live_server, point, page, mode, shot):
    missing = page.goto(f"{live_server.url}/s/not-a-poster-token")
    assert missing.status == 404
    expect(page.get_by_role("heading", name="Mã QR này không còn hiệu lực")).to_be_visible()
    shot(page, "not-found")
    page.goto(f"{live_server.url}/s/{point['token']}")
    page.get_by_role("link", name="English").tap()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#q-overall").get_by_role("radio", name="Very satisfied", exact=True)).to_be_visible()
    page.get_by_role("link", name="Tiếng Việt").tap()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
