"""Report screens, scoping, escaping, exports that equal the report, charts that are real images."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from PIL import Image

from core.audit import Actor
from core.extensions import db
from core.models import Response
from core.reporting import queries as reports
from core.timeutil import LOCAL_TZ
from tests.conftest import committing, csrf_token
from tests.test_admin_support import (
    OTHER_SECRET,
    OWN_POINT,
    OWN_SECRET,
    SCRIPT_COMMENT,
    answer,
    login_as,
    seed,
)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "img" and attrs.get("src"):
            self.links.append(attrs["src"])


def links_of(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.links


def xlsx_text(data: bytes) -> str:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if cell
    )


@pytest.fixture
def seeded_app(demo):
    seed(demo)
    return demo


def test_unit_report_matches_core_and_api(seeded_app):
    client = seeded_app.test_client()
    login_as(client, "province_admin")
    html = client.get("/admin/reports/units").get_data(as_text=True)
    api = {row["unit"]: row for row in client.get("/api/v1/reports/satisfaction").get_json()}
    hoian = api["H-HOIAN"]
    # Own unit: 7 answers, overall satisfied 4 of 7; welcome satisfied 4 of 5.
    assert hoian["responses"] == 7
    assert hoian["criteria"]["overall"]["index"] == pytest.approx(100 * 4 / 7)
    assert hoian["criteria"]["welcome"]["index"] == pytest.approx(100 * 4 / 5)
    assert hoian["index"] == pytest.approx((100 * 4 / 7 + 100 * 4 / 5) / 2)
    row = re.search(r'<tr data-unit="H-HOIAN">(.*?)</tr>', html, re.S).group(1)
    assert re.search(r'class="num index">68,6<', row)  # (57.14 + 80) / 2 = 68.57
    assert "chưa đủ mẫu" in row  # 7 < MIN_SAMPLE
    assert "Thanh tra thành phố Hội An" in row


def test_dashboard_headline(seeded_app):
    client = seeded_app.test_client()
    login_as(client, "unit_manager")
    html = client.get("/admin/").get_data(as_text=True)
    assert re.search(r'id="headline-responses">7<', html)
    assert re.search(r'id="headline-index">68,6%<', html)
    # A viewer of the root unit sees the whole province: 7 + 6 answers.
    viewer = seeded_app.test_client()
    login_as(viewer, "viewer")
    assert re.search(r'id="headline-responses">13<', viewer.get("/admin/").get_data(as_text=True))


def test_unit_manager_crawl_never_meets_another_units_comment(seeded_app):
    client = seeded_app.test_client()
    login_as(client, "unit_manager")
    start = [
        "/admin/",
        "/admin/reports/comments",
        "/admin/reports/comments?score=1",
        "/admin/reports/comments?point=H-TAMKY-P1",
        "/admin/exports/report.xlsx",
        "/admin/exports/raw.xlsx",
    ]
    seen, queue, pages = set(), list(start), 0
    own_seen = False
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or not path.startswith("/admin/") or path in ("/admin/logout",):
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code in (200, 302, 403), (url, response.status_code)
        pages += 1
        if response.mimetype.startswith("text/html"):
            body = response.get_data(as_text=True)
            queue.extend(urljoin(url, link) for link in links_of(body))
        elif "spreadsheetml" in response.mimetype:
            body = xlsx_text(response.data)
        elif response.mimetype in ("text/csv", "image/svg+xml"):
            body = response.data.decode("utf-8-sig")
        else:
            body = response.data.decode("latin-1")
        assert OTHER_SECRET not in body, url
        assert "đậm&lt;/b&gt; TAMKY" not in body and SCRIPT_COMMENT + " TAMKY" not in body, url
        own_seen = own_seen or OWN_SECRET in body
    assert own_seen, "the crawl never reached the unit's own comments"
    assert pages > 30


def test_comment_with_html_is_shown_escaped(seeded_app):
    client = seeded_app.test_client()
    login_as(client, "province_admin")
    html = client.get("/admin/reports/comments").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in html
    assert '<script>alert("x")' not in html
    assert "<b>đậm</b>" not in html
    assert "&lt;b&gt;đậm&lt;/b&gt;" in html


def test_comment_filters_score_and_point(seeded_app):
    client = seeded_app.test_client()
    login_as(client, "province_admin")
    html = client.get("/admin/reports/comments?score=2").get_data(as_text=True)
    assert OWN_SECRET in html and OTHER_SECRET not in html
    html = client.get("/admin/reports/comments?point=H-TAMKY-P1").get_data(as_text=True)
    assert OTHER_SECRET in html and OWN_SECRET not in html
    assert "2 ý kiến" in html
    assert client.get("/admin/reports/comments?score=9").status_code == 422
    # Filters survive in the links: the CSV link carries them.
    assert "/admin/exports/comments.csv?" in html and "point=H-TAMKY-P1" in html


def test_filters_live_in_the_url(seeded_app):
    client = seeded_app.test_client()
    login_as(client, "province_admin")
    html = client.get("/admin/reports/points?unit=H-HOIAN&from=2021-01-01&to=2030-12-31").get_data(as_text=True)
    assert 'data-point="H-HOIAN-P1"' in html and 'data-point="H-TAMKY-P1"' not in html
    tab_links = [link for link in links_of(html) if link.startswith("/admin/reports/")]
    assert tab_links and all("unit=H-HOIAN" in link and "from=2021-01-01" in link for link in tab_links)
    # A range without answers shows none.
    empty = client.get("/admin/reports/points?unit=H-HOIAN&from=2020-01-01&to=2020-01-31").get_data(as_text=True)
    assert re.search(r'data-point="H-HOIAN-P1">.*?<td class="num">0<', empty, re.S)
    period = client.get("/admin/reports/trend?period=2023-2024&from=2026-01-01").get_data(as_text=True)
    assert "01/07/2023 – 30/11/2024" in period and "Sơ kết" in period  # the period wins over typed dates
    assert 'value="01/07/2023"' in period
    bad = client.get("/admin/reports/units?from=2024-13-01")
    assert bad.status_code == 422 and "Khoảng thời gian không hợp lệ" in bad.get_data(as_text=True)
    assert client.get("/admin/reports/units?period=nope").status_code == 422
    assert client.get("/admin/reports/units?from=2024-02-01&to=2024-01-01").status_code == 422
    assert client.get("/admin/reports/units?unit=NOPE").status_code == 404
    assert client.get("/admin/reports/nope").status_code == 404


def test_every_view_renders_for_each_role(seeded_app):
    from admin.reports import VIEWS

    for role in ("province_admin", "unit_manager", "viewer"):
        client = seeded_app.test_client()
        login_as(client, role)
        for view in VIEWS:
            response = client.get(f"/admin/reports/{view}")
            assert response.status_code == 200, (role, view)
            assert "<h1>" in response.get_data(as_text=True)


def test_reason_heatmap_trend_and_channel_queries(seeded_app):
    with seeded_app.app_context():
        first, last = reports.default_range()
        own = {db.session.scalar(sa.text("SELECT id FROM units WHERE code = 'H-HOIAN'"))}
        assert [(r.code, r.count) for r in reports.reason_counts(first, last, own)] == [("wait", 2), ("attitude", 1)]
        stored = db.session.scalars(sa.select(Response.answered_at)).all()
        expected: dict[tuple[int, int], int] = {}
        for moment in stored:
            local = moment.astimezone(LOCAL_TZ)
            expected[(local.weekday(), local.hour)] = expected.get((local.weekday(), local.hour), 0) + 1
        cells = reports.heatmap(first, last, None)
        assert {(c.weekday, c.hour): c.responses for c in cells} == expected
        weeks = reports.weekly_trend(first, last, None)
        mondays = {
            (m.astimezone(LOCAL_TZ).date() - timedelta(days=m.astimezone(LOCAL_TZ).weekday())).isoformat()
            for m in stored
        }
        assert {w.key for w in weeks} == mondays
        assert sum(w.responses for w in weeks) == 13
        channels = {c.key: c.responses for c in reports.channel_figures(first, last, own)}
        assert channels == {"kiosk": 1, "qr": 6, "visit": 0}


def test_xlsx_export_equals_the_report(seeded_app):
    client = seeded_app.test_client()
    login_as(client, "province_admin")
    response = client.get("/admin/exports/report.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == [
        "Tổng hợp",
        "Đơn vị",
        "Xếp hạng",
        "Điểm tiếp nhận",
        "Tiêu chí",
        "Lý do",
        "Giờ × ngày",
        "Xu hướng tuần",
        "Kênh",
    ]
    with seeded_app.app_context():
        first, last = reports.default_range()
        expected = {row.unit: row for row in reports.satisfaction_by_unit(first, last, None, 30)}
        summary = reports.scope_summary(first, last, None)
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(Response))
    units = workbook["Đơn vị"]
    assert units.freeze_panes == "A2"
    header = [cell.value for cell in units[1]]
    assert header[:6] == ["Mã đơn vị", "Tên đơn vị", "Khối, cụm thi đua", "Số lượt", "Bị loại", "Chỉ số hài lòng (%)"]
    overall_column = header.index("Dân về vui vẻ (%)")
    rows = {row[0]: row for row in units.iter_rows(min_row=2, values_only=True)}
    assert rows.keys() == expected.keys()
    for code, row in expected.items():
        assert rows[code][3] == row.responses
        assert rows[code][5] == (pytest.approx(row.index) if row.index is not None else None)
        overall = row.criteria.get("overall")
        assert rows[code][overall_column] == (pytest.approx(overall.index) if overall else None)
    hoian_row = next(row for row in units.iter_rows(min_row=2) if row[0].value == "H-HOIAN")
    assert hoian_row[5].number_format == "0.0" and hoian_row[3].number_format == "#,##0"
    totals = {row[0]: row[1] for row in workbook["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert totals["Số lượt đánh giá được tính"] == summary.responses == 13
    assert totals["Chỉ số hài lòng (%)"] == pytest.approx(summary.index)
    # The report workbook holds aggregates only; its overview says where the comments and answers are.
    assert "Dữ liệu thô" in totals["Ý kiến và từng câu trả lời"]
    assert SCRIPT_COMMENT not in xlsx_text(response.data)

    # The raw data: the comments and every stored answer, counted or flagged, in a workbook of its own.
    raw_response = client.get("/admin/exports/raw.xlsx")
    assert raw_response.status_code == 200 and raw_response.mimetype == response.mimetype
    assert re.search(r'filename="bao-cao-du-lieu-tho-tinh-[0-9-]+\.xlsx"', raw_response.headers["Content-Disposition"])
    raw_book = load_workbook(io.BytesIO(raw_response.data))
    assert raw_book.sheetnames == ["Tổng hợp", "Ý kiến", "Câu trả lời"]
    raw = raw_book["Câu trả lời"]
    raw_header = [cell.value for cell in raw[1]]
    assert not any(word in " ".join(raw_header).lower() for word in ("điện thoại", "họ tên", "liên hệ", "phone"))
    assert raw.max_row - 1 == stored
    comments = list(raw_book["Ý kiến"].iter_rows(min_row=2, values_only=True))
    assert len(comments) == 4
    # A formula-looking comment would be text; the HTML comment is stored as text, unescaped.
    assert any(SCRIPT_COMMENT in (row[7] or "") for row in comments)
    overview = {row[0]: row[1] for row in raw_book["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    flagged = overview["Số lượt bị loại (bấm liên tục, lặp lại, sai giờ)"]
    assert overview["Số lượt đánh giá được tính"] + flagged == stored
    assert overview["Số lượt ở sheet “Câu trả lời”"] == stored and overview["Số ý kiến ở sheet “Ý kiến”"] == 4


def test_raw_answers_csv_and_the_workbook_never_cut(seeded_app, monkeypatch):
    from core.reporting import exports

    client = seeded_app.test_client()
    login_as(client, "unit_manager")
    raw = list(csv.reader(io.StringIO(client.get("/admin/exports/raw.csv").data.decode("utf-8-sig"))))
    assert len(raw) == 1 + 7 and {row[3] for row in raw[1:]} == {"H-HOIAN"}
    assert "Ý kiến" in raw[0] and not any("điện thoại" in h.lower() for h in raw[0])
    # Past a sheet's rows the answers continue on a second sheet: every one of the 7 is written.
    monkeypatch.setattr(exports, "SHEET_ROWS", 5)
    workbook = load_workbook(io.BytesIO(client.get("/admin/exports/raw.xlsx").data))
    assert workbook["Câu trả lời"].max_row == 1 + 5 and workbook["Câu trả lời (2)"].max_row == 1 + 2
    notes = dict(workbook["Tổng hợp"].iter_rows(min_row=2, values_only=True))
    assert notes["Số lượt ở sheet “Câu trả lời”"] == 5 and notes["Số lượt ở sheet “Câu trả lời (2)”"] == 2


def test_csv_export_equals_the_screen(seeded_app):
    client = seeded_app.test_client()
    login_as(client, "unit_manager")
    response = client.get("/admin/exports/units.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Mã đơn vị", "Tên đơn vị", "Khối, cụm thi đua", "Số lượt"]
    assert [row[0] for row in rows[1:]] == ["H-HOIAN"]
    html = client.get("/admin/reports/units").get_data(as_text=True)
    shown = re.search(r'<tr data-unit="H-HOIAN">.*?class="num index">([^<]+)<', html, re.S).group(1)
    assert rows[1][5] == shown.replace(",", ".") == "68.6"
    assert rows[1][3] == "7"
    points = list(csv.reader(io.StringIO(client.get("/admin/exports/points.csv").data.decode("utf-8-sig"))))
    assert {row[0] for row in points[1:]} == {"H-HOIAN-P1", "H-HOIAN-P2"}
    for view in ("criteria", "reasons", "heatmap", "trend", "channels", "comments"):
        export = client.get(f"/admin/exports/{view}.csv")
        assert export.status_code == 200 and export.mimetype == "text/csv", view
        assert OTHER_SECRET not in export.data.decode("utf-8-sig")


@pytest.mark.parametrize("name", ["trend", "reasons", "heatmap", "channels", "criteria", "units"])
def test_charts_are_valid_images(seeded_app, name):
    client = seeded_app.test_client()
    login_as(client, "province_admin")
    png = client.get(f"/admin/charts/{name}.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    image = Image.open(io.BytesIO(png.data))
    image.verify()
    assert image.format == "PNG" and image.size[0] >= 600
    svg = client.get(f"/admin/charts/{name}.svg")
    assert svg.mimetype == "image/svg+xml"
    root = ET.fromstring(svg.data)  # noqa: S314 (our own chart, not untrusted input)
    assert root.tag.endswith("svg")


def test_empty_charts_still_draw(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    for name in ("trend", "reasons", "heatmap", "channels", "criteria", "units"):
        response = client.get(f"/admin/charts/{name}.png?from=2020-01-01&to=2020-01-31")
        assert response.status_code == 200
        Image.open(io.BytesIO(response.data)).verify()
    assert client.get("/admin/charts/nope.png").status_code == 404
    assert client.get("/admin/charts/trend.gif").status_code == 404


def test_chart_is_cached_until_a_new_answer_arrives(seeded_app):
    client = seeded_app.test_client()
    login_as(client, "province_admin")
    first = client.get("/admin/charts/trend.png")
    etag = first.headers["ETag"]
    again = client.get("/admin/charts/trend.png", headers={"If-None-Match": etag})
    assert again.status_code == 304
    with committing(seeded_app):
        answer(OWN_POINT, 5, hours_ago=1)
    changed = client.get("/admin/charts/trend.png", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_charts_never_load_pyplot_and_load_matplotlib_lazily(tmp_path):
    code = (
        "import sys\n"
        "from app import create_app\n"
        "import admin.reports, core.reporting.charts\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported at start-up'\n"
        "from core.reporting import charts\n"
        "data = charts.render(charts.draw_channels, 'png', [])\n"
        "assert data.startswith(b'\\x89PNG')\n"
        "assert 'matplotlib' in sys.modules and 'matplotlib.pyplot' not in sys.modules\n"
        "print('ok')\n"
    )
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_meeting_report_pdf(seeded_app):
    from pypdf import PdfReader

    client = seeded_app.test_client()
    login_as(client, "province_admin")
    response = client.get("/admin/exports/report.pdf?from=2021-01-01&to=2030-12-31")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    # The groups' tables of the 39 units, then the two units with answers, in a few pages.
    assert len(reader.pages) <= 4
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Chỉ số hài lòng chung" in text and "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Thanh tra thành phố Hội An" in text and "Thanh tra thành phố Tam Kỳ" in text
    manager = seeded_app.test_client()
    login_as(manager, "unit_manager")
    own = PdfReader(io.BytesIO(manager.get("/admin/exports/report.pdf").data))
    assert len(own.pages) <= 2
    assert "Tam Kỳ" not in "\n".join(page.extract_text() for page in own.pages)


def test_ranking_shows_every_units_aggregate_but_links_only_to_own(seeded_app):
    client = seeded_app.test_client()
    login_as(client, "unit_manager")
    html = client.get("/admin/reports/ranking?from=2021-01-01&to=2030-12-31").get_data(as_text=True)
    assert html.count("<tr data-unit=") == 39
    tamky = re.search(r'<tr data-unit="H-TAMKY"\s*>(.*?)</tr>', html, re.S).group(1)
    assert "Thanh tra thành phố Tam Kỳ" in tamky and "<a " not in tamky
    hoian = re.search(r'<tr data-unit="H-HOIAN" class="mine">(.*?)</tr>', html, re.S).group(1)
    assert "unit=H-HOIAN" in hoian
    assert OTHER_SECRET not in html
    # The ranking's figures are the ones the API gives the province office.
    office = seeded_app.test_client()
    login_as(office, "province_admin")
    api = {
        row["unit"]: row for row in office.get("/api/v1/reports/satisfaction?from=2021-01-01&to=2030-12-31").get_json()
    }
    shown = re.search(r'class="num index">([^<]+)<', tamky).group(1)
    assert shown == f"{api['H-TAMKY']['index']:.1f}".replace(".", ",")


def test_english_switch_renders_the_admin_pages(seeded_app):
    client = seeded_app.test_client()
    login_as(client, "province_admin")
    for url in ("/admin/?lang=en", "/admin/reports/units", "/admin/reports/criteria", "/admin/points", "/admin/users"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.get_data(as_text=True), url


def test_api_rank_is_the_place_in_the_whole_group(make_app):
    from core.demo import load_demo
    from core.models import User
    from core.org.accounts import create_api_token, create_user

    app = make_app(MIN_SAMPLE=5)
    with committing(app):
        load_demo(sample_days=0)
    seed(app)
    with committing(app):
        create_user(Actor.cli(), "tamky", "unit_manager", "tamky-pass-1", "H-TAMKY")
        _row, token = create_api_token(Actor.cli(), db.session.scalar(sa.select(User).where(User.username == "tamky")))
    client = app.test_client()
    rows = client.get("/api/v1/reports/satisfaction", headers={"Authorization": f"Bearer {token}"}).get_json()
    # Hội An (68.6) is ahead of Tam Kỳ (33.3) in the plains group: Tam Kỳ is second, not first.
    assert [(row["unit"], row["rank"]) for row in rows] == [("H-TAMKY", 2)]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/admin/reports/comments?page=99999999999999999999999", 422),
        ("/admin/reports/units?from=0001-01-01", 422),
        ("/admin/reports/units?to=9999-12-31", 422),
        ("/admin/charts/trend.png?from=0001-01-01&to=0001-01-05", 422),
        ("/api/v1/reports/satisfaction?to=9999-12-31", 422),
        ("/admin/points/99999999999999999999999/poster.png", 404),
        ("/admin/surveys/99999999999999999999/edit", 404),
        ("/admin/reports/comments?point=%00", 422),
        ("/admin/reports/units?unit=%00x", 422),
        ("/admin/reports/units?period=nope", 422),
        ("/admin/exports/report.xlsx?from=2024-02-30", 422),
        ("/admin/audit?page=99999999999999999999", 200),
    ],
)
def test_bad_input_is_a_friendly_answer_never_a_500(demo, url, status):
    client = demo.test_client()
    login_as(client, "province_admin")
    response = client.get(url)
    assert response.status_code == status
    if url.startswith("/api/"):
        assert response.get_json()["error"]["fields"]
    elif status != 200:
        assert "Mã lỗi" in response.get_data(as_text=True) or "<h1>" in response.get_data(as_text=True)


def test_nul_in_a_code_is_refused_and_in_a_name_dropped(demo):
    from core.models import CompetitionGroup

    client = demo.test_client()
    login_as(client, "province_admin")
    token = csrf_token(client.get("/admin/groups").get_data(as_text=True))
    response = client.post("/admin/groups", data={"code": "a\x00b", "name": "x", "csrf_token": token})
    assert response.status_code == 422
    assert "ký tự điều khiển" in response.get_data(as_text=True)
    # Free text is cleaned instead (the input guard): the name is stored without its NUL.
    saved = client.post("/admin/groups", data={"code": "cum-nul", "name": "Cụm\x00 X", "csrf_token": token})
    assert saved.status_code == 302
    with demo.app_context():
        names = dict(db.session.execute(sa.select(CompetitionGroup.code, CompetitionGroup.name)).all())
    assert "a\x00b" not in names and "ab" not in names and names["cum-nul"] == "Cụm X"


BAD_RANGES = ["from=2024-13-01", "to=9999-12-31", "from=2024-03-02&to=2024-03-01", "from=2000-01-01&to=2100-12-31"]


def test_report_pages_and_the_api_read_dates_alike(demo):
    """One parser of `from`/`to`: a page, an export, a chart and the JSON API refuse the same
    input, naming the same field."""
    client = demo.test_client()
    login_as(client, "province_admin")
    for query in BAD_RANGES:
        api = client.get(f"/api/v1/reports/satisfaction?{query}")
        assert api.status_code == 422, query
        fields = set(api.get_json()["error"]["fields"])
        assert fields and fields <= {"from", "to"}, query
        for url in ("/admin/reports/units", "/admin/exports/units.csv", "/admin/charts/trend.png"):
            response = client.get(f"{url}?{query}")
            assert response.status_code == 422, (url, query)
    api_ok = client.get("/api/v1/reports/satisfaction?from=2024-01-01&to=2024-01-31")
    page_ok = client.get("/admin/reports/units?from=2024-01-01&to=2024-01-31").get_data(as_text=True)
    assert api_ok.headers["X-Report-From"] == "2024-01-01" and "01/01/2024 – 31/01/2024" in page_ok


OTHER_UNIT_FILTERS = [
    "/admin/?unit=H-TAMKY",
    "/admin/reports/units?unit=H-TAMKY",
    "/admin/reports/comments?unit=H-TAMKY",
    "/admin/reports/ranking?unit=H-TAMKY",
    "/admin/charts/trend.png?unit=H-TAMKY",
    "/admin/charts/units.svg?unit=H-TAMKY",
    "/admin/exports/report.xlsx?unit=H-TAMKY",
    "/admin/exports/raw.xlsx?unit=H-TAMKY",
    "/admin/exports/raw.csv?unit=H-TAMKY",
    "/admin/exports/comments.csv?unit=H-TAMKY",
    "/admin/exports/report.pdf?unit=H-TAMKY",
    "/admin/reports/units?unit=TTT",  # the parent of the manager's unit is outside its scope too
]


def test_a_filter_naming_another_unit_is_404_for_a_unit_manager(seeded_app):
    client = seeded_app.test_client()
    login_as(client, "unit_manager")
    for url in OTHER_UNIT_FILTERS:
        response = client.get(url)
        assert response.status_code == 404, url
        assert OTHER_SECRET not in response.get_data(as_text=True)
        # The same page for the manager's own unit is there.
        own = url.replace("H-TAMKY", "H-HOIAN").replace("TTT", "H-HOIAN")
        assert client.get(own).status_code == 200, own


def test_weekly_trend_by_unit_equals_each_units_own_trend(seeded_app):
    with seeded_app.app_context():
        first, last = reports.default_range()
        batched = reports.weekly_trend_by_unit(first, last, None)
        ids = dict(db.session.execute(sa.text("SELECT code, id FROM units")).all())
        for code in ("H-HOIAN", "H-TAMKY"):
            alone = reports.weekly_trend(first, last, {ids[code]})
            assert [(w.key, w.responses, w.index) for w in batched[ids[code]]] == [
                (w.key, w.responses, w.index) for w in alone
            ]
        assert set(batched) == {ids["H-HOIAN"], ids["H-TAMKY"]}


def test_picture_cache_is_bounded(monkeypatch):
    from core.reporting import charts

    charts.cache_clear()
    monkeypatch.setattr(charts, "CACHE_SIZE", 3)
    monkeypatch.setattr(charts, "CACHE_BYTES", 25)
    drawn = []
    for number in range(5):
        charts.cached(("k", number), lambda n=number: drawn.append(n) or b"x" * 10)
    assert drawn == [0, 1, 2, 3, 4]
    assert charts.cached(("k", 4), lambda: b"redrawn") == b"x" * 10  # the newest is kept
    assert charts.cached(("k", 0), lambda: b"redrawn") == b"redrawn"  # the oldest was dropped
    charts.cache_clear()
