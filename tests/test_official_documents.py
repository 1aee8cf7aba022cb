"""The meeting report and the competition's score sheets in the form of Nghị định 30/2020/NĐ-CP,
read back from the PDF (pypdf) and the DOCX (python-docx): Quốc hiệu and Tiêu ngữ, the issuing
body, the number left blank, the local place-and-date line, title, "Nơi nhận" and the configured
signature; figures written the Vietnamese way (worked out by hand from the answers stored here);
full group names; each unit's section named by its unit, never by the scope; fonts embedded; few
pages; the same figures in both formats."""

from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from docx import Document as WordDocument
from pypdf import PdfReader

from core.extensions import db
from core.models import Answer, Criterion, Response
from core.ratings import rollups
from core.reporting import official
from core.reporting.meeting_report import meeting_report_docx, meeting_report_pdf
from tests import factories as f
from tests.conftest import committing
from tests.test_admin_competition import build_province, signed_in

NATION = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
# Long enough to need two lines in the PDF's group heading: it must be wrapped, never cut.
PLAINS = "Cụm thi đua Thanh tra các huyện, thị xã, thành phố đồng bằng và ven biển phía Đông của tỉnh Quảng Nam"
HILLS = "Cụm thi đua Thanh tra các huyện miền núi phía Tây"
SIGNER = "Nguyễn Văn An"
SETTINGS = {
    "MIN_SAMPLE": 3,
    "DOCUMENT_SIGNER_TITLE": "KT. CHÁNH THANH TRA;PHÓ CHÁNH THANH TRA",
    "DOCUMENT_SIGNER_NAME": SIGNER,
    "DOCUMENT_RECIPIENTS": "UBND tỉnh (b/c);Lưu: VT",
}
FIRST, LAST = date(2026, 3, 1), date(2026, 3, 31)
# 18:30 UTC on 31 March is 01:30 on 1 April in Quảng Nam: the document is dated the local day.
GENERATED = datetime(2026, 3, 31, 18, 30, tzinfo=UTC)
DATE_LINE = "Quảng Nam, ngày 01 tháng 4 năm 2026"
VN_NUMBER = re.compile(r"\d+(?:\.\d{3})+(?:,\d+)?|\d+,\d+")


def store(point, scores: list[int]) -> None:
    """Counted kiosk answers to the main criterion, inserted in bulk (1.226 of them)."""
    survey = f.default_survey()
    criterion = db.session.scalar(
        sa.select(Criterion.id).where(Criterion.survey_id == survey.id, Criterion.code == "overall")
    )
    when = f.local(2026, 3, 10)
    ids = [uuid.uuid4() for _ in scores]
    db.session.execute(
        sa.insert(Response),
        [
            {
                "id": rid,
                "point_id": point.id,
                "survey_id": survey.id,
                "channel": "kiosk",
                "answered_at": when,
                "received_at": when,
                "body_hash": "test",
            }
            for rid in ids
        ],
    )
    db.session.execute(
        sa.insert(Answer),
        [{"response_id": rid, "criterion_id": criterion, "score": s} for rid, s in zip(ids, scores, strict=True)],
    )
    rollups.rebuild_days(when.date(), when.date())


@pytest.fixture
def office(make_app):
    """Hội An: 6 answers, 5 satisfied (83,3 %). Tam Kỳ: 1.226 answers, all satisfied (100,0 %).
    Nam Giang: 2 answers (below MIN_SAMPLE 3). The province: 1.234 answers, 1.233 satisfied (99,9 %)."""
    app = make_app(**SETTINGS)
    with committing(app):
        plains, hills = f.group("dong-bang", PLAINS), f.group("mien-nui", HILLS)
        names = {"H-HOIAN": "Thanh tra thành phố Hội An", "H-TAMKY": "Thanh tra thành phố Tam Kỳ"}
        names["H-NAMGIANG"] = "Thanh tra huyện Nam Giang"
        units = {
            code: f.unit(code, plains if code != "H-NAMGIANG" else hills)
            for code in ("H-HOIAN", "H-TAMKY", "H-NAMGIANG")
        }
        for code, unit in units.items():
            unit.name = names[code]
        store(f.point(units["H-HOIAN"]), [5, 5, 5, 4, 4, 2])
        store(f.point(units["H-TAMKY"]), [5] * 1226)
        store(f.point(units["H-NAMGIANG"]), [5, 4])
        f.unit("H-EMPTY", hills).name = "Thanh tra huyện Tây Giang"
    return app


def report(app, render, **overrides):
    arguments = {
        "title": "Sơ kết quý I năm 2026",
        "first": FIRST,
        "last": LAST,
        "scope": None,
        "scope_name": "Toàn tỉnh",
        "min_sample": 3,
        "milestones": (),
        "generated": GENERATED,
    }
    with app.app_context():
        return render(**{**arguments, **overrides})


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def docx_texts(data: bytes) -> tuple[list[str], list[list[list[str]]]]:
    """Every paragraph (in the body and in table cells), and every table's cell texts."""
    document = WordDocument(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    tables = []
    for table in document.tables:
        cells = [[cell.text for cell in row.cells] for row in table.rows]
        tables.append(cells)
        paragraphs += [p.text for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return paragraphs, tables


def flat(text: str) -> str:
    return " ".join(text.split())


def check_official_form(text: str, title: str, signer_title: str, signer: str | None) -> None:
    for part in (NATION, MOTTO, "UBND TỈNH QUẢNG NAM", "THANH TRA TỈNH", "/BC-TTr", title, "Nơi nhận:", signer_title):
        assert part in text, part
    assert re.search(r"Số:\s+/BC-TTr", text)  # the number itself left blank for the register
    if signer:
        assert signer in text


def embedded_fonts(data: bytes) -> list[tuple[str, bool]]:
    """(font name, whether its program is embedded as FontFile2/3) for every font on every page."""
    fonts = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            fonts.append((str(font["/BaseFont"]), "/FontFile2" in descriptor or "/FontFile3" in descriptor))
    return fonts


def test_place_and_date_follows_the_decree_and_the_local_day():
    # 20:00 UTC on 4 February is 03:00 on the 5th in Vietnam; months 1 and 2 take a zero.
    assert official.place_and_date(datetime(2026, 2, 4, 20, 0, tzinfo=UTC), "Quảng Nam") == (
        "Quảng Nam, ngày 05 tháng 02 năm 2026"
    )
    assert official.place_and_date(datetime(2026, 11, 30, 3, 0, tzinfo=UTC), "Đà Nẵng") == (
        "Đà Nẵng, ngày 30 tháng 11 năm 2026"
    )
    assert official.number(1234.5, 2) == "1.234,50" and official.count(1234) == "1.234"


def test_meeting_report_pdf_in_official_form(office):
    data = report(office, meeting_report_pdf)
    pages = pdf_pages(data)
    text = "\n".join(pages)
    check_official_form(text, "BÁO CÁO", "KT. CHÁNH THANH TRA\nPHÓ CHÁNH THANH TRA", SIGNER)
    assert DATE_LINE in text
    assert "Kết quả đánh giá mức độ hài lòng của người dân" in text and "Sơ kết quý I năm 2026" in text
    assert "- UBND tỉnh (b/c);" in text and "- Lưu: VT." in text
    # Figures by hand: 1.234 counted answers, 1.233 satisfied → 99,9 %; Hội An 5 of 6 → 83,3 %.
    assert "Chỉ số hài lòng chung: 99,9%; số lượt đánh giá được tính: 1.234" in flat(text)
    assert "83,3" in text and "1.226" in text and "100,0" in text
    assert not re.search(r"\b1234\b|\b1226\b|83\.3|99\.9", text)
    # Full group names, wrapped but never cut.
    assert PLAINS in flat(text) and HILLS in flat(text)
    assert "…" not in text
    # Each unit's section is named by its unit; none of those pages is subtitled with the scope.
    first_unit_page = next(n for n, page in enumerate(pages) if "III. KẾT QUẢ TỪNG ĐƠN VỊ" in page)
    assert first_unit_page > 0
    for page in pages[first_unit_page:]:
        assert "Toàn tỉnh" not in page
    hoian = next(page for page in pages[first_unit_page:] if "Chỉ số hài lòng 83,3%" in flat(page))
    assert re.search(r"Thanh tra thành phố Hội An\n.*hạng 2 trong", hoian, re.I)
    tamky = next(page for page in pages[first_unit_page:] if "Chỉ số hài lòng 100,0%" in flat(page))
    assert "Thanh tra thành phố Tam Kỳ\n" in tamky and "1.226 lượt được tính" in flat(tamky)
    assert "Thanh tra huyện Tây Giang" in "\n".join(pages[first_unit_page:])  # no answers: listed by name
    # A4, fonts embedded, and short.
    reader = PdfReader(io.BytesIO(data))
    assert all(round(float(p.mediabox.width)) == 595 and round(float(p.mediabox.height)) == 842 for p in reader.pages)
    fonts = embedded_fonts(data)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    assert len(pages) <= 3


def test_meeting_report_docx_carries_the_pdfs_figures(office):
    pdf_text = "\n".join(pdf_pages(report(office, meeting_report_pdf)))
    data = report(office, meeting_report_docx)
    paragraphs, tables = docx_texts(data)
    text = "\n".join(paragraphs)
    check_official_form(text, "BÁO CÁO", "KT. CHÁNH THANH TRA\nPHÓ CHÁNH THANH TRA", SIGNER)
    assert DATE_LINE in text
    assert "Chỉ số hài lòng chung: 99,9%; số lượt đánh giá được tính: 1.234" in text
    assert {p.split(". ", 1)[1] for p in paragraphs if re.match(r"\d\. Cụm", p)} == {PLAINS, HILLS}
    # The motto is underlined, the issuer bold, as the decree draws them.
    document = WordDocument(io.BytesIO(data))
    header = document.tables[0]
    motto = next(run for p in header.cell(0, 1).paragraphs for run in p.runs if run.text == MOTTO)
    issuer = next(run for p in header.cell(0, 0).paragraphs for run in p.runs if run.text == "THANH TRA TỈNH")
    assert motto.underline and motto.bold and issuer.bold
    # Pages are numbered at the top centre from the second page on (a PAGE field Word fills in).
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert 'w:instr="PAGE"' in section.header._element.xml
    assert section.header.paragraphs[0].alignment == 1  # centre
    assert "PAGE" not in section.first_page_header._element.xml
    rows = {cells[1]: cells for table in tables for cells in table if len(cells) == 7}
    assert rows["Thanh tra thành phố Hội An"] == [
        "2",
        "Thanh tra thành phố Hội An",
        "6",
        "0",
        "83,3",
        rows["Thanh tra thành phố Hội An"][5],
        "",
    ]
    assert rows["Thanh tra thành phố Tam Kỳ"][:5] == ["1", "Thanh tra thành phố Tam Kỳ", "1.226", "0", "100,0"]
    assert rows["Thanh tra huyện Nam Giang"][0] == "–" and rows["Thanh tra huyện Nam Giang"][6] == "chưa đủ mẫu"
    # The same Vietnamese-written figures in both formats.
    assert set(VN_NUMBER.findall(text)) == set(VN_NUMBER.findall(pdf_text))
    assert {"1.234", "1.226", "83,3", "99,9"} <= set(VN_NUMBER.findall(text))


def test_a_units_own_report_names_the_unit(office):
    with office.app_context():
        from core.models import Unit

        own = {db.session.scalar(sa.select(Unit.id).where(Unit.code == "H-HOIAN"))}
    pages = pdf_pages(report(office, meeting_report_pdf, scope=own, scope_name="Thanh tra thành phố Hội An"))
    text = "\n".join(pages)
    assert "Tam Kỳ" not in text and "1.234" not in text
    assert "Chỉ số hài lòng chung: 83,3%; số lượt đánh giá được tính: 6" in flat(text)
    assert len(pages) <= 2


def test_many_units_fit_in_few_pages(make_app):
    """150 units with answers: tables and sections, several units a page, far from one page each."""
    app = make_app(**SETTINGS)
    with committing(app):
        groups = [f.group(f"g{n}", f"Cụm thi đua số {n} của các cơ quan thanh tra") for n in range(5)]
        for n in range(150):
            unit = f.unit(f"U{n:03d}", groups[n % 5])
            store(f.point(unit), [5, 4, 2])
    pages = pdf_pages(report(app, meeting_report_pdf))
    assert len(pages) <= 20
    assert all(f"Đơn vị U{n:03d}" in "\n".join(pages) for n in range(150))


def test_the_sheet_as_docx_beside_the_pdf(make_app, tmp_path):
    app = make_app(MIN_SAMPLE=3, DOCUMENT_SIGNER_NAME=SIGNER)
    app.instance_path = str(tmp_path)
    build_province(app)
    office_client = signed_in(app, "office")
    page = office_client.get("/admin/competition/P").get_data(as_text=True)
    assert "/admin/competition/P/sheet.docx" in page
    api = {row["unit"]: row for row in office_client.get("/api/v1/reports/competition?period=P").get_json()}
    response = office_client.get("/admin/competition/P/sheet.docx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["Cache-Control"] == "private, no-store"
    paragraphs, tables = docx_texts(response.data)
    text = "\n".join(paragraphs)
    check_official_form(text, "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA", "CHÁNH THANH TRA", SIGNER)
    assert "Khối, cụm: Cụm đồng bằng" in paragraphs and "Khối, cụm: Cụm miền núi" in paragraphs
    rows = {cells[1].removesuffix(" (*)"): cells for table in tables for cells in table if len(cells) == 13}
    for code in ("A", "B", "C", "D"):
        assert rows[f"Đơn vị {code}"][10] == f"{api[code]['score']:.2f}".replace(".", ",")
    pdf = office_client.get("/admin/competition/P/sheet.pdf")
    assert all(embedded for _name, embedded in embedded_fonts(pdf.data))
    pdf_text = "\n".join(pdf_pages(pdf.data))
    assert set(VN_NUMBER.findall(text)) == set(VN_NUMBER.findall(pdf_text))
    assert office_client.get("/admin/competition/P/sheet.docx?group=nope").status_code == 404
