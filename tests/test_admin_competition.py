"""The competition through the admin door, over HTTP on a real database: a unit manager enters its
figures with evidence, the office reviews them, adds a bonus line, freezes, verifies, publishes and
proposes an award; the sheet page shows self and reviewed figures side by side; the XLSX and PDF
carry the API's figures; evidence reaches only the unit's own accounts and the office; the access
levels; the satisfaction ranking's intervals and its "close to the unit above" mark."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from core.audit import Actor
from core.extensions import db
from core.models import AssessmentEntry, CompetitionPeriod, EvidenceFile, FrozenReview, ReviewDecision, ScoreAdjustment
from core.org.accounts import create_user
from core.org.periods import add_milestone, create_period
from core.timeutil import LOCAL_TZ, local_today
from tests import factories as f
from tests.conftest import AuthActions, committing, csrf_token

CLI = Actor.cli()
PASSWORD = "mat-khau-thu-2026"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
CLASS_LABELS = {"xuat_sac": "Xuất sắc", "tot": "Tốt", "kha": "Khá", "trung_binh": "Trung bình", "yeu": "Yếu"}


def build_province(app) -> None:
    """Groups g1 (A, B, C) and g2 (D: too few answers); period P from 60 days ago to 30 days ahead
    with its sơ kết yesterday; accounts: the office, A's and B's managers, a viewer of A."""
    today = local_today()
    when = datetime.combine(today - timedelta(days=3), datetime.min.time(), LOCAL_TZ).replace(hour=10)
    with committing(app):
        g1, g2 = f.group("g1", "Cụm đồng bằng"), f.group("g2", "Cụm miền núi")
        units = {code: f.unit(code, g) for code, g in (("A", g1), ("B", g1), ("C", g1), ("D", g2))}
        points = {code: f.point(unit) for code, unit in units.items()}
        period = create_period(
            CLI, code="P", name="Đợt thử", start=today - timedelta(days=60), end=today + timedelta(30)
        )
        add_milestone(CLI, period, kind="so_ket", name="Sơ kết", due=today - timedelta(days=1))
        for code, scores in (("A", (5, 5, 4, 2)), ("B", (5, 5, 5)), ("C", (5, 4, 1)), ("D", (5, 5))):
            for score in scores:
                f.stored_response(points[code], when, overall=score, office=score)
        create_user(CLI, "office", "province_admin", PASSWORD)
        create_user(CLI, "lead-a", "unit_manager", PASSWORD, "A")
        create_user(CLI, "lead-b", "unit_manager", PASSWORD, "B")
        create_user(CLI, "viewer-a", "viewer", PASSWORD, "A")


@pytest.fixture
def province(make_app, tmp_path):
    app = make_app(MIN_SAMPLE=3, EVIDENCE_MAX_BYTES=2048)
    app.instance_path = str(tmp_path)  # evidence files land in the test's own folder
    build_province(app)
    return app


def signed_in(app, username: str):
    client = app.test_client()
    response = AuthActions(client).login(username, PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def token(client, url: str = "/admin/competition") -> str:
    return csrf_token(client.get(url).get_data(as_text=True))


def post(client, url: str, data: dict, page: str = "/admin/competition"):
    return client.post(url, data={**data, "csrf_token": token(client, page)})


def upload(client, name: str, data: bytes, item: int = 1):
    return post(client, "/admin/competition/P/units/A/evidence", {"item": str(item), "file": (io.BytesIO(data), name)})


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def row_html(html: str, unit: str) -> str:
    match = re.search(rf'<tr id="unit-{unit}" data-unit="{unit}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row of {unit}"
    return match.group(1)


def vn(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


# ---------- the whole flow ----------


def test_a_tong_ket_end_to_end(province):
    lead = signed_in(province, "lead-a")
    page = lead.get("/admin/competition/P/units/A")
    assert page.status_code == 200 and "Đơn vị tự đánh giá mục 1–3" in page.get_data(as_text=True)
    saved = post(
        lead,
        "/admin/competition/P/units/A",
        {"value_1": "90", "note_1": "Báo cáo 12/BC", "value_2": "100", "value_3": "95,5", "note_3": ""},
        "/admin/competition/P/units/A",
    )
    assert saved.status_code == 302
    assert upload(lead, "Báo cáo công khai.pdf", PDF).status_code == 302
    # Saving the same figures again records nothing new.
    again = post(
        lead,
        "/admin/competition/P/units/A",
        {"value_1": "90", "note_1": "Báo cáo 12/BC", "value_2": "100", "value_3": "95,5"},
        "/admin/competition/P/units/A",
    )
    assert again.status_code == 302
    with province.app_context():
        assert count(AssessmentEntry) == 3 and count(EvidenceFile) == 1

    office = signed_in(province, "office")
    unit_page = "/admin/competition/P/units/A"
    review_url = "/admin/competition/P/units/A/review"
    assert post(office, review_url, {"item": "1", "action": "accept"}, unit_page).status_code == 302
    missing = post(office, review_url, {"item": "2", "action": "adjust", "value": "80", "note": ""}, unit_page)
    assert missing.status_code == 422
    assert "Điều chỉnh số liệu của đơn vị thì cần nêu lý do." in missing.get_data(as_text=True)
    adjusted = post(
        office, review_url, {"item": "2", "action": "adjust", "value": "80", "note": "Thiếu 2 TTHC"}, unit_page
    )
    assert adjusted.status_code == 302
    bonus = post(
        office,
        "/admin/competition/P/units/A/adjustments",
        {"kind": "bonus", "points": "10", "reason": "Cờ thi đua của UBND tỉnh"},
        unit_page,
    )
    assert bonus.status_code == 302
    history = office.get(unit_page).get_data(as_text=True)
    assert "Thiếu 2 TTHC" in history and "Văn phòng thẩm định" in history and "Báo cáo công khai.pdf" in history

    # The sheet: A's own figures beside the reviewed ones, and the computed score.
    live = {row["unit"]: row for row in office.get("/api/v1/reports/competition?period=P").get_json()}
    a = live["A"]
    assert (a["items"]["1"]["source"], a["items"]["2"]["source"], a["items"]["3"]["source"]) == (
        "review",
        "review",
        "self",
    )
    assert a["bonus"] == 10.0
    sheet = office.get("/admin/competition/P").get_data(as_text=True)
    row = row_html(sheet, "A")
    pairs = re.findall(r'<span class="own">([^<]+)</span> → .*?<span class="reviewed">([^<]+)</span>', row)
    assert pairs == [("90,0", "90,0"), ("100,0", "80,0"), ("95,5", "–")]
    assert "đơn vị tự đánh giá 100,0 · Văn phòng thẩm định 80,0" in row
    assert "Mục 2. Niêm yết công khai thủ tục hành chính: 8,0 / 10 · 80,0 % · đã thẩm định" in row
    assert f'<td class="num total">{vn(a["score"])}</td>' in row
    assert "Chưa đủ câu trả lời" in row_html(sheet, "D")

    # Freeze the tổng kết; a second freeze is a friendly 409.
    freeze_url = "/admin/competition/P/freeze"
    assert post(office, freeze_url, {"stage": "tong_ket"}).status_code == 302
    twice = post(office, freeze_url, {"stage": "tong_ket"})
    assert twice.status_code == 409
    assert "chỉ chốt một lần" in twice.get_data(as_text=True)
    verified = office.get("/admin/competition/P/verify?stage=tong_ket")
    assert verified.status_code == 200 and "Mọi số liệu khớp với dữ liệu gốc" in verified.get_data(as_text=True)
    publish = post(office, "/admin/competition/P/publish", {"stage": "tong_ket", "published": "1"})
    assert publish.status_code == 302
    frozen = office.get("/admin/competition/P?stage=tong_ket").get_data(as_text=True)
    assert "Đã công bố" in frozen
    decide_url = "/admin/competition/P/units/A/decision"
    page_url = "/admin/competition/P?stage=tong_ket"
    no_reason = post(office, decide_url, {"decision": "award", "reason": ""}, page_url)
    assert no_reason.status_code == 422 and "Nêu lý do đề xuất." in no_reason.get_data(as_text=True)
    assert post(office, decide_url, {"decision": "award", "reason": "Dẫn đầu cụm"}, page_url).status_code == 302
    with province.app_context():
        review = db.session.scalar(sa.select(FrozenReview))
        assert review.published_at is not None
        assert [(d.decision, d.reason) for d in db.session.scalars(sa.select(ReviewDecision))] == [
            ("award", "Dẫn đầu cụm")
        ]
    assert "Đề nghị khen thưởng" in row_html(office.get(page_url).get_data(as_text=True), "A")

    # The exports carry the API's figures for the same stage.
    api = {row["unit"]: row for row in office.get("/api/v1/reports/competition?period=P&stage=tong_ket").get_json()}
    check_xlsx(office.get("/admin/competition/P/sheet.xlsx?stage=tong_ket"), api)
    check_pdf(office.get("/admin/competition/P/sheet.pdf?stage=tong_ket"), api)
    one_group = office.get("/admin/competition/P/sheet.xlsx?stage=tong_ket&group=g2")
    assert one_group.status_code == 200
    assert office.get("/admin/competition/P/sheet.xlsx?stage=tong_ket&group=nope").status_code == 404
    assert office.get("/admin/competition/P/sheet.pdf?stage=so_ket").status_code == 404  # not frozen


def check_xlsx(response, api: dict) -> None:
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Cache-Control"] == "private, no-store"
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    seen = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        if not rows or rows[0][:2] != ("Hạng", "Mã đơn vị"):
            continue
        header = list(rows[0])
        column = {title: header.index(title) for title in header}
        items = [next(i for i, title in enumerate(header) if title.startswith(f"Mục {n} ")) for n in range(1, 7)]
        for cells in rows[1:]:
            seen[cells[column["Mã đơn vị"]]] = (cells, column, items)
    assert set(seen) == set(api)
    for code, expected in api.items():
        cells, column, items = seen[code]
        assert cells[column["Tổng điểm"]] == pytest.approx(expected["score"], abs=1e-9)
        assert cells[column["Hạng"]] == expected["rank"]
        assert (cells[column["Xếp loại"]] or None) == (CLASS_LABELS[expected["class"]] if expected["class"] else None)
        for n, index in enumerate(items, start=1):
            assert cells[index] == pytest.approx(expected["items"][str(n)]["points"], abs=1e-9)
    assert seen["A"][0][seen["A"][1]["Đề xuất"]] == "Đề nghị khen thưởng"
    evidence = workbook["Minh chứng"]
    assert ("A", "Đơn vị A", 1, "Báo cáo công khai.pdf") in list(evidence.iter_rows(values_only=True))


def check_pdf(response, api: dict) -> None:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for heading in (
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "UBND TỈNH QUẢNG NAM",
        "THANH TRA TỈNH",
        "/BC-TTr",
        "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA",
        "Đợt thử · Tổng kết",
        "Cụm đồng bằng",
        "Nơi nhận:",
        "CHÁNH THANH TRA",
        "Báo cáo công khai.pdf",
        "Đề nghị khen thưởng. Lý do: Dẫn đầu cụm",
    ):
        assert heading in text, heading
    assert re.search(r"Quảng Nam, ngày \d\d tháng \d\d? năm \d{4}", text)
    for code in ("A", "B", "C"):
        assert vn(api[code]["score"]) in text
        assert CLASS_LABELS[api[code]["class"]] in text
    assert vn(api["A"]["items"]["2"]["points"]) in text  # 8,00: the reviewed 80 % of 10 points


# ---------- evidence ----------


def test_evidence_reaches_the_units_own_accounts_and_the_office_only(province):
    lead = signed_in(province, "lead-a")
    assert upload(lead, "Biên bản kiểm tra.pdf", PDF, item=2).status_code == 302
    with province.app_context():
        evidence_id = db.session.scalar(sa.select(EvidenceFile.id))
    url = f"/admin/evidence/{evidence_id}"
    for username in ("lead-a", "viewer-a", "office"):
        response = signed_in(province, username).get(url)
        assert response.status_code == 200, username
        assert response.data == PDF and response.mimetype == "application/pdf"
        assert response.headers["Cache-Control"] == "private, no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;") and "filename*=UTF-8''Bi%C3%AAn" in disposition
    assert signed_in(province, "lead-b").get(url).status_code == 404
    anonymous = province.test_client().get(url)
    assert anonymous.status_code == 302 and "/admin/login" in anonymous.location
    assert signed_in(province, "office").get("/admin/evidence/999999").status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bao-cao.pdf", PNG, "Chỉ nhận tệp PDF, PNG hoặc JPEG"),
        ("bao-cao.exe", b"MZ" + b"\x00" * 20, "Chỉ nhận tệp PDF, PNG hoặc JPEG"),
        ("to.pdf", PDF + b"x" * 3000, "Tệp quá lớn: tối đa 0,0 MB."),
        ("../../secret_key.pdf", PDF, "Tên tệp không hợp lệ"),
        ("..\\bao-cao.pdf", PDF, "Tên tệp không hợp lệ"),
    ],
)
def test_evidence_refused_with_the_reason_and_nothing_stored(province, tmp_path, name, data, message):
    lead = signed_in(province, "lead-a")
    response = upload(lead, name, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and 'class="field-error"' in html
    with province.app_context():
        assert count(EvidenceFile) == 0
    folder = tmp_path / "evidence"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_an_upload_without_a_file_is_refused(province):
    lead = signed_in(province, "lead-a")
    response = post(lead, "/admin/competition/P/units/A/evidence", {"item": "1"})
    assert response.status_code == 422 and "Chọn tệp minh chứng." in response.get_data(as_text=True)


# ---------- access ----------


def test_a_viewer_reads_the_sheet_but_posts_no_figure(province):
    viewer = signed_in(province, "viewer-a")
    sheet = viewer.get("/admin/competition/P")
    assert sheet.status_code == 200
    html = sheet.get_data(as_text=True)
    assert 'data-unit="A"' in html and 'data-unit="B"' not in html  # cut to the viewer's scope, like the API
    assert "/admin/competition/P/units/A" not in html  # no link to a page it may not open
    assert viewer.get("/admin/competition").status_code == 200
    assert post(viewer, "/admin/competition/P/units/A", {"value_1": "50"}).status_code == 403
    assert viewer.get("/admin/competition/P/units/A").status_code == 403
    workbook = load_workbook(io.BytesIO(viewer.get("/admin/competition/P/sheet.xlsx").data), read_only=True)
    codes = {row[1] for sheet in workbook.worksheets[1:-3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert codes == {"A"}


def test_a_unit_manager_may_not_review_freeze_or_publish_nor_see_another_unit(province):
    lead = signed_in(province, "lead-a")
    forbidden = {
        "/admin/competition/P/units/A/review": {"item": "1", "action": "adjust", "value": "50", "note": "x"},
        "/admin/competition/P/units/A/adjustments": {"kind": "bonus", "points": "10", "reason": "x"},
        "/admin/competition/P/freeze": {"stage": "so_ket"},
        "/admin/competition/P/publish": {"stage": "so_ket", "published": "1"},
        "/admin/competition/P/units/A/decision": {"decision": "award", "reason": "x"},
        "/admin/competition/live-index": {"on": "1"},
    }
    for url, data in forbidden.items():
        assert post(lead, url, data).status_code == 403, url
    assert lead.get("/admin/competition/P/settings").status_code == 403
    assert lead.get("/admin/competition/P/units/B").status_code == 404
    assert post(lead, "/admin/competition/P/units/B", {"value_1": "50"}).status_code == 404
    assert upload_to(lead, "B").status_code == 404
    assert lead.get("/admin/competition/P/units/A").status_code == 200
    assert lead.get("/admin/competition/NOPE").status_code == 404
    assert lead.get("/admin/competition/P?stage=tong_ket").status_code == 404  # not frozen
    assert lead.get("/admin/competition/P?stage=final").status_code == 404
    with province.app_context():
        assert count(AssessmentEntry) == 0 and count(ScoreAdjustment) == 0 and count(FrozenReview) == 0


def upload_to(client, unit: str):
    return post(
        client, f"/admin/competition/P/units/{unit}/evidence", {"item": "1", "file": (io.BytesIO(PDF), "a.pdf")}
    )


# ---------- the office's other screens ----------


def test_settings_change_the_sheet_and_refuse_a_bad_ladder(province):
    office = signed_in(province, "office")
    page = office.get("/admin/competition/P/settings")
    assert page.status_code == 200 and "xuat_sac | Xuất sắc | 90" in page.get_data(as_text=True)
    data = {f"points_{n}": value for n, value in zip(range(1, 7), ("10", "10", "20", "20", "30", "10"), strict=True)}
    bad = post(
        office,
        "/admin/competition/P/settings",
        {**data, "item4": "tt01_2018", "classes": "a | A | 50\nb | B | 60\nc | C"},
    )
    assert bad.status_code == 422 and "điểm tối thiểu giảm dần" in bad.get_data(as_text=True)
    good = post(
        office,
        "/admin/competition/P/settings",
        {**data, "points_5": "40", "item4": "tt01_2018", "classes": "cao | Cao | 60\nthap | Thấp"},
    )
    assert good.status_code == 302
    with province.app_context():
        config = db.session.scalar(sa.select(CompetitionPeriod)).config
        assert config["points"]["5"] == 40 and config["item4"] == "tt01_2018"
        assert config["classes"] == [
            {"code": "cao", "label": "Cao", "min": 60.0},
            {"code": "thap", "label": "Thấp", "min": None},
        ]
    sheet = office.get("/admin/competition/P").get_data(as_text=True)
    api = {row["unit"]: row for row in office.get("/api/v1/reports/competition?period=P").get_json()}
    assert api["B"]["items"]["5"]["max"] == 40.0 and api["B"]["class"] in ("cao", "thap")
    label = {"cao": "Cao", "thap": "Thấp"}[api["B"]["class"]]
    assert "tối đa 40" in sheet and f'<td class="class">{label}</td>' in row_html(sheet, "B")


def test_imports_store_the_whole_file_or_nothing(province):
    office = signed_in(province, "office")
    bad = post(
        office,
        "/admin/competition/import",
        {
            "kind": "assessments",
            "file": (io.BytesIO(b"period,unit,item,value,note\nP,B,1,95,\nP,B,4,50,\n"), "so-lieu.csv"),
        },
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "chưa có gì thay đổi" in html and "line 3: item must be" in html
    with province.app_context():
        assert count(AssessmentEntry) == 0
    good = post(
        office,
        "/admin/competition/import",
        {"kind": "dossiers", "file": (io.BytesIO(b"unit,period,on_time,late\nB,P,9,1\n"), "mot-cua.csv")},
    )
    assert good.status_code == 302
    b = {row["unit"]: row for row in office.get("/api/v1/reports/competition?period=P").get_json()}["B"]
    assert (b["items"]["3"]["source"], b["items"]["3"]["value"]) == ("dossiers", 90.0)


def test_withdrawing_a_bonus_line_and_the_live_index_switch(province):
    office = signed_in(province, "office")
    page = "/admin/competition/P/units/A"
    post(
        office,
        "/admin/competition/P/units/A/adjustments",
        {"kind": "penalty", "points": "2,5", "reason": "Chậm báo cáo"},
        page,
    )
    with province.app_context():
        line = db.session.scalar(sa.select(ScoreAdjustment))
        assert line.points == -2.5
    a = lambda: {r["unit"]: r for r in office.get("/api/v1/reports/competition?period=P").get_json()}["A"]  # noqa: E731
    assert a()["penalty"] == 2.5
    assert post(office, f"/admin/competition/adjustments/{line.id}/withdraw", {}, page).status_code == 302
    assert a()["penalty"] == 0.0
    assert "đã rút lúc" in office.get(page).get_data(as_text=True)
    assert post(office, "/admin/competition/live-index", {"on": "1"}).status_code == 302
    assert "Tắt chỉ số 30 ngày gần nhất" in office.get("/admin/competition").get_data(as_text=True)


# ---------- the satisfaction ranking ----------


def test_the_ranking_shows_the_interval_and_marks_units_it_cannot_tell_apart(make_app):
    app = make_app(MIN_SAMPLE=3)
    when = datetime.combine(local_today(), datetime.min.time(), LOCAL_TZ).replace(hour=8)
    with committing(app):
        near, far = f.group("near", "Cụm sát nút"), f.group("far", "Cụm cách biệt")
        # Near: 3 of 4 and 3 of 3 satisfied, too few answers to tell apart. Far: 40 against 0.
        for code, group, scores in (
            ("N1", near, (5, 5, 5)),
            ("N2", near, (5, 4, 4, 2)),
            ("F1", far, (5,) * 40),
            ("F2", far, (1,) * 40),
        ):
            point = f.point(f.unit(code, group))
            for score in scores:
                f.stored_response(point, when, overall=score)
        create_user(CLI, "office", "province_admin", PASSWORD)
    client = signed_in(app, "office")
    day = local_today().isoformat()
    html = client.get(f"/admin/reports/ranking?from={day}&to={day}").get_data(as_text=True)
    api = {row["unit"]: row for row in client.get(f"/api/v1/reports/satisfaction?from={day}&to={day}").get_json()}
    rows = {code: re.search(rf'<tr data-unit="{code}"[^>]*>(.*?)</tr>', html, re.S).group(1) for code in api}
    assert "KTC 95%" in html and "khoảng tin cậy 95%: với số câu trả lời hiện có, chỉ số thật nằm trong" in html
    for code, row in api.items():
        low, high = row["index_ci95"]
        assert f"{vn(low, 1)}–{vn(high, 1)}" in rows[code], code
    mark = "không khác biệt có ý nghĩa thống kê so với đơn vị xếp trên"
    assert (api["N1"]["rank"], api["N2"]["rank"]) == (1, 2) and api["N2"]["close_to_previous"]
    assert mark in rows["N2"] and mark not in rows["N1"]
    assert not api["F2"]["close_to_previous"] and mark not in rows["F2"]
