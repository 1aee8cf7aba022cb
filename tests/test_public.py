"""The public transparency page /cong-khai: nothing before the office publishes a frozen review, then
the frozen sheet's figures exactly (and still after later answers), hidden again when unpublished;
never a comment, a contact, an admin link or a third-party address; ETag and 304; the live index
only when switched on; the TV view; the page's weight."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from core.audit import Actor
from core.cases.operations import ManualCase, record_manual
from core.competition import inputs
from core.competition.publicity import show_live_index
from core.competition.reviews import decide, review_of
from core.extensions import db
from core.models import CompetitionPeriod, Point, Unit
from core.org.periods import create_period
from core.ratings.privacy import consent_text
from core.ratings.responses import record_response
from core.reporting.queries import default_range, satisfaction_by_unit
from core.timeutil import local_today, utcnow
from tests import factories as f
from tests.conftest import committing
from tests.test_page_budgets import wire_size

CLI = Actor.cli()
LIMIT = 150 * 1024
LANGS = ("vi", "en")

# What citizens and the office wrote: none of it may ever reach the public page.
SECRETS = (
    "Góp ý kín Zebra-7731",
    "Cán bộ Hoàng làm mất hồ sơ Quokka-55",
    "Nguyễn Văn Bímật",
    "0905123987",
    "Trần Thị Kínđáo",
    "0912000111",
    "kin.dao@example.org",
    "Nội dung phản ánh kín Kestrel-42",
    "Lý do nội bộ Heron-99",
    "Đề xuất nội bộ Ibis-12",
)


def days_ago(n: int):
    day = local_today() - timedelta(days=n)
    return f.local(day.year, day.month, day.day)


@pytest.fixture
def province(make_app):
    """Groups g1 (A, B, C) and g2 (D), E without a group; period P over the last ten days. D has
    fewer answers than the minimum sample of 3. A's point holds answers with comments and contacts,
    A a manual case with a contact, and the office's notes on A."""
    app = make_app(MIN_SAMPLE=3)
    with committing(app):
        g1, g2 = f.group("g1", "Cụm thi đua số một"), f.group("g2", "Cụm thi đua số hai")
        units = {code: f.unit(code, g) for code, g in (("A", g1), ("B", g1), ("C", g1), ("D", g2), ("E", None))}
        points = {code: f.point(unit) for code, unit in units.items()}
        period = create_period(
            CLI, code="P", name="Đợt thi đua thử nghiệm", start=local_today() - timedelta(days=10), end=local_today()
        )
        when = days_ago(2)
        for overall in (5, 5, 4, 2):
            f.stored_response(points["A"], when, overall=overall, office=4)
        for overall in (5, 5, 5):
            f.stored_response(points["B"], when, overall=overall)
        for overall in (5, 3, 1):
            f.stored_response(points["C"], when, overall=overall)
        for _ in range(2):
            f.stored_response(points["D"], when, overall=5)
        for _ in range(3):
            f.stored_response(points["E"], when, overall=4)
        record_response(
            response_id=uuid.uuid4(),
            point=points["A"],
            channel="qr",
            answers={"overall": 2},
            comment=SECRETS[0],
            contact={"name": SECRETS[2], "phone": SECRETS[3], "consent": True},
            consent_text=consent_text(),
        )
        record_response(
            response_id=uuid.uuid4(), point=points["A"], channel="kiosk", answers={"overall": 5}, comment=SECRETS[1]
        )
        record_manual(
            CLI,
            ManualCase(
                unit_code="A",
                content=SECRETS[7],
                channel="phone",
                received_on=utcnow() - timedelta(hours=1),
                contact_name=SECRETS[4],
                contact_phone=SECRETS[5],
                contact_email=SECRETS[6],
                consent_text=consent_text(),
            ),
        )
        inputs.self_assess(CLI, period, units["A"], 1, 90, SECRETS[8])
        inputs.add_adjustment(CLI, period, units["A"], 5, SECRETS[8])
    return app


def run(app, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output


def publish(app, stage: str = "tong_ket") -> None:
    run(app, "freeze-review", "P", "--stage", stage)
    run(app, "publish-review", "P", "--stage", stage)


def frozen_sheet(app, stage: str = "tong_ket") -> list[dict]:
    with app.app_context():
        return review_of(db.session.scalar(sa.select(CompetitionPeriod)), stage).sheet


def live(app, on: bool) -> None:
    with committing(app):
        show_live_index(CLI, on)


class Tables(HTMLParser):
    """Each <table>'s class and its body rows as lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._body = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append((dict(attrs).get("class", ""), []))
        elif tag == "tbody":
            self._body = True
        elif tag == "tr" and self._body:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1][1].append(self._row)
            self._row = None
        elif tag == "tbody":
            self._body = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str, kind: str = "pc-table") -> list[list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return [rows for classes, rows in parser.tables if kind in classes.split() and "pc-live-table" not in classes]


def number(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def page(client, path: str = "/cong-khai", **headers) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


# ---------- what shows, and when ----------


def test_nothing_of_the_competition_before_publication(province):
    client = province.test_client()
    run(province, "freeze-review", "P", "--stage", "tong_ket")  # frozen, not published
    sheet = {row["unit"]: row for row in frozen_sheet(province)}
    score_a = f"{sheet['A']['score']:.2f}".replace(".", ",")
    for path in ("/cong-khai", "/cong-khai/tv"):
        html = page(client, path)
        assert "Chưa có kết quả được công bố." in html
        assert "Đơn vị A" not in html and score_a not in html and "Cụm thi đua số một" not in html
    assert client.get("/cong-khai/P/tong_ket").status_code == 404
    assert client.get("/cong-khai/chart/P/tong_ket.svg").status_code == 404


def test_the_published_review_shows_the_frozen_sheet(province):
    publish(province)
    sheet = frozen_sheet(province)
    html = page(province.test_client())
    assert "Đợt thi đua thử nghiệm" in html and "Tổng kết" in html
    first, last = local_today() - timedelta(days=10), local_today()
    assert f"{first:%d/%m/%Y} – {last:%d/%m/%Y}" in html
    shown = {row[1]: row for table in tables(html) for row in table}
    assert set(shown) == {row["name"] for row in sheet}
    labels = {"xuat_sac": "Xuất sắc", "tot": "Tốt", "kha": "Khá", "trung_binh": "Trung bình", "yeu": "Yếu"}
    for row in sheet:
        rank, _name, score, klass, index, answers = shown[row["name"]]
        assert abs(number(score) - row["score"]) <= 0.005 + 1e-9
        assert int(number(answers)) == row["responses"]
        assert abs(number(index) - row["index"]) <= 0.05 + 1e-9
        if row["ranked"]:
            assert klass == labels[row["class"]]
            assert rank == (str(row["rank"]) if row["rank"] is not None else "–")
        else:
            assert (rank, klass) == ("–", "chưa đủ câu trả lời")
    by_unit = {row["unit"]: row for row in sheet}
    assert not by_unit["D"]["ranked"] and by_unit["A"]["rank"] is not None and by_unit["E"]["rank"] is None
    # Groups in their own tables, ranked units first.
    assert [[r[1] for r in t] for t in tables(html)][:2] == [
        [r["name"] for r in sorted((r for r in sheet if r["group"] == "g1"), key=lambda r: (r["rank"], r["name"]))],
        ["Đơn vị D"],
    ]
    assert "Cụm thi đua số một" in html and "Không thuộc khối, cụm thi đua" in html
    chart = province.test_client().get("/cong-khai/chart/P/tong_ket.svg")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    svg = chart.get_data(as_text=True)
    assert all(row["name"] in svg for row in sheet)
    assert f"{by_unit['A']['score']:.2f}".replace(".", ",") in svg
    # The same review has its own address.
    assert tables(page(province.test_client(), "/cong-khai/P/tong_ket")) == tables(html)


def test_unpublishing_hides_it_again_and_other_reviews_are_linked(province):
    publish(province, "tong_ket")
    publish(province, "so_ket")  # P has no sơ kết milestone: it covers the same days
    client = province.test_client()
    html = page(client)
    assert 'href="/cong-khai/P/so_ket"' in html  # the newest (tổng kết) shows, the sơ kết is linked
    assert client.get("/cong-khai/P/so_ket").status_code == 200
    for stage in ("tong_ket", "so_ket"):
        run(province, "publish-review", "P", "--stage", stage, "--unpublish")
    html = page(client)
    assert "Chưa có kết quả được công bố." in html and "Đơn vị A" not in html
    assert client.get("/cong-khai/P/so_ket").status_code == 404
    assert client.get("/cong-khai/P/final").status_code == 404
    assert client.get("/cong-khai/NOPE/tong_ket").status_code == 404


def test_later_data_never_changes_a_published_review(province):
    publish(province)
    client = province.test_client()
    before = client.get("/cong-khai")
    with committing(province):
        point = db.session.scalar(sa.select(Point).join(Unit).where(Unit.code == "B"))
        for _ in range(5):
            record_response(response_id=uuid.uuid4(), point=point, channel="kiosk", answers={"overall": 1})
        a = db.session.scalar(sa.select(Unit).where(Unit.code == "A"))
        inputs.add_adjustment(CLI, db.session.scalar(sa.select(CompetitionPeriod)), a, -20, "Phạt thêm")
    after = client.get("/cong-khai")
    assert after.get_data() == before.get_data()
    assert after.headers["ETag"] == before.headers["ETag"]


def test_the_live_index_shows_only_when_switched_on(province):
    publish(province)
    client = province.test_client()
    heading = "Chỉ số hài lòng trực tiếp, 30 ngày gần nhất"
    assert heading not in page(client)
    assert "Đang cập nhật" not in page(client, "/cong-khai/tv?view=live")
    live(province, True)
    html = page(client)
    assert heading in html and "chưa phải kết quả chính thức" in html
    with province.app_context():
        rows = {r.name: r for r in satisfaction_by_unit(*default_range(), None, 3)}
    shown = {}
    parser = Tables()
    parser.feed(html)
    for classes, rows_ in parser.tables:
        if "pc-live-table" in classes:
            shown.update({row[1].replace(" chưa đủ câu trả lời", ""): row for row in rows_})
    assert set(shown) == set(rows)
    for name, row in rows.items():
        assert shown[name][3] == str(row.responses)
        if row.index is not None:
            assert abs(number(shown[name][2]) - row.index) <= 0.05 + 1e-9
    # The TV turns between the published results and the live index.
    tv = page(client, "/cong-khai/tv")
    assert '<meta http-equiv="refresh" content="60; url=/cong-khai/tv?view=live">' in tv
    tv_live = page(client, "/cong-khai/tv?view=live")
    assert "Đang cập nhật" in tv_live and 'content="60; url=/cong-khai/tv?view=results"' in tv_live
    # Not on the page of a past review.
    assert heading not in page(client, "/cong-khai/P/tong_ket")
    live(province, False)
    assert heading not in page(client)


def test_the_live_index_alone_when_nothing_is_published(province):
    live(province, True)
    html = page(province.test_client())
    assert "Chưa có kết quả được công bố." in html and "Chỉ số hài lòng trực tiếp" in html
    tv = page(province.test_client(), "/cong-khai/tv")
    assert "Đang cập nhật" in tv and '<meta http-equiv="refresh" content="60">' in tv


# ---------- what never shows ----------


ATTRIBUTE = re.compile(r"""\b(?:href|src|action|srcset|xlink:href)\s*=\s*["']([^"']*)["']""", re.I)


def public_answers(client, lang: str) -> dict[str, str]:
    out = {}
    for path in ("/cong-khai", "/cong-khai/P/tong_ket", "/cong-khai/tv", "/cong-khai/tv?view=live"):
        out[path] = page(client, f"{path}{'&' if '?' in path else '?'}lang={lang}")
    out["chart"] = page(client, f"/cong-khai/chart/P/tong_ket.svg?lang={lang}")
    return out


def test_no_comment_contact_admin_link_or_third_party_address(province):
    publish(province)
    with committing(province):
        review = review_of(db.session.scalar(sa.select(CompetitionPeriod)), "tong_ket")
        decide(CLI, review, db.session.scalar(sa.select(Unit).where(Unit.code == "A")), "award", SECRETS[9])
    live(province, True)
    client = province.test_client()
    for lang in LANGS:
        for path, body in public_answers(client, lang).items():
            text = unescape(body)
            for secret in SECRETS:
                assert secret not in text, (lang, path, secret)
            assert "/admin" not in text, (lang, path)
            assert "<script" not in body and "style=" not in body and "<style" not in body, (lang, path)
            for value in ATTRIBUTE.findall(body):
                assert value.startswith(("/", "data:", "#")) and not value.startswith("//"), (lang, path, value)
            if path != "chart":
                assert "http://" not in body and "https://" not in body, (lang, path)
            else:  # the SVG namespace is a name, not an address fetched
                assert re.findall(r"https?://[^\s\"']+", body) == ["http://www.w3.org/2000/svg"]


def test_security_headers_and_the_english_switch(province):
    publish(province)
    client = province.test_client()
    response = client.get("/cong-khai")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    html = page(client, "/cong-khai?lang=en")
    assert '<html lang="en">' in html and 'href="/cong-khai?lang=vi"' in html
    assert "/cong-khai/chart/P/tong_ket.svg?lang=en" in html
    assert 'href="/cong-khai?lang=en"' in page(client, "/cong-khai?lang=vi")


# ---------- caching ----------


def test_etag_304_and_what_changes_it(province):
    client = province.test_client()
    first = client.get("/cong-khai")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in first.headers["Vary"]
    again = client.get("/cong-khai", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    # Publication changes it; an answer does not while the live index is off.
    publish(province)
    published = client.get("/cong-khai", headers={"If-None-Match": etag})
    assert published.status_code == 200 and published.headers["ETag"] != etag
    etag = published.headers["ETag"]

    def new_answer():
        with committing(province):
            point = db.session.scalar(sa.select(Point).join(Unit).where(Unit.code == "C"))
            record_response(response_id=uuid.uuid4(), point=point, channel="qr", answers={"overall": 4})

    new_answer()
    assert client.get("/cong-khai", headers={"If-None-Match": etag}).status_code == 304
    # The English page is another page.
    assert client.get("/cong-khai?lang=en", headers={"If-None-Match": etag}).status_code == 200
    client.get("/cong-khai?lang=vi")
    live(province, True)
    switched = client.get("/cong-khai", headers={"If-None-Match": etag})
    assert switched.status_code == 200 and switched.headers["ETag"] != etag
    etag = switched.headers["ETag"]
    assert client.get("/cong-khai", headers={"If-None-Match": etag}).status_code == 304
    new_answer()  # with the live index on, a new answer is a new page
    assert client.get("/cong-khai", headers={"If-None-Match": etag}).status_code == 200
    chart = client.get("/cong-khai/chart/P/tong_ket.svg")
    assert (
        client.get("/cong-khai/chart/P/tong_ket.svg", headers={"If-None-Match": chart.headers["ETag"]}).status_code
        == 304
    )
    tv = client.get("/cong-khai/tv")
    assert client.get("/cong-khai/tv", headers={"If-None-Match": tv.headers["ETag"]}).status_code == 304


# ---------- the demo province: weight and the TV ----------


@pytest.fixture
def demo_province(app):
    """The demo data with its sample answers: 39 units, its sơ kết frozen and published."""
    from core import demo

    with committing(app):
        demo.load_demo(sample_days=28)
        show_live_index(CLI, True)
    return app


def test_the_page_with_its_chart_weighs_at_most_150_kib(demo_province):
    client = demo_province.test_client()
    page = client.get("/cong-khai")
    html = page.get_data(as_text=True)
    assert html.count('class="pc-chart"') == 5  # four groups and the units without one
    total = wire_size(page)  # status line and headers included
    for asset in re.findall(r'(?:href|src)="(/(?:static|cong-khai/chart)/[^"]+)"', html):
        response = client.get(asset)
        assert response.status_code == 200, asset
        total += wire_size(response)
        response.close()
    assert total <= LIMIT, total


def test_the_tv_view_is_large_and_refreshes_itself(demo_province):
    client = demo_province.test_client()
    html = client.get("/cong-khai/tv").get_data(as_text=True)
    assert re.search(r'<meta http-equiv="refresh" content="60[;"]', html)
    assert "/static/public/tv.css" in html and "<script" not in html
    assert "Cụm thi đua Thanh tra các huyện miền núi" in html
    # At most five units a group, all ranked.
    parser = Tables()
    parser.feed(html)
    assert parser.tables and all(0 < len(rows) <= 5 for _classes, rows in parser.tables)
    assert all(row[0].isdigit() for _classes, rows in parser.tables for row in rows)


def test_dates_in_the_header_are_the_reviews_own(demo_province):
    with demo_province.app_context():
        period = db.session.scalar(sa.select(CompetitionPeriod).where(CompetitionPeriod.code.like("demo-%")))
        review = review_of(period, "so_ket")
        first, last, name = review.first, review.last, period.name
    html = page(demo_province.test_client())
    assert name in html and "Sơ kết" in html
    assert f"{first:%d/%m/%Y} – {last:%d/%m/%Y}" in html
