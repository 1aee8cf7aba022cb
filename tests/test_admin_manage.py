"""Management screens: imports, groups, points, devices, surveys, periods, users, API tokens, audit."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa
from openpyxl import Workbook
from PIL import Image

from core.extensions import db
from core.models import (
    AuditLog,
    CompetitionGroup,
    CompetitionPeriod,
    KioskDevice,
    Milestone,
    Point,
    Survey,
    Unit,
    User,
    VisitCode,
)
from core.org.devices import device_for_token, pair_device
from tests.conftest import committing, csrf_token
from tests.test_admin_support import login_as, token_from


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)))


def _secret(response) -> str:
    return re.search(r'id="secret">([^<]+)<', response.get_data(as_text=True)).group(1)


def test_import_units_and_points_through_the_ui(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    token = token_from(client, "/admin/units")
    units_csv = "code,name,kind,parent,group\nH-MOI,Thanh tra huyện Mới,district,TTT,cum-mien-nui\n".encode("utf-8-sig")
    response = client.post(
        "/admin/units/import",
        data={"kind": "units", "file": (io.BytesIO(units_csv), "don-vi.csv"), "csrf_token": token},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Đã nhập don-vi.csv: 1 mới, 0 cập nhật." in response.get_data(as_text=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "name", "unit"])
    sheet.append(["H-MOI-P1", "Bộ phận tiếp công dân", "H-MOI"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.post(
        "/admin/units/import",
        data={"kind": "points", "file": (io.BytesIO(buffer.getvalue()), "diem.xlsx"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    with demo.app_context():
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == "H-MOI"))
        assert unit.parent.code == "TTT" and unit.group.code == "cum-mien-nui"
        assert db.session.scalar(sa.select(Point).where(Point.code == "H-MOI-P1")).unit_id == unit.id
    assert "Thanh tra huyện Mới" in client.get("/admin/units").get_data(as_text=True)
    assert _actions(demo)[-2:] == ["import.units", "import.points"]


def test_a_bad_import_changes_nothing_and_names_the_lines(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    token = token_from(client, "/admin/units")
    with demo.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Unit))
    bad = b"code,name,kind,parent,group\nX-1,Good,office,TTT,\nX-2,Bad parent,office,NOPE,\n"
    response = client.post(
        "/admin/units/import",
        data={"kind": "units", "file": (io.BytesIO(bad), "bad.csv"), "csrf_token": token},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Không nhập được tệp bad.csv" in html and "line 3: unknown parent" in html
    with demo.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == before
    missing = client.post("/admin/units/import", data={"kind": "units", "csrf_token": token}, follow_redirects=True)
    assert "Chọn loại dữ liệu" in missing.get_data(as_text=True)


def test_groups_are_created_and_updated(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    token = token_from(client, "/admin/groups")
    client.post("/admin/groups", data={"code": "cum-moi", "name": "Cụm mới", "leader": "H-HOIAN", "csrf_token": token})
    client.post("/admin/groups", data={"code": "cum-moi", "name": "Cụm mới (sửa)", "leader": "", "csrf_token": token})
    with demo.app_context():
        group = db.session.scalar(sa.select(CompetitionGroup).where(CompetitionGroup.code == "cum-moi"))
        assert group.name == "Cụm mới (sửa)" and group.leader is None
    assert _actions(demo)[-2:] == ["group.create", "group.update"]


def test_points_rotate_token_poster_and_visit_slips(demo):
    client = demo.test_client()
    login_as(client, "unit_manager")
    html = client.get("/admin/points").get_data(as_text=True)
    assert 'data-point="H-HOIAN-P1"' in html and 'data-point="H-TAMKY-P1"' not in html
    token = csrf_token(html)
    with demo.app_context():
        point = db.session.scalar(sa.select(Point).where(Point.code == "H-HOIAN-P1"))
        point_id, old_token = point.id, point.public_token
        other_id = db.session.scalar(sa.select(Point.id).where(Point.code == "H-TAMKY-P1"))
    client.post(f"/admin/points/{point_id}/rotate", data={"csrf_token": token})
    with demo.app_context():
        assert db.session.get(Point, point_id).public_token != old_token
    assert client.post(f"/admin/points/{other_id}/rotate", data={"csrf_token": token}).status_code == 404
    poster = client.get(f"/admin/points/{point_id}/poster.png")
    assert poster.status_code == 200 and poster.mimetype == "image/png"
    Image.open(io.BytesIO(poster.data)).verify()
    assert client.get(f"/admin/points/{point_id}/poster.pdf").data.startswith(b"%PDF")
    slips = client.post(f"/admin/points/{point_id}/visit-slips", data={"count": "3", "csrf_token": token})
    assert slips.mimetype == "application/pdf" and slips.data.startswith(b"%PDF")
    with demo.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(VisitCode)) == 3
    client.post(f"/admin/points/{point_id}/visit-slips", data={"count": "0", "csrf_token": token})
    with demo.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(VisitCode)) == 3
    # A new point in the manager's own unit, but never in another unit.
    client.post(
        "/admin/points/new", data={"code": "H-HOIAN-P9", "name": "Quầy 9", "unit": "H-HOIAN", "csrf_token": token}
    )
    refused = client.post(
        "/admin/points/new", data={"code": "H-TAMKY-P9", "name": "Quầy 9", "unit": "H-TAMKY", "csrf_token": token}
    )
    assert refused.status_code == 404
    with demo.app_context():
        codes = set(db.session.scalars(sa.select(Point.code).where(Point.code.like("%-P9"))))
    assert codes == {"H-HOIAN-P9"}
    assert {"point.rotate_token", "point.visit_codes", "point.create"} <= set(_actions(demo))


def test_devices_pair_rename_revoke_and_last_seen(demo):
    client = demo.test_client()
    login_as(client, "unit_manager")
    token = token_from(client, "/admin/devices")
    with demo.app_context():
        point_id = db.session.scalar(sa.select(Point.id).where(Point.code == "H-HOIAN-P1"))
    page = client.post(f"/admin/points/{point_id}/pairing", data={"csrf_token": token}).get_data(as_text=True)
    code = re.search(r'id="pairing-code">([A-Z0-9]+)<', page).group(1)
    assert f"http://test.local/kiosk/pair?code={code}" in page
    qr = re.search(r'<img class="qr" src="data:image/svg\+xml;base64,([^"]+)"', page).group(1)
    import base64

    assert b"<svg" in base64.b64decode(qr)
    with committing(demo):
        paired = pair_device(code, "")
        device_id, device_token = paired.device.id, paired.token
    listing = client.get("/admin/devices").get_data(as_text=True)
    assert f'data-device="{device_id}"' in listing and "đang hoạt động" in listing
    client.post(f"/admin/devices/{device_id}/rename", data={"name": "Quầy 1 Hội An", "csrf_token": token})
    client.post(f"/admin/devices/{device_id}/revoke", data={"csrf_token": token})
    with demo.app_context():
        device = db.session.get(KioskDevice, device_id)
        assert device.name == "Quầy 1 Hội An" and device.revoked_at is not None
        assert device_for_token(device_token) is None
    assert "đã thu hồi" in client.get("/admin/devices").get_data(as_text=True)
    assert _actions(demo)[-3:] == ["device.pairing_code", "device.rename", "device.revoke"]


def test_survey_edit_makes_a_new_version_and_activation_is_exclusive(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    with demo.app_context():
        old = db.session.scalar(sa.select(Survey).where(Survey.active.is_(True)))
        old_id = old.id
    page = client.get(f"/admin/surveys/{old_id}/edit").get_data(as_text=True)
    assert "overall | Dân về vui vẻ" in page
    token = csrf_token(page)
    bad = client.post(
        f"/admin/surveys/{old_id}/edit",
        data={"title": "T", "scale": "3", "criteria": "only | x | ? | không |", "reasons": "", "csrf_token": token},
    )
    assert "Cần ít nhất một tiêu chí bắt buộc" in bad.get_data(as_text=True)
    form = {
        "title": "Khảo sát rút gọn",
        "scale": "3",
        "criteria": "overall | Dân về vui vẻ | Ông/Bà có hài lòng không? | có | result\n"
        "staff | Cán bộ | Cán bộ có tận tình không? | không | civil_servant",
        "reasons": "wait | Phải chờ lâu\nother | Khác",
        "csrf_token": token,
    }
    assert client.post(f"/admin/surveys/{old_id}/edit", data=form).status_code == 302
    with demo.app_context():
        new = db.session.scalar(sa.select(Survey).where(Survey.version == 2))
        assert not new.active and new.scores == [2, 4, 5]
        assert [c.code for c in new.criteria] == ["overall", "staff"]
        assert new.criteria[0].label_en == "Leave happy"  # kept from the old version
        assert [r.code for r in new.reasons] == ["wait", "other"]
        new_id = new.id
    client.post(f"/admin/surveys/{new_id}/activate", data={"csrf_token": token})
    with demo.app_context():
        assert list(db.session.scalars(sa.select(Survey.id).where(Survey.active.is_(True)))) == [new_id]
    assert _actions(demo)[-2:] == ["survey.new_version", "survey.activate"]


def test_periods_and_milestones(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    token = token_from(client, "/admin/periods")
    client.post(
        "/admin/periods",
        data={
            "code": "2025",
            "name": "Đợt 2025",
            "start_date": "2025-01-01",
            "end_date": "2025-12-31",
            "csrf_token": token,
        },
    )
    wrong = client.post(
        "/admin/periods",
        data={"code": "x", "name": "x", "start_date": "2025-12-31", "end_date": "2025-01-01", "csrf_token": token},
        follow_redirects=True,
    )
    assert "bắt đầu trước kết thúc" in wrong.get_data(as_text=True)
    with demo.app_context():
        period_id = db.session.scalar(sa.select(CompetitionPeriod.id).where(CompetitionPeriod.code == "2025"))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CompetitionPeriod)) == 2
    client.post(
        f"/admin/periods/{period_id}/milestones",
        data={"kind": "so_ket", "name": "Sơ kết 6 tháng", "due_date": "2025-06-30", "csrf_token": token},
    )
    with demo.app_context():
        milestone = db.session.scalar(sa.select(Milestone).where(Milestone.period_id == period_id))
        assert milestone.name == "Sơ kết 6 tháng"
        milestone_id = milestone.id
    trend = client.get("/admin/reports/trend?period=2025").get_data(as_text=True)
    assert "Sơ kết 6 tháng (2025-06-30)" in trend
    client.post(f"/admin/milestones/{milestone_id}/delete", data={"csrf_token": token})
    with demo.app_context():
        assert db.session.get(Milestone, milestone_id) is None
    assert _actions(demo)[-3:] == ["period.create", "milestone.create", "milestone.delete"]


def test_unit_manager_manages_only_viewers_of_its_unit(demo):
    client = demo.test_client()
    login_as(client, "unit_manager")
    token = token_from(client, "/admin/users")
    created = client.post(
        "/admin/users/new", data={"username": "xem-ha", "role": "viewer", "unit": "H-HOIAN", "csrf_token": token}
    )
    password = _secret(created)
    assert (
        client.post(
            "/admin/users/new", data={"username": "q", "role": "unit_manager", "unit": "H-HOIAN", "csrf_token": token}
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/admin/users/new", data={"username": "q", "role": "viewer", "unit": "H-TAMKY", "csrf_token": token}
        ).status_code
        == 404
    )
    listing = client.get("/admin/users").get_data(as_text=True)
    assert 'data-user="xem-ha"' in listing and 'data-user="admin"' not in listing and 'data-user="xem"' not in listing
    with demo.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "xem-ha"))
        assert user.role == "viewer" and user.unit.code == "H-HOIAN" and user.check_password(password)
        user_id = user.id
        manager_id = db.session.scalar(sa.select(User.id).where(User.username == "hoian"))
    reset = client.post(f"/admin/users/{user_id}/reset", data={"csrf_token": token})
    with demo.app_context():
        assert db.session.get(User, user_id).check_password(_secret(reset))
    client.post(f"/admin/users/{user_id}/active", data={"csrf_token": token})
    with demo.app_context():
        assert db.session.get(User, user_id).active is False
    # A disabled account cannot sign in.
    other = demo.test_client()
    page = other.get("/admin/login").get_data(as_text=True)
    response = other.post(
        "/admin/login", data={"username": "xem-ha", "password": _secret(reset), "csrf_token": csrf_token(page)}
    )
    assert response.status_code == 200
    # Nobody locks themselves out.
    assert client.post(f"/admin/users/{manager_id}/active", data={"csrf_token": token}).status_code == 403
    assert _actions(demo)[-3:] == ["user.create", "user.reset_password", "user.deactivate"]


def test_api_tokens_from_the_ui_are_scoped_and_revocable(demo):
    client = demo.test_client()
    login_as(client, "unit_manager")
    token = token_from(client, "/admin/tokens")
    api_token = _secret(client.post("/admin/tokens/new", data={"name": "Báo cáo tuần", "csrf_token": token}))
    api = demo.test_client()
    units = api.get("/api/v1/units", headers={"Authorization": f"Bearer {api_token}"})
    assert units.status_code == 200 and [u["code"] for u in units.get_json()] == ["H-HOIAN"]
    listing = client.get("/admin/tokens").get_data(as_text=True)
    token_id = re.search(r'data-token="(\d+)"', listing).group(1)
    assert api_token not in listing  # shown once, never again
    client.post(f"/admin/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert api.get("/api/v1/units", headers={"Authorization": f"Bearer {api_token}"}).status_code == 401
    assert _actions(demo)[-2:] == ["token.create", "token.revoke"]


def test_audit_log_is_readable_by_the_province_office_only(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    token = token_from(client, "/admin/groups")
    client.post("/admin/groups", data={"code": "cum-x", "name": "Cụm X", "csrf_token": token})
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "group.create" in html and "cum-x" in html and "admin" in html
    manager = demo.test_client()
    login_as(manager, "unit_manager")
    assert manager.get("/admin/audit").status_code == 403


def test_management_forms_refuse_a_missing_csrf_token(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    with demo.app_context():
        point_id = db.session.scalar(sa.select(Point.id).where(Point.code == "H-HOIAN-P1"))
        old = db.session.get(Point, point_id).public_token
    for url, data in (
        (f"/admin/points/{point_id}/rotate", {}),
        ("/admin/groups", {"code": "g", "name": "G"}),
        ("/admin/users/new", {"username": "z", "role": "viewer", "unit": "H-HOIAN"}),
        ("/admin/tokens/new", {"name": "x"}),
        ("/admin/password", {"current": "demo-admin-2026", "new": "x" * 10, "confirm": "x" * 10}),
    ):
        response = client.post(url, data=data)
        assert response.status_code == 400, url
        wrong = client.post(url, data={**data, "csrf_token": "forged"})
        assert wrong.status_code == 400, url
    with demo.app_context():
        assert db.session.get(Point, point_id).public_token == old
        assert db.session.scalar(sa.select(User.id).where(User.username == "z")) is None
        assert db.session.scalar(sa.select(CompetitionGroup.id).where(CompetitionGroup.code == "g")) is None


def test_unit_edit_moves_and_regroups_but_refuses_a_loop(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    with demo.app_context():
        root_id = db.session.scalar(sa.select(Unit.id).where(Unit.code == "TTT"))
        hoian_id = db.session.scalar(sa.select(Unit.id).where(Unit.code == "H-HOIAN"))
    token = token_from(client, f"/admin/units/{hoian_id}/edit")
    response = client.post(
        f"/admin/units/{hoian_id}/edit",
        data={
            "name": "Thanh tra TP Hội An",
            "kind": "district",
            "parent": "TTT",
            "group": "cum-mien-nui",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    loop = client.post(
        f"/admin/units/{root_id}/edit",
        data={"name": "Thanh tra tỉnh", "kind": "province", "parent": "H-HOIAN", "group": "", "csrf_token": token},
    )
    assert loop.status_code == 200 and "đơn vị cấp dưới của nó" in loop.get_data(as_text=True)
    with demo.app_context():
        hoian = db.session.get(Unit, hoian_id)
        assert hoian.name == "Thanh tra TP Hội An" and hoian.group.code == "cum-mien-nui"
        assert db.session.get(Unit, root_id).parent_id is None
    assert _actions(demo)[-1] == "unit.update"


def test_point_rename_stays_in_scope(demo):
    client = demo.test_client()
    login_as(client, "unit_manager")
    token = token_from(client, "/admin/points")
    with demo.app_context():
        own = db.session.scalar(sa.select(Point.id).where(Point.code == "H-HOIAN-P1"))
        other = db.session.scalar(sa.select(Point.id).where(Point.code == "H-TAMKY-P1"))
    client.post(f"/admin/points/{own}/rename", data={"name": "Quầy một cửa", "csrf_token": token})
    assert client.post(f"/admin/points/{other}/rename", data={"name": "X", "csrf_token": token}).status_code == 404
    with demo.app_context():
        assert db.session.get(Point, own).name == "Quầy một cửa"
        assert db.session.get(Point, other).name != "X"


def test_a_large_spreadsheet_uploads_but_public_bodies_stay_small(demo):
    """Spreadsheet imports may exceed the 64 KiB limit that guards the citizens' endpoints."""
    client = demo.test_client()
    login_as(client, "province_admin")
    token = token_from(client, "/admin/units")
    lines = ["code,name,unit"] + [f"H-HOIAN-X{i:04d},Bàn tiếp nhận số {i} của Hội An,H-HOIAN" for i in range(2000)]
    data = "\n".join(lines).encode("utf-8")
    assert len(data) > 64 * 1024
    response = client.post(
        "/admin/units/import",
        data={"kind": "points", "file": (io.BytesIO(data), "diem.csv"), "csrf_token": token},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    with demo.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(Point).where(Point.code.like("H-HOIAN-X%")))
            == 2000
        )
    with demo.app_context():
        token = db.session.scalar(sa.select(Point.public_token).where(Point.code == "H-HOIAN-P1"))
    big = client.post(f"/s/{token}", data={"comment": "x" * (65 * 1024)})
    assert big.status_code == 413
