"""The points page: search (case and diacritics ignored), a unit filter, pages of 25, and every
poster of a unit in one PDF, within the caller's units."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa
from pypdf import PdfReader

from core.extensions import db
from core.models import Point, Unit
from tests.conftest import csrf_token
from tests.test_admin_support import login_as

# The demo province: 39 units; the 18 district inspectorates run two points, the others one.
ALL_POINTS = 18 * 2 + 21


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-point="([^"]+)"', html)


def _page(client, **args):
    response = client.get("/admin/points", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _unit_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Unit.id).where(Unit.code == code))


def test_the_list_comes_in_pages_of_25(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    with demo.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Point)) == ALL_POINTS
    first = _page(client)
    assert len(_rows(first)) == 25
    assert "Tìm thấy 57 điểm tiếp nhận; trang 1 / 3." in first
    assert 'href="/admin/points?page=2"' in first and 'href="/admin/points?page=3"' in first
    second, third = _page(client, page=2), _page(client, page=3)
    assert len(_rows(second)) == 25 and len(_rows(third)) == 7
    every = _rows(first) + _rows(second) + _rows(third)
    assert len(set(every)) == ALL_POINTS  # each point once, on one page
    assert _rows(_page(client, page=99)) == _rows(third)  # past the end: the last page
    assert _rows(_page(client, page="x")) == _rows(first)


def test_search_ignores_case_and_diacritics_and_pages_keep_it(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    for query in ("hoi an", "HỘI AN", "Hội An", "  hội   an "):
        assert _rows(_page(client, q=query)) == ["H-HOIAN-P1", "H-HOIAN-P2"], query
    assert _rows(_page(client, q="h-hoian-p2")) == ["H-HOIAN-P2"]
    # The districts' second desk, typed without diacritics.
    second_desks = _rows(_page(client, q="tra ket qua"))
    assert len(second_desks) == 18 and all(code.endswith("-P2") for code in second_desks)
    # Every unit name but the four "Phòng Nghiệp vụ" has "Thanh tra": 53 points on three pages.
    found = _page(client, q="thanh tra")
    assert "Tìm thấy 53 điểm tiếp nhận; trang 1 / 3." in found
    assert 'href="/admin/points?q=thanh+tra&amp;page=2"' in found
    last = _page(client, q="thanh tra", page=3)
    assert len(_rows(last)) == 3 and not any(code.startswith("TTT-NV") for code in _rows(last))
    nothing = _page(client, q="không có điểm này")
    assert _rows(nothing) == [] and "Không có điểm tiếp nhận nào khớp" in nothing


def test_the_unit_filter_and_the_scope(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    page = _page(client, unit="H-HOIAN")
    assert _rows(page) == ["H-HOIAN-P1", "H-HOIAN-P2"]
    hoian = _unit_id(demo, "H-HOIAN")
    assert f'href="/admin/points/posters/{hoian}.pdf"' in page
    assert _rows(_page(client, unit="H-HOIAN", q="p2")) == ["H-HOIAN-P2"]

    manager = demo.test_client()
    login_as(manager, "unit_manager")
    own = _page(manager)
    assert _rows(own) == ["H-HOIAN-P1", "H-HOIAN-P2"]
    assert "Thanh tra thành phố Tam Kỳ" not in own.split('id="pf-unit"')[1].split("</select>")[0]
    # Another unit named in the filter is no way around the scope.
    assert _rows(_page(manager, unit="H-TAMKY")) == ["H-HOIAN-P1", "H-HOIAN-P2"]
    assert _rows(_page(manager, q="tam ky")) == []


def _pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_all_posters_of_a_unit_in_one_pdf_a_page_each(demo):
    client = demo.test_client()
    login_as(client, "unit_manager")
    hoian = _unit_id(demo, "H-HOIAN")
    response = client.get(f"/admin/points/posters/{hoian}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="ap-phich-H-HOIAN.pdf"' in response.headers["Content-Disposition"]
    pages = _pdf_pages(response.data)
    assert len(pages) == 2
    assert "H-HOIAN-P1" in pages[0] and "H-HOIAN-P2" in pages[1]
    assert all("THANH TRA THÀNH PHỐ HỘI AN" in text for text in pages)
    with demo.app_context():
        others = set(db.session.scalars(sa.select(Point.code).where(Point.unit_id != hoian)))
    assert not any(code in text for code in others for text in pages)
    for page in PdfReader(io.BytesIO(response.data)).pages:  # A4 portrait, in points
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)

    # Another unit's posters are not there for this manager.
    tamky = _unit_id(demo, "H-TAMKY")
    assert client.get(f"/admin/points/posters/{tamky}.pdf").status_code == 404
    assert client.get("/admin/points/posters/99999999.pdf").status_code == 404

    # An inactive point is left out; a unit with none active gets a message, not an empty file.
    with demo.app_context():
        p2 = db.session.scalar(sa.select(Point.id).where(Point.code == "H-HOIAN-P2"))
        p1 = db.session.scalar(sa.select(Point.id).where(Point.code == "H-HOIAN-P1"))
    token = csrf_token(_page(client))
    client.post(f"/admin/points/{p2}/active", data={"csrf_token": token})
    assert len(_pdf_pages(client.get(f"/admin/points/posters/{hoian}.pdf").data)) == 1
    client.post(f"/admin/points/{p1}/active", data={"csrf_token": token})
    none = client.get(f"/admin/points/posters/{hoian}.pdf", follow_redirects=True)
    assert none.status_code == 200 and "chưa có điểm tiếp nhận nào đang hoạt động" in none.get_data(as_text=True)


def test_a_viewer_prints_no_posters(demo):
    client = demo.test_client()
    login_as(client, "viewer")
    assert client.get(f"/admin/points/posters/{_unit_id(demo, 'H-HOIAN')}.pdf").status_code == 403


def test_a_change_on_a_row_brings_the_list_back_where_it_was(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    listed = _page(client, q="thanh tra", page=2)
    code = _rows(listed)[0]
    # The row's forms carry the search and the page on their URL...
    action = re.search(r'action="(/admin/points/\d+/rename\?[^"]+)"', listed)
    assert action is not None and "q=thanh+tra" in action.group(1) and "page=2" in action.group(1)
    url = action.group(1).replace("&amp;", "&")
    response = client.post(url, data={"name": "Quầy mới", "csrf_token": csrf_token(listed)})
    # ...and the answer goes back to that search and page, where the renamed row still is.
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/points?q=thanh+tra&page=2"
    back = _page(client, q="thanh tra", page=2)
    assert code in _rows(back) and "Quầy mới" in back
