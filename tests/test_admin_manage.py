"""Management screens: imports, groups, points, devices, surveys, periods, users, API tokens, audit."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from PIL import Image

from core.audit import Actor
from core.extensions import db
from core.models import (
    ApiToken,
    AuditLog,
    CompetitionGroup,
    CompetitionPeriod,
    KioskDevice,
    Milestone,
    PairingCode,
    Point,
    Survey,
    Unit,
    User,
    VisitCode,
)
from core.org.accounts import create_api_token, create_user
from core.org.devices import create_pairing_code, device_for_token, pair_device
from core.ratings.surveys import CriterionSpec, create_version
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
    assert response.status_code == 422
    assert "Không nhập được tệp bad.csv" in html and "line 3: unknown parent" in html
    with demo.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == before
    missing = client.post("/admin/units/import", data={"kind": "units", "csrf_token": token})
    assert missing.status_code == 422 and "Chọn tệp .csv hoặc .xlsx." in missing.get_data(as_text=True)


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
    assert _actions(demo)[-4:] == ["device.pairing_code", "device.pair", "device.rename", "device.revoke"]


def test_survey_edit_makes_a_new_version_and_activation_is_exclusive(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    with demo.app_context():
        old = db.session.scalar(sa.select(Survey).where(Survey.active.is_(True)))
        old_id = old.id
    page = client.get(f"/admin/surveys/{old_id}/edit").get_data(as_text=True)
    assert 'name="criteria-0-label"' in page and 'value="Dân về vui vẻ"' in page
    token = csrf_token(page)
    only = {"criteria-0-label": "x", "criteria-0-question": "?"}
    bad = client.post(f"/admin/surveys/{old_id}/edit", data={"title": "T", "scale": "3", **only, "csrf_token": token})
    assert bad.status_code == 422
    assert "cho ít nhất một tiêu chí (câu hỏi chính của phiếu)" in bad.get_data(as_text=True)
    assert 'value="x"' in bad.get_data(as_text=True)  # what was typed stays in the form
    form = {
        "title": "Khảo sát rút gọn",
        "scale": "3",
        **_criterion(0, "overall", "Dân về vui vẻ", "Ông/Bà có hài lòng không?", True, "result"),
        **_criterion(1, "", "Cán bộ", "Cán bộ có tận tình không?", False, "civil_servant"),
        "reasons-0-code": "wait",
        "reasons-0-label": "Phải chờ lâu",
        "reasons-1-code": "other",
        "reasons-1-label": "Khác",
        "csrf_token": token,
    }
    assert client.post(f"/admin/surveys/{old_id}/edit", data=form).status_code == 302
    with demo.app_context():
        new = db.session.scalar(sa.select(Survey).where(Survey.version == 2))
        assert not new.active and new.scores == [2, 4, 5]
        assert [c.code for c in new.criteria] == ["overall", "can-bo"]
        assert new.criteria[0].label_en == "Leave happy"  # kept from the old version
        assert [r.code for r in new.reasons] == ["wait", "other"]
        new_id = new.id
    client.post(f"/admin/surveys/{new_id}/activate", data={"csrf_token": token})
    with demo.app_context():
        assert list(db.session.scalars(sa.select(Survey.id).where(Survey.active.is_(True)))) == [new_id]
    assert _actions(demo)[-2:] == ["survey.new_version", "survey.activate"]


def _criterion(index, code, label, question, required, element) -> dict:
    """One row of the survey editor as the form posts it."""
    row = {"code": code, "label": label, "question": question, "sipas_element": element, "plan_item": ""}
    if required:
        row["required"] = "y"
    return {f"criteria-{index}-{key}": value for key, value in row.items()}


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
    )
    assert wrong.status_code == 422 and "Ngày kết thúc phải sau ngày bắt đầu." in wrong.get_data(as_text=True)
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
    assert "Sơ kết 6 tháng (30/06/2025)" in trend
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
    # A role it may not grant is a refused form (422), not another unit's object.
    refused = client.post(
        "/admin/users/new", data={"username": "q", "role": "unit_manager", "unit": "H-HOIAN", "csrf_token": token}
    )
    assert refused.status_code == 422 and "Bạn không cấp được vai trò này." in refused.get_data(as_text=True)
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
    assert response.status_code == 422 and other.get("/admin/").status_code == 302
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
    assert "admin đã tạo khối, cụm thi đua Cụm X" in html
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
    assert loop.status_code == 422 and "đơn vị cấp dưới của nó" in loop.get_data(as_text=True)
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


# --- Every operation: one audit row with its change, or neither --------------------------------
#
# Each case is a request through its HTTP route. Passed, it stores its change and exactly one new
# audit row naming the signed-in actor, the action and the target. With a failure injected after
# the change and its audit row are flushed (core.audit.record calls the real one, then raises), the
# same request answers 500 and leaves neither behind.


def _world(app) -> dict:
    """The objects the operations act on, committed as a command would."""
    with committing(app):
        cli = Actor.cli()
        own = db.session.scalar(sa.select(Point).where(Point.code == "H-HOIAN-P1"))
        device = pair_device(create_pairing_code(cli, own), "Quầy 1").device
        viewer = create_user(cli, "xem-hoian", "viewer", "viewer-pass-1", "H-HOIAN")
        admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
        token_row, _token = create_api_token(cli, admin, "báo cáo tuần")
        period = db.session.scalar(sa.select(CompetitionPeriod).where(CompetitionPeriod.code == "2023-2024"))
        survey = db.session.scalar(sa.select(Survey).where(Survey.active.is_(True)))
        draft = create_version(
            cli,
            survey,
            title="Bản nháp",
            levels=5,
            criteria=[CriterionSpec("overall", "Chung", "Ông/Bà có hài lòng không?", True)],
            reasons=[],
        )
        return {
            "unit": own.unit_id,
            "point": own.id,
            "device": device.id,
            "viewer": viewer.id,
            "token": token_row.id,
            "period": period.id,
            "milestone": period.milestones[0].id,
            "survey": survey.id,
            "draft": draft.id,
            "draft_label": f"{draft.code} v{draft.version}",
        }


def _scalar(query):
    return db.session.scalar(query)


def _count(model, *where) -> int:
    return _scalar(sa.select(sa.func.count()).select_from(model).where(*where))


# The state each operation changes, read with a fresh query.
def _unit_name(w):
    return db.session.get(Unit, w["unit"]).name


def _group_named(code):
    return lambda w: _scalar(sa.select(CompetitionGroup.name).where(CompetitionGroup.code == code))


def _unit_named(code):
    return lambda w: _scalar(sa.select(Unit.name).where(Unit.code == code))


def _point_named(code):
    return lambda w: _scalar(sa.select(Point.name).where(Point.code == code))


def _point(attribute):
    return lambda w: getattr(db.session.get(Point, w["point"]), attribute)


def _device(attribute):
    return lambda w: getattr(db.session.get(KioskDevice, w["device"]), attribute)


def _visit_codes(w):
    return _count(VisitCode)


def _pairing_codes(w):
    return _count(PairingCode)


def _survey_versions(w):
    return _count(Survey)


def _active_survey(w):
    return _scalar(sa.select(Survey.id).where(Survey.active.is_(True)))


def _period_named(code):
    return lambda w: _scalar(sa.select(CompetitionPeriod.name).where(CompetitionPeriod.code == code))


def _milestones(w):
    return _count(Milestone, Milestone.period_id == w["period"])


def _user(username, attribute):
    return lambda w: _scalar(sa.select(getattr(User, attribute)).where(User.username == username))


def _tokens(w):
    return _count(ApiToken)


def _token_revoked(w):
    return db.session.get(ApiToken, w["token"]).revoked_at is not None


def _nothing(w):
    return None  # a sign-in stores no state but its audit row (and the session, checked apart)


def _csv(text: str, name: str):
    return lambda w: {"file": (io.BytesIO(text.encode()), name)}


@dataclass(frozen=True)
class Op:
    action: str
    role: str | None  # who is signed in; None: the request is the sign-in itself
    url: str  # formatted with the world's ids
    form: Callable[[dict], dict]
    target: str  # formatted with the world's ids
    read: Callable[[dict], object]
    # The audit row's changes: a field whose value is [before, after] of `read`, or a subset.
    changes: str | dict = field(default_factory=dict)
    status: int = 302


OPS = [
    Op(
        "unit.update",
        "province_admin",
        "/admin/units/{unit}/edit",
        lambda w: {"name": "Thanh tra TP Hội An", "kind": "district", "parent": "TTT", "group": "cum-dong-bang"},
        "H-HOIAN",
        _unit_name,
        "name",
    ),
    Op(
        "group.create",
        "province_admin",
        "/admin/groups",
        lambda w: {"code": "cum-moi", "name": "Cụm mới", "leader": "H-HOIAN"},
        "cum-moi",
        _group_named("cum-moi"),
        {"name": [None, "Cụm mới"], "leader": [None, "H-HOIAN"]},
    ),
    Op(
        "import.units",
        "province_admin",
        "/admin/units/import",
        lambda w: {"kind": "units", **_csv("code,name,kind,parent,group\nH-MOI,Huyện Mới,district,,\n", "dv.csv")(w)},
        "dv.csv",
        _unit_named("H-MOI"),
        {"created": 1, "updated": 0},
    ),
    Op(
        "import.points",
        "province_admin",
        "/admin/units/import",
        lambda w: {"kind": "points", **_csv("code,name,unit\nH-HOIAN-P7,Quầy bảy,H-HOIAN\n", "diem.csv")(w)},
        "diem.csv",
        _point_named("H-HOIAN-P7"),
        {"created": 1, "updated": 0},
    ),
    Op(
        "import.groups",
        "province_admin",
        "/admin/units/import",
        lambda w: {"kind": "groups", **_csv("code,name,leader_unit\ncum-nhap,Cụm nhập,H-HOIAN\n", "kc.csv")(w)},
        "kc.csv",
        _group_named("cum-nhap"),
        {"created": 1, "updated": 0},
    ),
    Op(
        "point.create",
        "unit_manager",
        "/admin/points/new",
        lambda w: {"code": "H-HOIAN-P9", "name": "Quầy chín", "unit": "H-HOIAN"},
        "H-HOIAN-P9",
        _point_named("H-HOIAN-P9"),
        {"name": "Quầy chín", "unit": "H-HOIAN"},
    ),
    Op(
        "point.rename",
        "unit_manager",
        "/admin/points/{point}/rename",
        lambda w: {"name": "Quầy một cửa"},
        "H-HOIAN-P1",
        _point("name"),
        "name",
    ),
    Op(
        "point.rotate_token", "unit_manager", "/admin/points/{point}/rotate", dict, "H-HOIAN-P1", _point("public_token")
    ),
    Op(
        "point.deactivate",
        "unit_manager",
        "/admin/points/{point}/active",
        dict,
        "H-HOIAN-P1",
        _point("active"),
        "active",
    ),
    Op(
        "point.visit_codes",
        "unit_manager",
        "/admin/points/{point}/visit-slips",
        lambda w: {"count": "3"},
        "H-HOIAN-P1",
        _visit_codes,
        {"count": 3},
        status=200,
    ),
    Op(
        "device.pairing_code",
        "unit_manager",
        "/admin/points/{point}/pairing",
        dict,
        "H-HOIAN-P1",
        _pairing_codes,
        status=200,
    ),
    Op(
        "device.rename",
        "unit_manager",
        "/admin/devices/{device}/rename",
        lambda w: {"name": "Quầy 1 Hội An"},
        "device {device}",
        _device("name"),
        "name",
    ),
    Op(
        "device.revoke",
        "unit_manager",
        "/admin/devices/{device}/revoke",
        dict,
        "device {device}",
        _device("revoked_at"),
        {"point": "H-HOIAN-P1", "name": "Quầy 1"},
    ),
    Op(
        "survey.new_version",
        "province_admin",
        "/admin/surveys/{survey}/edit",
        lambda w: {
            "title": "Khảo sát rút gọn",
            "scale": "3",
            **_criterion(0, "overall", "Dân về vui vẻ", "Ông/Bà có hài lòng không?", True, "result"),
            "reasons-0-code": "wait",
            "reasons-0-label": "Phải chờ lâu",
        },
        "default v3",
        _survey_versions,
        {"from_version": 1, "criteria": "overall", "reasons": "wait"},
    ),
    Op(
        "survey.activate",
        "province_admin",
        "/admin/surveys/{draft}/activate",
        dict,
        "{draft_label}",
        _active_survey,
        {"previous": "default v1"},
    ),
    Op(
        "period.create",
        "province_admin",
        "/admin/periods",
        lambda w: {"code": "2030", "name": "Đợt 2030", "start_date": "2030-01-01", "end_date": "2030-12-31"},
        "2030",
        _period_named("2030"),
        {"name": "Đợt 2030", "start_date": "2030-01-01", "end_date": "2030-12-31"},
    ),
    Op(
        "milestone.create",
        "province_admin",
        "/admin/periods/{period}/milestones",
        lambda w: {"kind": "other", "name": "Họp giữa kỳ", "due_date": "2024-03-15"},
        "2023-2024",
        _milestones,
        {"kind": "other", "name": "Họp giữa kỳ", "due_date": "2024-03-15"},
    ),
    Op(
        "milestone.delete",
        "province_admin",
        "/admin/milestones/{milestone}/delete",
        dict,
        "2023-2024",
        _milestones,
        {"kind": "so_ket"},
    ),
    Op(
        "user.create",
        "unit_manager",
        "/admin/users/new",
        lambda w: {"username": "xem-moi", "role": "viewer", "unit": "H-HOIAN"},
        "xem-moi",
        _user("xem-moi", "role"),
        {"role": "viewer", "unit": "H-HOIAN"},
        status=200,
    ),
    Op(
        "user.reset_password",
        "unit_manager",
        "/admin/users/{viewer}/reset",
        dict,
        "xem-hoian",
        _user("xem-hoian", "password_hash"),
        status=200,
    ),
    Op(
        "user.deactivate",
        "unit_manager",
        "/admin/users/{viewer}/active",
        dict,
        "xem-hoian",
        _user("xem-hoian", "active"),
        "active",
    ),
    Op(
        "token.create",
        "viewer",
        "/admin/tokens/new",
        lambda w: {"name": "Bảng tin"},
        # The newest token: on PostgreSQL the failed attempt already spent an id of the sequence.
        "token {newest_token}",
        _tokens,
        {"user": "xem", "name": "Bảng tin"},
        status=200,
    ),
    Op(
        "token.revoke",
        "province_admin",
        "/admin/tokens/{token}/revoke",
        dict,
        "token {token}",
        _token_revoked,
        {"user": "admin", "name": "báo cáo tuần"},
    ),
    Op(
        "login",
        None,
        "/admin/login",
        lambda w: {"username": "hoian", "password": "demo-hoian-2026"},
        "hoian",
        _nothing,
    ),
    Op(
        "password.change",
        "viewer",
        "/admin/password",
        lambda w: {"current": "demo-viewer-2026", "new": "chosen-by-me-1", "confirm": "chosen-by-me-1"},
        "xem",
        _user("xem", "password_hash"),
    ),
]
ACTORS = {"province_admin": "admin", "unit_manager": "hoian", "viewer": "xem", None: "hoian"}


def _audit_ids(app) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(sa.select(AuditLog.id)))


def _failing_record(monkeypatch):
    """core.audit.record that writes its row (and so flushes the change) and then fails."""
    from core import audit

    real = audit.record

    def record_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("injected failure after the change and its audit row")

    monkeypatch.setattr(audit, "record", record_then_fail)


@pytest.mark.parametrize("op", OPS, ids=[op.action for op in OPS])
def test_each_operation_stores_its_change_with_one_audit_row_or_nothing(demo, monkeypatch, op):
    world = _world(demo)
    client = demo.test_client()
    if op.role is not None:
        login_as(client, op.role)
    token = token_from(client, "/admin/password" if op.role else "/admin/login")
    url = op.url.format(**world)
    with demo.app_context():
        before = op.read(world)
        actor_id = db.session.scalar(sa.select(User.id).where(User.username == ACTORS[op.role]))
    audit_before = _audit_ids(demo)

    with monkeypatch.context() as patch:
        _failing_record(patch)
        failed = client.post(url, data={**op.form(world), "csrf_token": token})
    assert failed.status_code == 500
    assert _audit_ids(demo) == audit_before, "the audit row of a failed request was stored"
    with demo.app_context():
        assert op.read(world) == before, "the change of a failed request was stored"
    if op.action == "login":
        assert client.get("/admin/").status_code == 302, "a failed sign-in left the session signed in"

    done = client.post(url, data={**op.form(world), "csrf_token": token})
    assert done.status_code == op.status, done.get_data(as_text=True)[:300]
    new_ids = _audit_ids(demo) - audit_before
    assert len(new_ids) == 1
    with demo.app_context():
        row = db.session.get(AuditLog, new_ids.pop())
        after = op.read(world)
        assert (row.user_id, row.device_id, row.action, row.target) == (
            actor_id,
            None,
            op.action,
            op.target.format(**world, newest_token=db.session.scalar(sa.select(sa.func.max(ApiToken.id)))),
        )
        if isinstance(op.changes, str):
            assert row.changes[op.changes] == [before, after]
        else:
            assert op.changes.items() <= (row.changes or {}).items()
    if op.action == "login":
        assert client.get("/admin/").status_code == 200
    else:
        assert after != before, "the operation changed nothing"


# --- Bad input: a friendly 422 page, nothing stored --------------------------------------------


def _upload(name: str, text: str = "code,name,kind,parent,group\nH-X,X,district,TTT,\n"):
    return (io.BytesIO(text.encode()), name)


def _units(w):
    return _count(Unit)


def _groups(w):
    return _count(CompetitionGroup)


def _points(w):
    return _count(Point)


def _periods(w):
    return _count(CompetitionPeriod)


def _users(w):
    return _count(User)


# form -> (role, URL, a valid submission, the state it would change, [(bad fields, message shown)])
BAD_INPUT = {
    "unit": (
        "province_admin",
        "/admin/units/{unit}/edit",
        {"name": "Thanh tra Hội An", "kind": "district", "parent": "TTT", "group": ""},
        _unit_name,
        [
            ({"name": "   "}, "Vui lòng điền mục này."),
            ({"name": "x" * 256}, "Tối đa 255 ký tự."),
            ({"kind": "dis\x00trict"}, "Loại đơn vị không hợp lệ."),
            ({"parent": "NOPE"}, "Không đặt được dưới đơn vị này"),
            ({"group": "NOPE"}, "Không có khối/cụm này."),
        ],
    ),
    "group": (
        "province_admin",
        "/admin/groups",
        {"code": "cum-z", "name": "Cụm Z", "leader": ""},
        _groups,
        [
            ({"code": ""}, "Vui lòng điền mục này."),
            ({"code": "x" * 65}, "Tối đa 64 ký tự."),
            ({"code": "cum\x00z"}, "Không được chứa ký tự điều khiển"),
            ({"leader": "NOPE"}, "Không có đơn vị này."),
        ],
    ),
    "import": (
        "province_admin",
        "/admin/units/import",
        {"kind": "units"},
        _units,
        [
            ({"file": lambda: _upload("don-vi.txt")}, "Chỉ nhận tệp .csv hoặc .xlsx."),
            ({"file": lambda: _upload("don-vi.pdf", "%PDF-1.4")}, "Chỉ nhận tệp .csv hoặc .xlsx."),
            ({}, "Chọn tệp .csv hoặc .xlsx."),
            ({"kind": "users", "file": lambda: _upload("dv.csv")}, "Chọn một loại dữ liệu trong danh sách."),
            ({"file": lambda: _upload("dv.csv", "code,name\nH-Y,Y\n")}, "Không nhập được tệp dv.csv"),
        ],
    ),
    "point": (
        "unit_manager",
        "/admin/points/new",
        {"code": "H-HOIAN-P8", "name": "Quầy tám", "unit": "H-HOIAN"},
        _points,
        [
            ({"code": ""}, "Vui lòng điền mục này."),
            ({"code": "P" * 65}, "Tối đa 64 ký tự."),
            ({"code": "H-HOIAN\x00-P8"}, "Không được chứa ký tự điều khiển"),
            ({"name": "n" * 256}, "Tối đa 255 ký tự."),
            ({"code": "H-HOIAN-P2"}, "Mã điểm này đã có."),
            ({"unit": "NOPE"}, "Không có đơn vị này."),
        ],
    ),
    "point name": (
        "unit_manager",
        "/admin/points/{point}/rename",
        {"name": "Quầy một"},
        _point("name"),
        [({"name": ""}, "Vui lòng điền mục này."), ({"name": "n" * 256}, "Tối đa 255 ký tự.")],
    ),
    "visit slips": (
        "unit_manager",
        "/admin/points/{point}/visit-slips",
        {"count": "5"},
        _visit_codes,
        [
            ({"count": "0"}, "Số phiếu hẹn phải từ 1 đến 500."),
            ({"count": "501"}, "Số phiếu hẹn phải từ 1 đến 500."),
            ({"count": "ba"}, "Nhập một số nguyên."),
            ({"count": ""}, "Vui lòng điền mục này."),
        ],
    ),
    "device name": (
        "unit_manager",
        "/admin/devices/{device}/rename",
        {"name": "Quầy"},
        _device("name"),
        [({"name": "d" * 121}, "Tối đa 120 ký tự.")],
    ),
    "survey": (
        "province_admin",
        "/admin/surveys/{survey}/edit",
        {"title": "Phiếu", "scale": "5", **_criterion(0, "overall", "Chung", "Hài lòng?", True, "")},
        _survey_versions,
        [
            ({"title": ""}, "Vui lòng điền mục này."),
            ({"title": "t" * 256}, "Tối đa 255 ký tự."),
            ({"scale": "7"}, "Thang đo là 5 hoặc 3 mức."),
            ({"criteria-0-question": ""}, "Vui lòng điền mục này."),
            ({"criteria-0-sipas_element": "nowhere"}, "Chọn một yếu tố SIPAS trong danh sách."),
            ({"reasons-0-label": "Chờ", "reasons-1-label": "chờ"}, "Nhãn này trùng với một dòng khác."),
        ],
    ),
    "period": (
        "province_admin",
        "/admin/periods",
        {"code": "2031", "name": "Đợt 2031", "start_date": "2031-01-01", "end_date": "2031-12-31"},
        _periods,
        [
            ({"start_date": "9999-99-99"}, "Ngày không hợp lệ: dùng dạng ngày/tháng/năm, ví dụ 31/12/2024."),
            ({"end_date": "9999-12-31"}, "Ngày phải từ 01/01/2000 đến 31/12/2100."),
            ({"start_date": ""}, "Vui lòng điền mục này."),
            ({"end_date": "2030-12-31"}, "Ngày kết thúc phải sau ngày bắt đầu."),
            ({"code": "2023-2024"}, "Mã đợt này đã có."),
            ({"name": "n" * 256}, "Tối đa 255 ký tự."),
            ({"code": "20\x0031"}, "Không được chứa ký tự điều khiển"),
        ],
    ),
    "milestone": (
        "province_admin",
        "/admin/periods/{period}/milestones",
        {"kind": "so_ket", "name": "Sơ kết", "due_date": "2024-01-15"},
        _milestones,
        [
            ({"due_date": "2024-02-30"}, "Ngày không hợp lệ: dùng dạng ngày/tháng/năm, ví dụ 31/12/2024."),
            ({"due_date": "9999-99-99"}, "Ngày không hợp lệ: dùng dạng ngày/tháng/năm, ví dụ 31/12/2024."),
            ({"kind": "party"}, "Chọn một loại mốc trong danh sách."),
            ({"name": ""}, "Vui lòng điền mục này."),
        ],
    ),
    "user": (
        "unit_manager",
        "/admin/users/new",
        {"username": "xem-b", "role": "viewer", "unit": "H-HOIAN"},
        _users,
        [
            ({"username": ""}, "Vui lòng điền mục này."),
            ({"username": "u" * 65}, "Tối đa 64 ký tự."),
            ({"username": "xem\x00b"}, "Không được chứa ký tự điều khiển"),
            ({"username": "admin"}, "Tên đăng nhập này đã có."),
            ({"role": "province_admin"}, "Bạn không cấp được vai trò này."),
            ({"unit": "NOPE"}, "Chọn một đơn vị có thật cho tài khoản này."),
            ({"unit": ""}, "Chọn một đơn vị có thật cho tài khoản này."),
        ],
    ),
    "token": (
        "viewer",
        "/admin/tokens/new",
        {"name": "Bảng tin"},
        _tokens,
        [({"name": "t" * 121}, "Tối đa 120 ký tự.")],
    ),
}


@pytest.mark.parametrize("name", list(BAD_INPUT))
def test_bad_input_is_a_friendly_422_that_stores_nothing(demo, name):
    role, url, valid, read, cases = BAD_INPUT[name]
    world = _world(demo)
    client = demo.test_client()
    login_as(client, role)
    token = token_from(client, "/admin/password")
    with demo.app_context():
        before = read(world)
    audit_before = _audit_ids(demo)
    for bad, message in cases:
        data = {**valid, **{key: value() if callable(value) else value for key, value in bad.items()}}
        response = client.post(url.format(**world), data={**data, "csrf_token": token})
        html = response.get_data(as_text=True)
        assert response.status_code == 422, (bad, html[:300])
        assert message in html, bad
        assert 'class="field-error"' in html and "<h1>" in html, bad  # the form again, with its errors
        with demo.app_context():
            assert read(world) == before, bad
        assert _audit_ids(demo) == audit_before, bad
    # The valid submission goes through, so each refusal above was the bad field's.
    if name == "import":
        valid = {**valid, "file": _upload("dv.csv")}
    response = client.post(url.format(**world), data={**valid, "csrf_token": token})
    assert response.status_code in (200, 302)
    with demo.app_context():
        assert read(world) != before


# --- Another unit's object is not there (404, never 403) ---------------------------------------


def _other_unit(app) -> dict:
    with committing(app):
        cli = Actor.cli()
        other = db.session.scalar(sa.select(Point).where(Point.code == "H-TAMKY-P1"))
        device = pair_device(create_pairing_code(cli, other), "Quầy Tam Kỳ").device
        user = create_user(cli, "xem-tamky", "viewer", "viewer-pass-2", "H-TAMKY")
        token_row, _token = create_api_token(cli, user, "của Tam Kỳ")
        return {"point": other.id, "device": device.id, "user": user.id, "token": token_row.id}


OTHER_UNIT_REQUESTS = [
    ("GET", "/admin/points/{point}/poster.png", {}),
    ("POST", "/admin/points/{point}/rotate", {}),
    ("POST", "/admin/points/{point}/rename", {"name": "X"}),
    ("POST", "/admin/points/{point}/active", {}),
    ("POST", "/admin/points/{point}/visit-slips", {"count": "2"}),
    ("POST", "/admin/points/{point}/pairing", {}),
    ("POST", "/admin/devices/{device}/rename", {"name": "X"}),
    ("POST", "/admin/devices/{device}/revoke", {}),
    ("POST", "/admin/users/{user}/reset", {}),
    ("POST", "/admin/users/{user}/active", {}),
    ("POST", "/admin/tokens/{token}/revoke", {}),
    ("POST", "/admin/points/new", {"code": "H-TAMKY-P9", "name": "Quầy 9", "unit": "H-TAMKY"}),
    ("POST", "/admin/users/new", {"username": "xem-tk", "role": "viewer", "unit": "H-TAMKY"}),
    ("POST", "/admin/users/new", {"username": "xem-tt", "role": "viewer", "unit": "TTT"}),
]


def test_another_units_object_is_404_for_a_unit_manager(demo):
    other = _other_unit(demo)
    client = demo.test_client()
    login_as(client, "unit_manager")
    token = token_from(client, "/admin/password")
    audit_before = _audit_ids(demo)
    with demo.app_context():
        tokens_before = db.session.scalar(sa.select(Point.public_token).where(Point.id == other["point"]))
    for method, url, form in OTHER_UNIT_REQUESTS:
        url = url.format(**other)
        response = client.get(url) if method == "GET" else client.post(url, data={**form, "csrf_token": token})
        assert response.status_code == 404, (url, response.status_code)
    assert _audit_ids(demo) == audit_before
    with demo.app_context():
        assert db.session.scalar(sa.select(Point.public_token).where(Point.id == other["point"])) == tokens_before
        assert db.session.get(KioskDevice, other["device"]).revoked_at is None
        assert db.session.get(ApiToken, other["token"]).revoked_at is None
        assert db.session.get(User, other["user"]).active
        assert _count(Point, Point.code == "H-TAMKY-P9") == 0 and _count(User, User.username.like("xem-t%")) == 1
    # Lists never show them either.
    assert 'data-point="H-TAMKY-P1"' not in client.get("/admin/points").get_data(as_text=True)
    assert f'data-device="{other["device"]}"' not in client.get("/admin/devices").get_data(as_text=True)
    assert 'data-user="xem-tamky"' not in client.get("/admin/users").get_data(as_text=True)
    assert f'data-token="{other["token"]}"' not in client.get("/admin/tokens").get_data(as_text=True)


def test_an_account_of_its_own_unit_it_may_not_manage_is_403(demo):
    """Not another unit's object: the manager sees itself in its list but may not lock itself out."""
    client = demo.test_client()
    login_as(client, "unit_manager")
    token = token_from(client, "/admin/password")
    with demo.app_context():
        own_id = db.session.scalar(sa.select(User.id).where(User.username == "hoian"))
        office_id = db.session.scalar(sa.select(User.id).where(User.username == "admin"))
    assert client.post(f"/admin/users/{own_id}/active", data={"csrf_token": token}).status_code == 403
    assert client.post(f"/admin/users/{own_id}/reset", data={"csrf_token": token}).status_code == 403
    # The office's account belongs to no unit of the manager: it does not exist for it.
    assert client.post(f"/admin/users/{office_id}/reset", data={"csrf_token": token}).status_code == 404


def test_a_unit_manager_sees_and_revokes_the_tokens_of_its_viewers_only(demo):
    other = _other_unit(demo)
    with committing(demo):
        viewer = create_user(Actor.cli(), "xem-hoian", "viewer", "viewer-pass-1", "H-HOIAN")
        viewer_token = create_api_token(Actor.cli(), viewer, "của xem-hoian")[0].id
        office = db.session.scalar(sa.select(User).where(User.username == "admin"))
        office_token = create_api_token(Actor.cli(), office, "của văn phòng")[0].id
    client = demo.test_client()
    login_as(client, "unit_manager")
    token = token_from(client, "/admin/tokens")
    listing = client.get("/admin/tokens").get_data(as_text=True)
    assert f'data-token="{viewer_token}"' in listing
    assert f'data-token="{office_token}"' not in listing and f'data-token="{other["token"]}"' not in listing
    assert client.post(f"/admin/tokens/{office_token}/revoke", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/admin/tokens/{viewer_token}/revoke", data={"csrf_token": token}).status_code == 302
    with demo.app_context():
        assert db.session.get(ApiToken, viewer_token).revoked_at is not None
        assert db.session.get(ApiToken, office_token).revoked_at is None
    # A viewer sees its own tokens only, even those of its own unit.
    viewer_client = demo.test_client()
    login_as(viewer_client, "viewer")
    assert "data-token=" not in viewer_client.get("/admin/tokens").get_data(as_text=True)


def test_the_audit_page_says_who_did_what_and_what_changed(demo):
    world = _world(demo)  # its rows: the command line (pairing code, accounts) and a device (pairing)
    client = demo.test_client()
    login_as(client, "unit_manager")
    token = token_from(client, "/admin/points")
    client.post(f"/admin/points/{world['point']}/rename", data={"name": "<b>Quầy</b> & 1", "csrf_token": token})
    office = demo.test_client()
    login_as(office, "province_admin")
    html = office.get("/admin/audit").get_data(as_text=True)
    renamed = re.search(
        r'<td class="who">hoian</td>\s*<td class="sentence">hoian đã đổi tên điểm tiếp nhận '
        r"&lt;b&gt;Quầy&lt;/b&gt; &amp; 1 \(H-HOIAN-P1\)</td>(.*?)</tr>",
        html,
        re.S,
    )
    assert renamed, "the rename is listed with its actor"
    assert "<li>Tên: Bộ phận tiếp công dân → &lt;b&gt;Quầy&lt;/b&gt; &amp; 1</li>" in renamed.group(1)
    assert "<b>Quầy</b>" not in html
    assert re.search(r'<td class="who">máy Quầy 1</td>\s*<td class="sentence">máy Quầy 1 đã được ghép với', html)
    created = r'<td class="who">Hệ thống</td>\s*<td class="sentence">Hệ thống đã tạo tài khoản xem-hoian</td>'
    assert re.search(created, html)
    assert "<li>Vai trò: Chỉ xem</li>" in html


def test_pairing_an_inactive_point_is_refused_on_the_devices_page(demo):
    client = demo.test_client()
    login_as(client, "unit_manager")
    token = token_from(client, "/admin/points")
    with demo.app_context():
        point_id = db.session.scalar(sa.select(Point.id).where(Point.code == "H-HOIAN-P1"))
    assert client.post(f"/admin/points/{point_id}/active", data={"csrf_token": token}).status_code == 302
    response = client.post(f"/admin/points/{point_id}/pairing", data={"csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Điểm tiếp nhận này đã ngừng hoạt động: không ghép máy mới được." in html
    assert "point: inactive" in html  # the core's own words, for the admin
    with demo.app_context():
        assert _pairing_codes({}) == 0
    assert "device.pairing_code" not in _actions(demo)
