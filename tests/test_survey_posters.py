"""Posters and visit slips decoded by a real QR decoder (zxing-cpp), their text extracted from the PDF,
and the `qr-poster` / `visit-codes` commands."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pypdf
import pypdfium2
import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image

from core.extensions import db
from core.links import survey_url
from core.models import Point, Unit, VisitCode
from core.reporting.posters import SLOGAN, poster_bytes, visit_slips_pdf
from tests import factories as f

BASE = "http://test.local"


@pytest.fixture
def points(app_ctx):
    """Two points whose names carry the diacritics a broken font would lose (ả, ậ, ờ, ộ, ố)."""
    hoi_an = f.unit("H-HOIAN")
    hoi_an.name = "Thanh tra thành phố Hội An"
    que_son = f.unit("H-QUESON")
    que_son.name = "Thanh tra huyện Quế Sơn"
    first = f.point(hoi_an, code="H-HOIAN-P1")
    first.name = "Bộ phận tiếp nhận và trả kết quả"
    second = f.point(que_son, code="H-QUESON-P1")
    second.name = "Phòng tiếp công dân – phòng chờ"
    db.session.commit()
    return [first, second]


def decode(image: Image.Image) -> list[str]:
    return sorted(result.text for result in zxingcpp.read_barcodes(image))


def pdf_pages(data: bytes, scale: float = 2) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(data)
    try:
        return [document[index].render(scale=scale).to_pil() for index in range(len(document))]
    finally:
        document.close()


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_png_poster_decodes_to_the_survey_url(points):
    data = poster_bytes(points[0], "png")
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    width, height = image.size
    assert abs(height / width - 297 / 210) < 0.01  # A4 portrait
    assert decode(image) == [f"{BASE}/s/{points[0].public_token}"]


def test_pdf_poster_page_decodes_and_its_text_keeps_the_diacritics(points):
    data = poster_bytes(points[0], "pdf")
    [page] = pdf_pages(data)
    assert decode(page) == [survey_url(points[0])]
    [text] = pdf_text(data)
    for expected in (
        "THANH TRA THÀNH PHỐ HỘI AN",
        "Bộ phận tiếp nhận và trả kết quả",
        SLOGAN,
        "Quét mã QR bằng điện thoại để đánh giá mức độ hài lòng",
        f"test.local/s/{points[0].public_token}",  # the short address, to type by hand
    ):
        assert expected in text, (expected, text)
    assert "ả" in text and "ậ" in text


def test_several_points_make_one_a4_page_each(points):
    data = poster_bytes(points, "pdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    assert [decode(image) for image in pdf_pages(data)] == [[survey_url(p)] for p in points]
    texts = pdf_text(data)
    assert "Phòng tiếp công dân – phòng chờ" in texts[1] and "ờ" in texts[1]
    assert "THANH TRA HUYỆN QUẾ SƠN" in texts[1]


def test_svg_poster_keeps_text_as_text(points):
    data = poster_bytes(points[0], "svg")
    root = ET.fromstring(data)  # noqa: S314 (our own output)
    texts = "".join(root.itertext())
    assert SLOGAN in texts and "Bộ phận tiếp nhận và trả kết quả" in texts
    assert f"test.local/s/{points[0].public_token}" in texts


def test_bad_poster_requests_are_refused(points):
    with pytest.raises(ValueError):
        poster_bytes(points, "png")
    with pytest.raises(ValueError):
        poster_bytes(points[0], "gif")
    with pytest.raises(ValueError):
        poster_bytes([], "pdf")


def test_visit_slips_carry_qr_and_code(points):
    codes = [f"code{index:02d}abcdefghjkm" for index in range(10)]
    data = visit_slips_pdf(points[0], codes)
    images = pdf_pages(data, scale=3)
    assert len(images) == 2  # eight slips a page
    found = decode(images[0]) + decode(images[1])
    assert found == sorted(f"{BASE}/v/{code}" for code in codes)
    text = "\n".join(pdf_text(data))
    assert "code0-0abcd-efghj-km" in text  # grouped for reading aloud
    assert "Phiếu đánh giá mức độ hài lòng" in text


# The command line


def test_qr_poster_command_png_and_pdf(app, runner, points, tmp_path):
    token = points[0].public_token
    out = tmp_path / "poster.png"
    result = runner.invoke(args=["qr-poster", "H-HOIAN-P1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert decode(Image.open(out)) == [f"{BASE}/s/{token}"]
    out = tmp_path / "poster.pdf"
    assert runner.invoke(args=["qr-poster", "H-HOIAN-P1", "--out", str(out)]).exit_code == 0
    assert decode(pdf_pages(out.read_bytes())[0]) == [f"{BASE}/s/{token}"]
    out = tmp_path / "poster.svg"
    assert runner.invoke(args=["qr-poster", "H-HOIAN-P1", "--out", str(out)]).exit_code == 0
    assert out.read_bytes().lstrip().startswith(b"<?xml")


def test_qr_poster_all_writes_a_page_per_active_point(app, runner, points, tmp_path):
    points[1].active = False
    f.point(db.session.get(Unit, points[0].unit_id), code="H-HOIAN-P2")
    db.session.commit()
    active = list(db.session.scalars(sa.select(Point).where(Point.active.is_(True)).order_by(Point.code)))
    out = tmp_path / "all.pdf"
    result = runner.invoke(args=["qr-poster", "--all", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 posters" in result.output
    assert [decode(image) for image in pdf_pages(out.read_bytes())] == [[survey_url(p)] for p in active]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["qr-poster", "--all", "--out", "all.png"], "use a .pdf file"),
        (["qr-poster", "H-HOIAN-P1", "--out", "poster.gif"], ".png, .svg or .pdf"),
        (["qr-poster", "H-HOIAN-P1", "--all", "--out", "x.pdf"], "either POINT_CODE or --all"),
        (["qr-poster", "--out", "x.pdf"], "either POINT_CODE or --all"),
        (["qr-poster", "NO-SUCH", "--out", "x.pdf"], "no reception point"),
        (["visit-codes", "NO-SUCH", "--count", "2"], "no reception point"),
        (["visit-codes", "H-HOIAN-P1", "--count", "0"], "0"),
    ],
)
def test_command_errors(runner, points, tmp_path, monkeypatch, args, message):
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output
    assert list(out.iterdir()) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VisitCode)) == 0


def test_visit_codes_command_prints_working_urls(app, runner, points, tmp_path):
    slips = tmp_path / "slips.pdf"
    result = runner.invoke(args=["visit-codes", "H-HOIAN-P1", "--count", "3", "--slips", str(slips)])
    assert result.exit_code == 0, result.output
    urls = result.stdout.splitlines()
    assert len(urls) == 3 and len(set(urls)) == 3
    assert all(re.fullmatch(rf"{BASE}/v/[a-z2-9]{{17}}", url) for url in urls)
    stored = list(db.session.scalars(sa.select(VisitCode)))
    assert len(stored) == 3 and {row.point_id for row in stored} == {points[0].id}
    assert all(row.used_at is None for row in stored)
    # Only hashes are stored: no printed code appears in the table.
    assert not {url.rsplit("/", 1)[1] for url in urls} & {row.code_hash for row in stored}
    assert decode(pdf_pages(slips.read_bytes(), scale=3)[0]) == sorted(urls)
    client = app.test_client()
    for url in urls:
        assert client.get(url.removeprefix(BASE)).status_code == 200
