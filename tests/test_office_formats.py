"""Office-ready texts (issue 11, items 2 and 3): names instead of codes, Vietnamese numbers and
dates on screens, in charts and in the workbook, dates typed dd/mm/yyyy, an audit log that reads as
sentences, unit kinds and roles chosen from labelled lists, criteria in the slogan's order."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from core.dates import parse_date
from core.extensions import db
from core.models import AuditLog, CompetitionGroup, CompetitionPeriod, Milestone, Unit
from core.numbers import vn_number, vn_percent
from core.reporting import charts
from core.reporting.queries import GroupFigures, HeatCell
from tests.conftest import committing
from tests.test_admin_support import OWN_POINT, answer, login_as, seed, token_from

# --- one number formatter in core ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [
        (20427, 0, "20.427"),
        (1225, 0, "1.225"),
        (83.456, 1, "83,5"),
        (4.2345, 2, "4,23"),
        (1234567.891, 2, "1.234.567,89"),
        (-1225.5, 1, "-1.225,5"),
        (-0.04, 1, "0,0"),
        (0, 0, "0"),
        (None, 1, "–"),
    ],
)
def test_vn_number(value, digits, shown):
    assert vn_number(value, digits) == shown


def test_vn_percent():
    assert vn_percent(83.333) == "83,3%" and vn_percent(None) == "–"


# --- dates as typed -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("31/12/2024", date(2024, 12, 31)),
        ("1/2/2024", date(2024, 2, 1)),
        (" 05-03-2025 ", date(2025, 3, 5)),
        ("05.03.2025", date(2025, 3, 5)),
        ("2024-12-31", date(2024, 12, 31)),
        ("", None),
    ],
)
def test_parse_date_reads_day_first_and_iso(typed, parsed):
    assert parse_date(typed) == parsed


@pytest.mark.parametrize("typed", ["31/02/2024", "12/31/2024", "2024/12/31", "hôm qua", "31122024"])
def test_parse_date_refuses_what_is_not_a_date(typed):
    with pytest.raises(ValueError):
        parse_date(typed)


# --- charts: Vietnamese separators in the SVG text, trend dates that do not pile up ---------------


def _svg_texts(svg: bytes) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode())


def test_heatmap_svg_writes_counts_with_a_thousands_dot():
    cells = [HeatCell(0, 8, 1225, 1000, 81.6), HeatCell(1, 9, 20427, 15000, 73.4), HeatCell(2, 10, 7, 7, 100.0)]
    texts = _svg_texts(charts.render(charts.draw_heatmap, "svg", cells))
    assert "1.225" in texts and "20.427" in texts and "7" in texts
    assert "1225" not in texts and "20427" not in texts
    # The colour bar's ticks too: 5.000, 10.000, ... never 5000.
    assert "10.000" in texts and "10000" not in texts


def test_channel_svg_writes_index_with_a_comma_and_counts_with_a_dot():
    channels = [
        GroupFigures(key="kiosk", label="kiosk", responses=20427, flagged=0, index=83.456),
        GroupFigures(key="qr", label="qr", responses=1225, flagged=3, index=70.04),
        GroupFigures(key="visit", label="visit", responses=0, flagged=0, index=None),
    ]
    texts = _svg_texts(charts.render(charts.draw_channels, "svg", channels))
    assert "83,5%" in texts and "20.427 lượt" in texts
    assert "70,0%" in texts and "1.225 lượt" in texts
    assert not any(re.search(r"\d\.\d%|\d{4} lượt", text) for text in texts)


def test_trend_svg_dates_are_few_and_day_first():
    first = date(2024, 1, 1)
    weeks = [
        GroupFigures(
            key=(first + timedelta(weeks=i)).isoformat(), label="", responses=1000 + 25 * i, flagged=0, index=80
        )
        for i in range(52)
    ]
    texts = _svg_texts(charts.render(charts.draw_trend, "svg", weeks, []))
    dates = [t for t in texts if re.fullmatch(r"\d{2}/\d{2}(/\d{4})?", t)]
    # 52 weekly bars, at most eight date labels (dd/mm/yyyy across a year boundary).
    assert 2 <= len(dates) <= 8, dates
    assert all(int(t[:2]) <= 31 and int(t[3:5]) <= 12 for t in dates)
    assert "2.000" in texts or "1.500" in texts  # the count axis groups thousands with a dot


def test_chart_route_svg_shows_vietnamese_numbers(seeded_app):
    client = seeded_app.test_client()
    login_as(client, "province_admin")
    svg = client.get("/admin/charts/channels.svg").data
    texts = _svg_texts(svg)
    # Seeded: 1 kiosk answer (overall 1: index 0) and 12 QR answers.
    assert "0,0%" in texts and "1 lượt" in texts and "12 lượt" in texts


# --- screens: numbers and dates in the reader's locale --------------------------------------------


@pytest.fixture
def seeded_app(demo):
    seed(demo)
    return demo


def test_criteria_screen_mean_uses_the_locale(seeded_app):
    client = seeded_app.test_client()
    login_as(client, "province_admin")
    html = client.get("/admin/reports/criteria").get_data(as_text=True)
    # overall: 13 answers 5,5,4,4,3,2,1 (Hội An) and 5,4,2,1,1,2 (Tam Kỳ): mean 39/13 = 3.00;
    # welcome: 5,5,4,4,3: mean 21/5 = 4.20.
    row = re.search(r'<tr data-criterion="welcome">(.*?)</tr>', html, re.S).group(1)
    assert re.search(r'class="num mean">4,20<', row)
    row = re.search(r'<tr data-criterion="overall">(.*?)</tr>', html, re.S).group(1)
    assert re.search(r'class="num mean">3,00<', row)
    html = client.get("/admin/reports/criteria?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    row = re.search(r'<tr data-criterion="welcome">(.*?)</tr>', html, re.S).group(1)
    assert re.search(r'class="num mean">4\.20<', row)


def test_number_filters_in_both_languages(demo):
    # 1234 stored answers would make a slow test: the screens' figures all go through these filters.
    with demo.test_request_context("/admin/"):
        from flask_babel import force_locale

        from admin.formatting import num, pct

        with force_locale("vi"):
            assert (num(1234), pct(83.333), num(4.234, 2), num(None)) == ("1.234", "83,3", "4,23", "–")
        with force_locale("en"):
            assert (num(1234), pct(83.333), num(4.234, 2)) == ("1,234", "83.3", "4.23")


def test_heatmap_screen_counts_use_the_locale(demo):
    with committing(demo):
        for _ in range(3):
            answer(OWN_POINT, 5, welcome=5, hours_ago=1)
    client = demo.test_client()
    login_as(client, "province_admin")
    html = client.get("/admin/reports/heatmap").get_data(as_text=True)
    counts = re.findall(r'<td class="num heat-\d">([^<]+)</td>', html)
    assert counts == ["3"]


def test_trend_screen_shows_milestone_dates_day_first(seeded_app):
    with committing(seeded_app):
        period = db.session.scalar(sa.select(CompetitionPeriod).limit(1))
        db.session.add(Milestone(period_id=period.id, kind="so_ket", name="Mốc thử", due_date=date(2024, 3, 9)))
        code = period.code
    client = seeded_app.test_client()
    login_as(client, "province_admin")
    html = client.get(f"/admin/reports/trend?period={code}").get_data(as_text=True)
    assert "Mốc thử (09/03/2024)" in html and "2024-03-09" not in html.split("Mốc:")[1][:200]


def test_report_date_filter_reads_day_first_and_iso_alike(seeded_app):
    client = seeded_app.test_client()
    login_as(client, "province_admin")
    typed = client.get("/admin/reports/points?from=01/01/2021&to=31/12/2030")
    iso = client.get("/admin/reports/points?from=2021-01-01&to=2030-12-31")
    assert typed.status_code == iso.status_code == 200
    html = typed.get_data(as_text=True)
    assert 'value="01/01/2021"' in html and 'value="31/12/2030"' in html
    assert 'type="date"' not in html and 'placeholder="dd/mm/yyyy"' in html and 'inputmode="numeric"' in html

    def cells(page: str) -> list[str]:
        return re.findall(r'<tr data-point="([^"]+)">.*?class="num">([^<]*)<', page, re.S)

    assert cells(html) == cells(iso.get_data(as_text=True))
    assert client.get("/admin/reports/points?from=31/02/2024").status_code == 422
    assert client.get("/admin/reports/points?from=12/31/2024").status_code == 422


# --- names, not codes, in the workbook -------------------------------------------------------------


def test_workbook_holds_names_labels_and_real_numbers(seeded_app):
    client = seeded_app.test_client()
    login_as(client, "province_admin")
    response = client.get("/admin/exports/report.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    units = workbook["Đơn vị"]
    header = [cell.value for cell in units[1]]
    assert header[2] == "Khối, cụm thi đua"
    assert "Xếp hạng" not in header and header[-2:] == ["Đủ mẫu để xếp hạng", "Hạng trong khối, cụm"]
    rows = {row[0].value: row for row in units.iter_rows(min_row=2)}
    with seeded_app.app_context():
        plains = db.session.scalar(sa.select(CompetitionGroup.name).where(CompetitionGroup.code == "cum-dong-bang"))
    assert rows["H-HOIAN"][2].value == plains and "cum-dong-bang" not in {r[2].value for r in rows.values()}
    assert rows["H-HOIAN"][len(header) - 2].value == "Chưa đủ mẫu"  # 7 answers < 30
    # Real numbers with display formats, never text.
    assert isinstance(rows["H-HOIAN"][3].value, int) and rows["H-HOIAN"][3].number_format == "#,##0"
    assert isinstance(rows["H-HOIAN"][5].value, float) and rows["H-HOIAN"][5].number_format == "0.0"
    assert rows["H-HOIAN"][5].value == pytest.approx((100 * 4 / 7 + 100 * 4 / 5) / 2)
    # Criteria columns in the slogan's order: welcome, guidance, overall, then the others.
    criteria_headers = [h for h in header if h.endswith(" (%)") and h != "Chỉ số hài lòng (%)"]
    assert criteria_headers[:3] == ["Dân vào niềm nở (%)", "Hướng dẫn tận tình (%)", "Dân về vui vẻ (%)"]
    criteria = workbook["Tiêu chí"]
    mean_cells = {row[0].value: row[8] for row in criteria.iter_rows(min_row=2)}
    assert mean_cells["welcome"].value == pytest.approx(4.2) and mean_cells["welcome"].number_format == "0.00"
    # Reasons as their labels in the raw data's answers sheet, never "attitude, wait".
    raw_data = load_workbook(io.BytesIO(client.get("/admin/exports/raw.xlsx").data))
    raw = raw_data["Câu trả lời"]
    raw_header = [cell.value for cell in raw[1]]
    reasons = {row[raw_header.index("Lý do")] for row in raw.iter_rows(min_row=2, values_only=True)}
    assert "Phải chờ lâu" in reasons and "Phải chờ lâu, Thái độ chưa tốt" in {
        ", ".join(sorted(r.split(", "))) for r in reasons if r
    }
    assert not any(code in " ".join(r or "" for r in reasons) for code in ("wait", "attitude", "procedure"))
    # The comments sheet names units and points beside their codes.
    comments = raw_data["Ý kiến"]
    comment_header = [cell.value for cell in comments[1]]
    assert comment_header[1:5] == ["Mã điểm", "Điểm tiếp nhận", "Mã đơn vị", "Tên đơn vị"]
    named = {(row[3], row[4]) for row in comments.iter_rows(min_row=2, values_only=True)}
    assert ("H-HOIAN", "Thanh tra thành phố Hội An") in named and ("H-TAMKY", "Thanh tra thành phố Tam Kỳ") in named


def test_csv_stays_machine_readable(seeded_app):
    client = seeded_app.test_client()
    login_as(client, "province_admin")
    data = client.get("/admin/exports/units.csv").data
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    hoian = next(line for line in text.splitlines() if line.startswith("H-HOIAN,"))
    assert ",68.6," in hoian  # a dot decimal, no grouping
    assert "Thanh tra thành phố Hội An" in hoian and "cum-dong-bang" not in hoian


# --- the audit log reads as sentences with names ----------------------------------------------------


def test_audit_log_tells_a_unit_move_as_a_sentence_with_names(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    with demo.app_context():
        hoian = db.session.scalar(sa.select(Unit).where(Unit.code == "H-HOIAN"))
        unit_id, name = hoian.id, hoian.name
        groups = dict(db.session.execute(sa.select(CompetitionGroup.code, CompetitionGroup.name)).all())
    token = token_from(client, f"/admin/units/{unit_id}/edit")
    saved = client.post(
        f"/admin/units/{unit_id}/edit",
        data={"name": name, "kind": "department", "parent": "TTT", "group": "cum-mien-nui", "csrf_token": token},
    )
    assert saved.status_code == 302
    with demo.app_context():
        row = db.session.scalars(sa.select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert row.action == "unit.update" and row.changes["group"] == ["cum-dong-bang", "cum-mien-nui"]
    html = client.get("/admin/audit").get_data(as_text=True)
    entry = re.search(rf'<tr data-audit="{row.id}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    sentence = f"admin đã chuyển {name} từ {groups['cum-dong-bang']} sang {groups['cum-mien-nui']}"
    assert f'<td class="sentence">{sentence}</td>' in entry
    assert "<li>Loại: Cấp huyện → Sở, ngành</li>" in entry
    visible = re.sub(r"<[^>]+>", " ", entry)
    for code in ("unit.update", "cum-dong-bang", "cum-mien-nui", "district", "department", "H-HOIAN"):
        assert code not in visible, code


def test_audit_log_names_every_action_without_codes(demo):
    """Every row the demo and a few operations leave reads without a dotted or snake_case code."""
    client = demo.test_client()
    login_as(client, "province_admin")
    token = token_from(client, "/admin/groups")
    client.post("/admin/groups", data={"code": "cum-x", "name": "Cụm X", "leader": "H-HOIAN", "csrf_token": token})
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "admin đã tạo khối, cụm thi đua Cụm X" in html
    assert "<li>Đơn vị trưởng khối, cụm: Thanh tra thành phố Hội An</li>" in html
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    # File names (tệp don-vi-quang-nam.csv) are what the office uploaded: not codes.
    visible = re.sub(r"tệp \S+", "tệp", re.sub(r"<[^>]+>", " ", body))
    assert "Hệ thống đã nhập danh sách đơn vị từ tệp" in visible
    assert not re.search(r"\b[a-z]+(?:\.[a-z_]+)+\b", visible), re.findall(r"\b[a-z]+(?:\.[a-z_]+)+\b", visible)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", visible), re.findall(r"\b[a-z]+_[a-z_]+\b", visible)


def test_audit_sentence_of_an_unknown_action_is_generic(demo):
    from core.audit import Actor, record

    with committing(demo):
        record(Actor(), "export.create", "xlsx_job", {"rows": 5})
        record(Actor(), "mystery_thing", "x.y")
    client = demo.test_client()
    login_as(client, "province_admin")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Hệ thống đã tạo tệp xuất báo cáo" in html
    assert "Hệ thống đã thực hiện một thao tác với dữ liệu" in html
    visible = re.sub(r"<[^>]+>", " ", html)
    assert "export.create" not in visible and "mystery_thing" not in visible and "xlsx_job" not in visible


# --- unit kinds and roles from lists with labels -------------------------------------------------------


def test_unit_kind_is_a_select_with_labels(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    with demo.app_context():
        unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.code == "H-HOIAN"))
    page = client.get(f"/admin/units/{unit_id}/edit").get_data(as_text=True)
    select = re.search(r'<select[^>]*id="u-kind"[^>]*>(.*?)</select>', page, re.S).group(1)
    options = dict(re.findall(r'<option[^>]*value="([^"]+)"[^>]*>([^<]+)</option>', select))
    assert options["district"] == "Cấp huyện" and options["province"] == "Cấp tỉnh"
    assert re.search(r'<option selected value="district"|<option value="district" selected', select)
    listing = client.get("/admin/units").get_data(as_text=True)
    row = re.search(r"Thanh tra thành phố Hội An</th>(.*?)</tr>", listing, re.S).group(1)
    assert "<td>Cấp huyện</td>" in row and "<td>district</td>" not in listing
    token = token_from(client, f"/admin/units/{unit_id}/edit")
    refused = client.post(
        f"/admin/units/{unit_id}/edit",
        data={"name": "X", "kind": "galaxy", "parent": "TTT", "group": "", "csrf_token": token},
    )
    assert refused.status_code == 422 and "Loại đơn vị không hợp lệ." in refused.get_data(as_text=True)
    with demo.app_context():
        assert db.session.scalar(sa.select(Unit.kind).where(Unit.id == unit_id)) == "district"


def test_roles_have_labels_not_named_like_a_unit(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    page = client.get("/admin/users").get_data(as_text=True)
    select = re.search(r'<select[^>]*id="u-role"[^>]*>(.*?)</select>', page, re.S).group(1)
    labels = dict(re.findall(r'<option[^>]*value="([^"]+)"[^>]*>([^<]+)</option>', select))
    assert labels == {"province_admin": "Quản trị cấp tỉnh", "unit_manager": "Lãnh đạo đơn vị", "viewer": "Chỉ xem"}
    with demo.app_context():
        unit_names = set(db.session.scalars(sa.select(Unit.name)))
    assert not set(labels.values()) & unit_names
    table = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    assert "<td>Quản trị cấp tỉnh</td>" in table and "province_admin<" not in table


# --- abbreviations and the slogan's order on the report screens ---------------------------------------


def test_abbreviations_are_explained_and_criteria_follow_the_slogan(seeded_app):
    client = seeded_app.test_client()
    login_as(client, "province_admin")
    ranking = client.get("/admin/reports/ranking").get_data(as_text=True)
    assert '<abbr title="khoảng tin cậy 95%">KTC 95%</abbr>' in ranking
    units = client.get("/admin/reports/units").get_data(as_text=True)
    assert '<abbr title="khoảng tin cậy 95%">KTC 95%</abbr>' in units and "KTC 95%: khoảng tin cậy 95%" in units
    comments = client.get("/admin/reports/comments").get_data(as_text=True)
    assert re.search(r'<abbr title="[^"]*câu hỏi chính[^"]*">Điểm câu chính</abbr>', comments)
    assert "Điểm câu chính: điểm người dân chấm cho câu hỏi chính" in comments
    criteria = client.get("/admin/reports/criteria").get_data(as_text=True)
    order = re.findall(r'<tr data-criterion="([^"]+)">', criteria)
    assert order[:3] == ["welcome", "guidance", "overall"] or order[:2] == ["welcome", "overall"], order
    headers = re.search(r"<thead>(.*?)</thead>", units, re.S).group(1)
    slogan = [headers.index(label) for label in ("Dân vào niềm nở", "Hướng dẫn tận tình", "Dân về vui vẻ")]
    assert slogan == sorted(slogan)


# --- form date fields: typed day first, shown day first ------------------------------------------------


def test_period_form_takes_day_first_dates_in_text_boxes(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    page = client.get("/admin/periods").get_data(as_text=True)
    start_box = re.search(r"<input[^>]*name=\"start_date\"[^>]*>", page).group(0)
    assert 'type="text"' in start_box and 'placeholder="dd/mm/yyyy"' in start_box and "data-date-input" in start_box
    assert 'type="date"' not in page
    token = token_from(client, "/admin/periods")
    saved = client.post(
        "/admin/periods",
        data={
            "code": "2031",
            "name": "Đợt 2031",
            "start_date": "1/2/2031",
            "end_date": "31/12/2031",
            "csrf_token": token,
        },
    )
    assert saved.status_code == 302
    with demo.app_context():
        period = db.session.scalar(sa.select(CompetitionPeriod).where(CompetitionPeriod.code == "2031"))
        assert (period.start_date, period.end_date) == (date(2031, 2, 1), date(2031, 12, 31))
    refused = client.post(
        "/admin/periods",
        data={"code": "2032", "name": "Đợt 2032", "start_date": "12/31/2032", "end_date": "", "csrf_token": token},
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Ngày không hợp lệ: dùng dạng ngày/tháng/năm, ví dụ 31/12/2024." in html
    assert 'value="12/31/2032"' in html  # what was typed stays in the box


def test_case_time_box_is_typed_day_first(demo):
    client = demo.test_client()
    login_as(client, "unit_manager")
    page = client.get("/admin/cases/new").get_data(as_text=True)
    box = re.search(r"<input[^>]*name=\"received_on\"[^>]*>", page).group(0)
    assert 'type="text"' in box and 'placeholder="dd/mm/yyyy hh:mm"' in box and "datetime-local" not in page


# Each action core.audit.record is called with (grep "record(" in core/), with a target and changes
# of the shape its caller writes.
RECORDED = [
    ("public.live_index", "public_live_index", {"on": [False, True]}),
    ("review.freeze", "2023-2024 so_ket", {"units": 39, "first": "2023-07-01", "last": "2024-02-29"}),
    ("review.publish", "2023-2024 tong_ket", {"published": [False, True]}),
    ("review.unpublish", "2023-2024 tong_ket", {"published": [True, False]}),
    ("review.decision", "2023-2024 tong_ket H-HOIAN", {"decision": [None, "award"], "reason": [None, "Tốt"]}),
    ("review.decision_withdraw", "2023-2024 tong_ket H-HOIAN", {"decision": "criticise"}),
    ("assessment.self", "2023-2024 H-HOIAN item 1", {"value": 95.5, "note": ""}),
    ("assessment.accept", "2023-2024 H-HOIAN item 2", {"value": [90.0, 90.0], "note": ""}),
    ("assessment.adjust", "2023-2024 H-HOIAN item 3", {"value": [90.0, 80.0], "note": "Sai số"}),
    ("evidence.add", "2023-2024 H-HOIAN item 1", {"file": "bao-cao.pdf", "size": 12345}),
    ("adjustment.add", "2023-2024 H-HOIAN", {"points": 2.0, "reason": "Sáng kiến"}),
    ("adjustment.withdraw", "adjustment 3", {"points": 2.0, "reason": "Sáng kiến"}),
    ("import.assessments", "tu-cham.xlsx", {"figures": 12}),
    ("import.dossiers", "ho-so.csv", {"units": 5}),
    ("period.settings", "2023-2024", {"item4": ["linear", "tt01_2018"], "points": [{"1": 10}, {"1": 20}]}),
    ("calendar.set", "2024-09-02", {"working": [None, False], "name": [None, "Quốc khánh"]}),
    ("calendar.remove", "2024-09-02", {"working": False, "name": "Quốc khánh"}),
    ("calendar.import", "calendar_days", {"days": 10}),
    ("case.open", "case 7", {"source": "kiosk", "due": "2024-05-20"}),
    ("case.record", "case 8", {"unit": "H-HOIAN", "channel": "phone", "due": "2024-05-20"}),
    ("case.assigned", "case 8", {"status": ["new", "assigned"], "assignee": "Chị Lan"}),
    ("case.answered", "case 8", {"status": ["assigned", "answered"]}),
    ("case.overdue_notice", "cases", {"cases": [1, 2]}),
    ("unit.remind", "H-HOIAN", {"reasons": "overdue_cases, low_index", "note": ""}),
    ("user.create", "xem-ha", {"role": "viewer", "unit": "H-HOIAN", "email": None}),
    ("user.email", "xem-ha", {"email": [None, "a@b.vn"]}),
    ("user.reset_password", "xem-ha", None),
    ("user.activate", "xem-ha", {"active": [False, True]}),
    ("user.deactivate", "xem-ha", {"active": [True, False]}),
    ("password.change", "admin", None),
    ("login", "admin", None),
    ("token.create", "token 4", {"user": "admin", "name": "Báo cáo tuần"}),
    ("token.revoke", "token 4", {"user": "admin", "name": "Báo cáo tuần"}),
    ("unit.update", "H-HOIAN", {"name": ["Cũ", "Mới"], "kind": ["district", "department"], "parent": ["TTT", None]}),
    ("group.create", "cum-dong-bang", {"name": [None, "Cụm"], "leader": [None, "H-HOIAN"]}),
    ("group.update", "cum-dong-bang", {"leader": ["H-HOIAN", "H-TAMKY"]}),
    ("device.pairing_code", "H-HOIAN-P1", {"minutes": 10}),
    ("device.pair", "H-HOIAN-P1", {"device": 1, "name": "Máy 1"}),
    ("device.rename", "device 1", {"name": ["Máy 1", "Máy 2"]}),
    ("device.revoke", "device 1", {"point": "H-HOIAN-P1", "name": "Máy 2"}),
    ("period.create", "2023-2024", {"name": "Đợt", "start_date": "2023-07-01", "end_date": "2024-11-30"}),
    ("milestone.create", "2023-2024", {"kind": "so_ket", "name": "Sơ kết", "due_date": "2024-02-29"}),
    ("milestone.delete", "2023-2024", {"kind": "tong_ket", "name": "Tổng kết", "due_date": "2024-11-30"}),
    ("import.units", "don-vi.csv", {"created": 1, "updated": 2}),
    ("import.points", "diem.xlsx", {"created": 1, "updated": 0}),
    ("import.groups", "khoi.csv", {"created": 0, "updated": 1}),
    ("point.create", "H-HOIAN-P3", {"name": "Quầy 3", "unit": "H-HOIAN"}),
    ("point.rename", "H-HOIAN-P1", {"name": ["A", "B"]}),
    ("point.rotate_token", "H-HOIAN-P1", None),
    ("point.activate", "H-HOIAN-P1", {"active": [False, True]}),
    ("point.deactivate", "H-HOIAN-P1", {"active": [True, False]}),
    ("point.visit_codes", "H-HOIAN-P1", {"count": 50, "days": 7}),
    ("survey.new_version", "default v2", {"from_version": 1, "criteria": "overall, welcome", "reasons": "wait"}),
    ("survey.activate", "default v2", {"previous": "default v1"}),
    ("privacy.erase", "cases, responses", {"cases": 3, "answers": 10, "retention_days": 365}),
    ("alert.open", "alert 2", {"point": "H-HOIAN-P1", "rule": 1}),
    ("alert.acknowledge", "alert 2", {"note": "Đã xem"}),
    ("alert_rule.create", "rule 5", {"kind": "low_share", "scope": "H-HOIAN", "min_answers": 10, "share": 50}),
    ("alert_rule.activate", "rule 5", {"active": [False, True]}),
    ("alert_rule.deactivate", "rule 5", {"active": [True, False]}),
]


def test_every_recorded_action_has_its_own_sentence_without_codes(demo):
    from core.audit import Actor, record

    with committing(demo):
        ids = {action: record(Actor(), action, target, changes).id for action, target, changes in RECORDED}
    client = demo.test_client()
    login_as(client, "province_admin")
    html = client.get("/admin/audit").get_data(as_text=True)
    for action, row_id in ids.items():
        entry = re.search(rf'<tr data-audit="{row_id}"[^>]*>(.*?)</tr>', html, re.S)
        assert entry, action
        sentence = re.search(r'<td class="sentence">(.*?)</td>', entry.group(1), re.S).group(1)
        assert sentence.startswith("Hệ thống đã ") and "một thao tác" not in sentence, (action, sentence)
        # File names are what the office uploaded, not codes.
        visible = re.sub(r"\S+\.(?:pdf|csv|xlsx|vn)\b", "", re.sub(r"<[^>]+>", " ", entry.group(1)))
        codes = re.findall(r"\b[a-z]+(?:[._][a-z0-9_]+)+\b", visible)
        english = re.findall(r"\b(?:district|department|viewer|award|linear|kiosk|phone|low_share|so_ket)\b", visible)
        assert not codes and not english, (action, codes, english, visible)
    assert "Hệ thống đã chuyển phản ánh số 8 sang “Đã phân công”" in html
    assert "Hệ thống đã chốt kết quả sơ kết của đợt thi đua" in html


def test_english_report_screens_name_criteria_and_reasons_in_english(seeded_app):
    client = seeded_app.test_client()
    login_as(client, "province_admin")
    criteria = client.get("/admin/reports/criteria?lang=en").get_data(as_text=True)
    assert '<tr data-criterion="welcome"><th scope="row">Welcomed warmly</th>' in criteria
    reasons = client.get("/admin/reports/reasons").get_data(as_text=True)
    assert '<tr data-reason="wait"><th scope="row">Long wait</th>' in reasons
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "Leave happy" in dashboard and "Dân về vui vẻ" not in dashboard
    vietnamese = client.get("/admin/reports/reasons?lang=vi").get_data(as_text=True)
    assert '<tr data-reason="wait"><th scope="row">Phải chờ lâu</th>' in vietnamese
