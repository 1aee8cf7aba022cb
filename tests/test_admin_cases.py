"""The cases, alerts, calendar, monitoring and e-mail screens through the test client, on the demo
province: the whole path of a citizen's low answer to an answer on time, the state machine through
the pages, who sees what (404 for another unit, 403 for a viewer, no contact details for a viewer),
feedback recorded by staff with its deadline and consent, the calendar moving deadlines, and the
office urging a unit (one outbox event, one audit row)."""

from __future__ import annotations

import html
import io
import re
import uuid
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from core.audit import Actor
from core.cases.calendar import add_working_days, due_date
from core.cases.operations import TRANSITIONS, ManualCase, Move, record_manual, transition
from core.cases.queries import case_report
from core.extensions import db
from core.models import (
    Alert,
    AlertRule,
    AuditLog,
    CalendarDay,
    Case,
    OutboxEvent,
    Point,
    Unit,
    User,
)
from core.org.accounts import create_user
from core.org.devices import create_pairing_code, pair_device
from core.ratings.privacy import consent_text
from core.ratings.responses import record_response
from core.timeutil import LOCAL_TZ, local_today, utcnow
from tests.conftest import committing, csrf_token
from tests.test_admin_support import login_as, token_from

PHONE = "0905 777 888"
CONTACT_NAME = "Nguyễn Thị Lan"
CONTACT_EMAIL = "lan.nguyen@example.vn"


# --- Helpers (also used by test_admin_access's route matrix) ---------------------------------


def make_case(app, unit: str = "H-HOIAN", *, days_ago: float = 1, moves=(), **extra) -> int:
    """A case recorded by the command line, moved through `moves`; its id."""
    with committing(app):
        spec = ManualCase(
            unit_code=unit,
            content=extra.pop("content", f"Phản ánh thử của {unit}"),
            channel=extra.pop("channel", "paper"),
            received_on=utcnow() - timedelta(days=days_ago),
            **extra,
        )
        case = record_manual(Actor.cli(), spec)
        for move in moves:
            transition(Actor.cli(), case, move)
        return case.id


def trip_alert(app, point_code: str) -> int:
    """Ten low answers within the hour at a point: the default rule (30 % of 10 in 2 h) opens an alert."""
    with committing(app):
        point = db.session.scalar(sa.select(Point).where(Point.code == point_code))
        for minutes in range(10):
            record_response(
                response_id=uuid.uuid4(),
                point=point,
                channel="qr",
                answers={"overall": 1},
                answered_at=(utcnow() - timedelta(minutes=50 - 5 * minutes)).isoformat(),
            )
        return db.session.scalar(
            sa.select(Alert.id).where(Alert.point_id == point.id, Alert.status == "open").order_by(Alert.id.desc())
        )


def _case(app, case_id: int) -> dict:
    with app.app_context():
        case = db.session.get(Case, case_id)
        return {
            "status": case.status,
            "assignee": case.assignee,
            "answer": case.answer,
            "contact_method": case.contact_method,
            "dismissed_reason": case.dismissed_reason,
            "events": len(case.events),
            "due": case.due,
            "content": case.content,
            "contact_consent_text": case.contact_consent_text,
            "contact_phone": case.contact_phone,
        }


def _audit_ids(app) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(sa.select(AuditLog.id)))


def _new_audits(app, before: set[int]) -> list[AuditLog]:
    with app.app_context():
        rows = db.session.scalars(sa.select(AuditLog).where(AuditLog.id.not_in(before)).order_by(AuditLog.id)).all()
        for row in rows:
            _ = row.user
        return list(rows)


def _rows(page_html: str) -> list[tuple[int, bool]]:
    """(case id, marked overdue) for each row of the case list, in order."""
    return [
        (int(case_id), bool(overdue))
        for case_id, overdue in re.findall(r'<tr data-case="(\d+)"( class="overdue")?>', page_html)
    ]


def _row_html(page_html: str, case_id: int) -> str:
    return re.search(rf'<tr data-case="{case_id}".*?</tr>', page_html, re.S).group(0)


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _move(client, case_id: int, **fields):
    token = token_from(client, f"/admin/cases/{case_id}")
    return client.post(f"/admin/cases/{case_id}/move", data={**fields, "csrf_token": token})


# --- A citizen's low answer, end to end ------------------------------------------------------


def test_a_low_answer_with_a_comment_becomes_a_case_answered_on_time_through_the_pages(demo):
    citizen = demo.test_client()
    with demo.app_context():
        token = db.session.scalar(sa.select(Point.public_token).where(Point.code == "H-HOIAN-P1"))
    page = citizen.get(f"/s/{token}").get_data(as_text=True)
    form = {
        "csrf_token": csrf_token(page),
        "response_id": re.search(r'name="response_id" value="([^"]+)"', page).group(1),
        "survey": re.search(r'name="survey" value="(\d+)"', page).group(1),
    }
    sent = citizen.post(f"/s/{token}", data={**form, "q_overall": "1", "comment": "Chờ gần hai giờ 4d2f."})
    assert sent.status_code == 302

    with demo.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.content == "Chờ gần hai giờ 4d2f."))
        case_id, source = case.id, case.source
    assert source == "qr"

    manager = demo.test_client()
    login_as(manager, "unit_manager")
    listed = manager.get("/admin/cases").get_data(as_text=True)
    assert case_id in [row for row, _late in _rows(listed)]
    assert "Mã QR" in _row_html(listed, case_id) and "Mới" in _row_html(listed, case_id)
    detail = _text(manager.get(f"/admin/cases/{case_id}"))
    assert "Chờ gần hai giờ 4d2f." in detail and 'class="move move-answered"' in detail

    answered = _move(
        manager, case_id, status="answered", answer="Đã xin lỗi và bố trí thêm cán bộ.", contact_method="in_person"
    )
    assert answered.status_code == 302 and answered.location.endswith(f"/admin/cases/{case_id}")
    shown = _text(manager.get(answered.location))
    assert f"Phản ánh #{case_id}: Mới → Đã trả lời." in shown
    assert "Đúng hạn" in shown and "Trực tiếp" in shown and "hoian" in shown

    with demo.app_context():
        today = local_today()
        row = next(r for r in case_report(today - timedelta(days=1), today, None) if r.unit == "H-HOIAN")
        assert (row.received, row.answered_on_time, row.answered_late, row.open) == (1, 1, 0, 0)
        assert row.on_time_rate == 100.0


# --- The list: overdue first and marked, filters ---------------------------------------------


def test_overdue_cases_stand_out_and_the_filters_work(demo):
    late = make_case(demo, "H-HOIAN", days_ago=30, content="Đơn chưa trả lời")
    fresh = make_case(demo, "H-HOIAN", days_ago=1)
    answered = make_case(demo, "H-TAMKY", days_ago=2, moves=[Move("answered", answer="Đã trả lời.")])
    client = demo.test_client()
    login_as(client, "province_admin")

    page = client.get("/admin/cases").get_data(as_text=True)
    rows = _rows(page)
    assert rows[0] == (late, True), "the overdue case comes first, marked"
    assert (fresh, False) in rows and (answered, False) in rows
    assert "Quá hạn" in _row_html(page, late) and "Quá hạn" not in _row_html(page, fresh)
    assert "Ghi nhận phản ánh" in page  # the link for managers

    def ids(query: str) -> set[int]:
        response = client.get(f"/admin/cases?{query}")
        assert response.status_code == 200, query
        return {row for row, _late in _rows(response.get_data(as_text=True))}

    assert ids("status=answered") == {answered}
    assert ids("overdue=yes") == {late}
    assert ids("overdue=no") == {fresh, answered}
    assert ids("unit=H-TAMKY") == {answered}
    assert ids("unit=H-HOIAN&overdue=no&status=new") == {fresh}
    assert client.get("/admin/cases?status=bogus").status_code == 422
    assert client.get("/admin/cases?unit=NOPE").status_code == 404

    manager = demo.test_client()
    login_as(manager, "unit_manager")
    assert {row for row, _ in _rows(manager.get("/admin/cases").get_data(as_text=True))} == {late, fresh}
    assert manager.get("/admin/cases?unit=H-TAMKY").status_code == 404


def test_the_list_pages_by_fifty(demo):
    with committing(demo):
        for n in range(51):
            record_manual(
                Actor.cli(),
                ManualCase(unit_code="H-HOIAN", content=f"Phản ánh {n}", channel="phone", received_on=utcnow()),
            )
    client = demo.test_client()
    login_as(client, "unit_manager")
    first = client.get("/admin/cases").get_data(as_text=True)
    second = client.get("/admin/cases?page=2").get_data(as_text=True)
    assert len(_rows(first)) == 50 and len(_rows(second)) == 1
    assert "Trang 1 / 2" in first and "page=2" in first
    assert client.get("/admin/cases?page=abc").status_code == 422


# --- The state machine through the pages -----------------------------------------------------

# How to reach each status from a new case, and what a move to each status needs.
PATHS = {
    "new": [],
    "assigned": [Move("assigned", assignee="Lê Thị Hoa")],
    "answered": [Move("answered", answer="Đã trả lời.")],
    "closed": [Move("answered", answer="Đã trả lời."), Move("closed")],
    "reopened": [Move("answered", answer="Đã trả lời."), Move("reopened")],
}
FIELDS = {
    "assigned": {"assignee": "Trần Văn Nam"},
    "answered": {"answer": "Đã gọi điện trả lời người dân.", "contact_method": "phone"},
    "closed": {},
    "dismissed": {"reason": "Thư rác"},
    "reopened": {},
}
ALLOWED_MOVES = [(source, target) for target, sources in TRANSITIONS.items() for source in sorted(sources)]


@pytest.mark.parametrize(("source", "target"), ALLOWED_MOVES, ids=[f"{s}->{t}" for s, t in ALLOWED_MOVES])
def test_every_allowed_move_through_the_detail_page(demo, source, target):
    case_id = make_case(demo, moves=PATHS[source])
    client = demo.test_client()
    login_as(client, "unit_manager")
    page = client.get(f"/admin/cases/{case_id}").get_data(as_text=True)
    offered = set(re.findall(r'class="move move-(\w+)"', page))
    assert offered == {t for t, sources in TRANSITIONS.items() if source in sources}
    before = _case(demo, case_id)
    audits = _audit_ids(demo)

    response = _move(client, case_id, status=target, **FIELDS[target])
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    after = _case(demo, case_id)
    assert after["status"] == target and after["events"] == before["events"] + 1
    [row] = _new_audits(demo, audits)
    assert (row.action, row.target, row.user.username) == (f"case.{target}", f"case {case_id}", "hoian")
    if target == "assigned":
        assert after["assignee"] == "Trần Văn Nam"
    if target == "answered":
        assert (after["answer"], after["contact_method"]) == ("Đã gọi điện trả lời người dân.", "phone")
    if target == "dismissed":
        assert after["dismissed_reason"] == "Thư rác"


REFUSED = [("new", "closed"), ("new", "reopened"), ("closed", "answered"), ("answered", "dismissed")]


@pytest.mark.parametrize(("source", "target"), REFUSED, ids=[f"{s}->{t}" for s, t in REFUSED])
def test_a_move_the_state_machine_refuses_is_409_and_changes_nothing(demo, source, target):
    case_id = make_case(demo, moves=PATHS[source])
    client = demo.test_client()
    login_as(client, "unit_manager")
    before, audits = _case(demo, case_id), _audit_ids(demo)
    response = _move(client, case_id, status=target, **FIELDS[target])
    page = _text(response)
    assert response.status_code == 409
    assert "không thể" in page and f"Phản ánh #{case_id}" in page and "<h1>" in page
    assert _case(demo, case_id) == before
    assert _audit_ids(demo) == audits


MISSING = [
    ("assigned", {"assignee": ""}, "Nhập tên người được phân công xử lý."),
    ("answered", {"answer": "  "}, "Nhập nội dung đã trả lời người dân."),
    ("dismissed", {"reason": ""}, "Nêu lý do loại phản ánh."),
    ("answered", {"answer": "x" * 5001}, "Tối đa 5000 ký tự."),
    ("answered", {"answer": "Đã trả lời.", "contact_method": "pigeon"}, "Chọn một giá trị trong danh sách."),
    ("new", {}, "Trạng thái không hợp lệ."),
]


@pytest.mark.parametrize(("target", "fields", "message"), MISSING, ids=[m[2][:30] for m in MISSING])
def test_a_move_missing_what_it_needs_is_422_and_changes_nothing(demo, target, fields, message):
    case_id = make_case(demo)
    client = demo.test_client()
    login_as(client, "unit_manager")
    before, audits = _case(demo, case_id), _audit_ids(demo)
    response = _move(client, case_id, status=target, **fields)
    page = _text(response)
    assert response.status_code == 422
    assert message in page and 'class="field-error"' in page
    assert _case(demo, case_id) == before
    assert _audit_ids(demo) == audits


# --- Who sees what ---------------------------------------------------------------------------


def test_another_units_case_and_alert_do_not_exist_for_a_unit_manager(demo):
    other_case = make_case(demo, "H-TAMKY")
    other_alert = trip_alert(demo, "H-TAMKY-P1")
    client = demo.test_client()
    login_as(client, "unit_manager")
    token = token_from(client, "/admin/cases")
    assert client.get(f"/admin/cases/{other_case}").status_code == 404
    moved = client.post(
        f"/admin/cases/{other_case}/move", data={"status": "assigned", "assignee": "X", "csrf_token": token}
    )
    assert moved.status_code == 404
    acked = client.post(f"/admin/alerts/{other_alert}/ack", data={"note": "Đã xem", "csrf_token": token})
    assert acked.status_code == 404
    assert f'data-alert="{other_alert}"' not in client.get("/admin/alerts").get_data(as_text=True)
    assert _case(demo, other_case)["status"] == "new"
    with demo.app_context():
        assert db.session.get(Alert, other_alert).status == "open"
    assert client.get("/admin/cases/999999").status_code == 404


def test_a_viewer_sees_cases_without_contact_details_and_may_not_move_them(demo):
    case_id = make_case(
        demo,
        "H-HOIAN",
        contact_name=CONTACT_NAME,
        contact_phone=PHONE,
        contact_email=CONTACT_EMAIL,
        consent_text="Tôi đồng ý (văn bản thử)",
    )
    viewer = demo.test_client()
    login_as(viewer, "viewer")
    page = _text(viewer.get(f"/admin/cases/{case_id}"))
    assert "Phản ánh thử của H-HOIAN" in page
    for secret in (PHONE, "0905", CONTACT_NAME, CONTACT_EMAIL, "Tôi đồng ý (văn bản thử)"):
        assert secret not in page
    assert 'class="move' not in page and "Ghi nhận phản ánh" not in viewer.get("/admin/cases").get_data(as_text=True)
    token = token_from(viewer, "/admin/cases")
    moved = viewer.post(
        f"/admin/cases/{case_id}/move", data={"status": "assigned", "assignee": "X", "csrf_token": token}
    )
    assert moved.status_code == 403
    assert viewer.get("/admin/cases/new").status_code == 403
    assert _case(demo, case_id)["status"] == "new"

    for role in ("unit_manager", "province_admin"):
        manager = demo.test_client()
        login_as(manager, role)
        shown = _text(manager.get(f"/admin/cases/{case_id}"))
        assert PHONE in shown and CONTACT_NAME in shown and CONTACT_EMAIL in shown, role


# --- Feedback recorded by staff --------------------------------------------------------------


def _local(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def _manual_form(**fields) -> dict:
    received = datetime.combine(local_today() - timedelta(days=20), time(9, 30), tzinfo=LOCAL_TZ)
    return {
        "unit": "H-HOIAN",
        "point": "H-HOIAN-P1",
        "channel": "phone",
        "kind": "feedback",
        "received_on": _local(received),
        "content": "Đề nghị\x00 hướng dẫn lại thủ tục",
        "contact_name": "",
        "contact_phone": "",
        "contact_email": "",
        **fields,
    }


def _cases_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Case))


def test_feedback_recorded_by_staff_gets_its_deadline_and_the_consent_shown(demo):
    client = demo.test_client()
    login_as(client, "unit_manager")
    page = _text(client.get("/admin/cases/new"))
    with demo.test_request_context():
        shown_consent = consent_text()
    assert shown_consent in page
    token = csrf_token(page)
    form = _manual_form(contact_name=CONTACT_NAME, contact_phone=PHONE, consent="y")
    response = client.post("/admin/cases/new", data={**form, "csrf_token": token})
    assert response.status_code == 302, _text(response)[:600]
    case_id = int(response.location.rsplit("/", 1)[1])
    stored = _case(demo, case_id)
    received = datetime.fromisoformat(form["received_on"]).replace(tzinfo=LOCAL_TZ)
    with demo.app_context():
        assert stored["due"] == due_date("feedback", received)
        case = db.session.get(Case, case_id)
        assert (case.source, case.channel, case.point.code, case.unit.code) == (
            "manual",
            "phone",
            "H-HOIAN-P1",
            "H-HOIAN",
        )
        assert case.received_at == received
    assert stored["content"] == "Đề nghị hướng dẫn lại thủ tục", "the NUL is dropped"
    assert stored["contact_consent_text"] == shown_consent and stored["contact_phone"] == PHONE
    detail = _text(client.get(response.location))
    assert "Đã ghi nhận phản ánh" in detail and "Điện thoại" in detail and "Cán bộ ghi nhận" in detail


BAD_MANUAL = [
    ({"contact_phone": PHONE}, "cần người dân đồng ý"),
    ({"contact_email": CONTACT_EMAIL}, "cần người dân đồng ý"),
    ({"contact_email": "không-phải-thư", "consent": "y"}, "Địa chỉ thư điện tử không hợp lệ."),
    ({"content": " \x00 "}, "Vui lòng điền mục này."),
    ({"point": "H-TAMKY-P1"}, "Chọn một điểm tiếp nhận của đơn vị đã chọn"),
    ({"channel": "fax"}, "Chọn một giá trị trong danh sách."),
    ({"received_on": "2026-02-30T10:00"}, "Ngày giờ không hợp lệ"),
    ({"received_on": ""}, "Vui lòng điền mục này."),
    ({"received_on": _local(utcnow() + timedelta(days=2))}, "không được ở tương lai"),
]


@pytest.mark.parametrize(("bad", "message"), BAD_MANUAL, ids=[str(i) for i in range(len(BAD_MANUAL))])
def test_feedback_recorded_by_staff_refuses_bad_input_with_422(demo, bad, message):
    client = demo.test_client()
    login_as(client, "unit_manager")
    token = token_from(client, "/admin/cases/new")
    before, audits = _cases_count(demo), _audit_ids(demo)
    response = client.post("/admin/cases/new", data={**_manual_form(**bad), "csrf_token": token})
    page = _text(response)
    assert response.status_code == 422
    assert message in page and 'class="field-error"' in page
    assert _cases_count(demo) == before and _audit_ids(demo) == audits


def test_a_unit_manager_cannot_record_feedback_for_another_unit(demo):
    client = demo.test_client()
    login_as(client, "unit_manager")
    token = token_from(client, "/admin/cases/new")
    before = _cases_count(demo)
    response = client.post("/admin/cases/new", data={**_manual_form(unit="H-TAMKY", point=""), "csrf_token": token})
    assert response.status_code == 404
    assert _cases_count(demo) == before


# --- Alerts ----------------------------------------------------------------------------------


def test_an_alert_is_acknowledged_with_a_note_once(demo):
    alert_id = trip_alert(demo, "H-HOIAN-P1")
    client = demo.test_client()
    login_as(client, "unit_manager")
    page = _text(client.get("/admin/alerts"))
    row = re.search(rf'<tr data-alert="{alert_id}" class="alert-open">.*?</tr>', page, re.S).group(0)
    assert "10/10 câu trả lời thấp trong 120 phút" in row and "H-HOIAN-P1" in row
    token = csrf_token(page)
    audits = _audit_ids(demo)

    empty = client.post(f"/admin/alerts/{alert_id}/ack", data={"note": "  ", "csrf_token": token})
    assert empty.status_code == 422 and "Vui lòng điền mục này." in _text(empty)
    assert _audit_ids(demo) == audits

    done = client.post(f"/admin/alerts/{alert_id}/ack", data={"note": "Đã nhắc cán bộ quầy 1.", "csrf_token": token})
    assert done.status_code == 302
    [row] = _new_audits(demo, audits)
    assert (row.action, row.target, row.user.username) == ("alert.acknowledge", f"alert {alert_id}", "hoian")
    assert row.changes == {"note": "Đã nhắc cán bộ quầy 1."}
    with demo.app_context():
        alert = db.session.get(Alert, alert_id)
        assert (alert.status, alert.note, alert.acknowledged_by.username) == (
            "acknowledged",
            "Đã nhắc cán bộ quầy 1.",
            "hoian",
        )
    assert "Đã nhắc cán bộ quầy 1." in _text(client.get("/admin/alerts?status=acknowledged"))
    assert f'data-alert="{alert_id}"' not in client.get("/admin/alerts?status=open").get_data(as_text=True)

    audits = _audit_ids(demo)
    again = client.post(f"/admin/alerts/{alert_id}/ack", data={"note": "Lần nữa", "csrf_token": token})
    assert again.status_code == 409 and "đã được hoian xác nhận" in _text(again)
    assert _audit_ids(demo) == audits

    viewer = demo.test_client()
    login_as(viewer, "viewer")
    viewer_token = token_from(viewer, "/admin/alerts")
    forbidden = viewer.post(f"/admin/alerts/{alert_id}/ack", data={"note": "x", "csrf_token": viewer_token})
    assert forbidden.status_code == 403


def test_the_office_adds_and_switches_alert_rules_and_a_unit_manager_may_not(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    assert "Quy tắc cảnh báo" in client.get("/admin/alerts").get_data(as_text=True)
    token = token_from(client, "/admin/alerts")
    rule = {"kind": "low_share", "unit": "H-HOIAN", "point": "", "min_answers": "5", "share": "25,5"}
    audits = _audit_ids(demo)
    created = client.post("/admin/alert-rules/new", data={**rule, "window_minutes": "60", "csrf_token": token})
    assert created.status_code == 302
    [row] = _new_audits(demo, audits)
    assert row.action == "alert_rule.create" and row.changes["scope"] == "H-HOIAN"
    with demo.app_context():
        stored = db.session.scalar(sa.select(AlertRule).where(AlertRule.unit_id.is_not(None)))
        rule_id = stored.id
        assert (stored.kind, stored.min_answers, stored.share, stored.window_minutes) == ("low_share", 5, 25.5, 60)
        rules = db.session.scalar(sa.select(sa.func.count()).select_from(AlertRule))

    bad = [
        ({"point": "H-HOIAN-P1"}, "chỉ chọn một trong hai"),
        ({"share": "0"}, "Tỷ lệ phải lớn hơn 0 và không quá 100."),
        ({"share": "101"}, "Tỷ lệ phải lớn hơn 0 và không quá 100."),
        ({"share": "nan"}, "Nhập một số"),
        ({"window_minutes": "2"}, "Khoảng thời gian phải từ 5 đến 10080 phút."),
        ({"unit": "NOPE"}, "Không có đơn vị này."),
        ({"kind": "sms"}, "Chọn một giá trị trong danh sách."),
    ]
    for fields, message in bad:
        response = client.post(
            "/admin/alert-rules/new", data={**rule, "window_minutes": "60", **fields, "csrf_token": token}
        )
        assert response.status_code == 422 and message in _text(response), fields
    with demo.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AlertRule)) == rules

    switched = client.post(f"/admin/alert-rules/{rule_id}/active", data={"csrf_token": token})
    assert switched.status_code == 302
    with demo.app_context():
        assert db.session.get(AlertRule, rule_id).active is False
    assert client.post("/admin/alert-rules/999999/active", data={"csrf_token": token}).status_code == 404

    manager = demo.test_client()
    login_as(manager, "unit_manager")
    assert "Quy tắc cảnh báo" not in manager.get("/admin/alerts").get_data(as_text=True)
    manager_token = token_from(manager, "/admin/alerts")
    refused = manager.post("/admin/alert-rules/new", data={**rule, "window_minutes": "60", "csrf_token": manager_token})
    assert refused.status_code == 403
    assert manager.post(f"/admin/alert-rules/{rule_id}/active", data={"csrf_token": manager_token}).status_code == 403


# --- The calendar ----------------------------------------------------------------------------


def test_a_day_off_set_on_the_calendar_page_moves_the_deadline_of_new_cases(demo):
    received = datetime.combine(local_today() - timedelta(days=40), time(10, 0), tzinfo=LOCAL_TZ)
    with demo.app_context():
        before = due_date("feedback", received)
        first_working = add_working_days(received.date(), 1)
    client = demo.test_client()
    login_as(client, "province_admin")
    token = token_from(client, "/admin/calendar")
    saved = client.post(
        "/admin/calendar/days",
        data={"day": first_working.isoformat(), "working": "0", "name": "Nghỉ đột xuất", "csrf_token": token},
    )
    assert saved.status_code == 302
    page = _text(client.get(f"/admin/calendar?year={first_working.year}"))
    assert f'data-day="{first_working.isoformat()}"' in page and "Nghỉ đột xuất" in page

    form = _manual_form(received_on=_local(received), point="")
    recorded = client.post("/admin/cases/new", data={**form, "csrf_token": token})
    assert recorded.status_code == 302
    due = _case(demo, int(recorded.location.rsplit("/", 1)[1]))["due"]
    with demo.app_context():
        assert due == due_date("feedback", received) == add_working_days(before, 1) != before

    removed = client.post(f"/admin/calendar/days/{first_working.isoformat()}/remove", data={"csrf_token": token})
    assert removed.status_code == 302
    with demo.app_context():
        assert db.session.get(CalendarDay, first_working) is None
        assert due_date("feedback", received) == before
    assert client.post("/admin/calendar/days/2026-02-30/remove", data={"csrf_token": token}).status_code == 404


def test_a_calendar_file_with_a_bad_line_names_it_and_stores_nothing(demo):
    client = demo.test_client()
    login_as(client, "province_admin")
    token = token_from(client, "/admin/calendar")
    audits = _audit_ids(demo)

    def upload(text: str, name: str = "lich.csv"):
        data = {"file": (io.BytesIO(text.encode()), name), "csrf_token": token}
        return client.post("/admin/calendar/import", data=data, content_type="multipart/form-data")

    bad = upload("date,working,name\n2031-01-02,0,Nghỉ A\n2031-13-01,0,Sai tháng\n")
    assert bad.status_code == 422
    assert "line 3: date must be YYYY-MM-DD" in _text(bad) and "Không nhập được tệp lich.csv" in _text(bad)
    assert upload("x", "lich.txt").status_code == 422 and "Chỉ nhận tệp .csv." in _text(upload("x", "lich.txt"))
    with demo.app_context():
        assert db.session.scalar(sa.select(CalendarDay).where(CalendarDay.day >= datetime(2031, 1, 1).date())) is None
    assert _audit_ids(demo) == audits

    good = upload("date,working,name\n2031-01-02,0,Nghỉ A\n2031-01-04,1,Làm bù\n")
    assert good.status_code == 302
    page = _text(client.get("/admin/calendar?year=2031"))
    assert 'data-day="2031-01-02"' in page and 'data-day="2031-01-04"' in page and "Thứ Bảy" in page

    manager = demo.test_client()
    login_as(manager, "unit_manager")
    assert manager.get("/admin/calendar").status_code == 403


# --- Monitoring and reminders ----------------------------------------------------------------


def _monitoring_world(app) -> None:
    """A tablet silent for days, points without answers, an overdue case, a unit under its target."""
    app.config["MIN_SAMPLE"] = 5
    with committing(app):
        cli = Actor.cli()
        point = db.session.scalar(sa.select(Point).where(Point.code == "H-HOIAN-P1"))
        device = pair_device(create_pairing_code(cli, point), "Máy quầy Hội An").device
        device.last_seen_at = utcnow() - timedelta(days=3)
        for code, scores in (("H-TAMKY-P1", (5, 5, 5, 5, 5)), ("H-DIENBAN-P1", (1, 2, 2, 5, 5))):
            target = db.session.scalar(sa.select(Point).where(Point.code == code))
            for score in scores:
                record_response(response_id=uuid.uuid4(), point=target, channel="qr", answers={"overall": score})
    make_case(app, "H-NUITHANH", days_ago=20)


def _section(page: str, heading_id: str) -> str:
    return re.search(rf'<section class="monitor" aria-labelledby="{heading_id}">.*?</section>', page, re.S).group(0)


def test_the_monitoring_page_shows_each_finding_and_prints_on_a4(demo):
    _monitoring_world(demo)
    client = demo.test_client()
    login_as(client, "province_admin")
    page = _text(client.get("/admin/monitoring"))
    assert f"Tình hình ngày {local_today().strftime('%d/%m/%Y')}" in page
    devices = _section(page, "m-devices")
    assert "Máy quầy Hội An" in devices and "H-HOIAN-P1" in devices
    silent = _section(page, "m-silent")
    assert 'data-point="H-HOIAN-P2"' in silent and 'data-point="H-TAMKY-P1"' not in silent
    overdue = _section(page, "m-overdue")
    assert 'data-unit="H-NUITHANH"' in overdue and "/admin/cases?unit=H-NUITHANH&overdue=yes" in overdue
    under = _section(page, "m-under")
    assert 'data-unit="H-DIENBAN"' in under and "Chỉ số hài lòng dưới chỉ tiêu" in under
    assert 'data-unit="H-TAMKY"' not in under
    assert 'data-unit="H-NUITHANH"' in under and "Tỷ lệ trả lời đúng hạn dưới chỉ tiêu" in under
    remind = _section(page, "m-remind")
    nuithanh = re.search(r'<tr data-remind="H-NUITHANH">.*?</tr>', remind, re.S).group(0)
    assert 'value="overdue_cases" checked' in nuithanh and 'value="low_on_time_rate" checked' in nuithanh
    assert 'value="offline_kiosks"' not in nuithanh
    assert 'value="offline_kiosks" checked' in re.search(r'<tr data-remind="H-HOIAN">.*?</tr>', remind, re.S).group(0)

    response = client.get("/static/admin/admin.css")
    css = response.get_data(as_text=True)
    response.close()
    printed = css[css.rindex("@media print") :]
    assert "@page { size: A4; margin: 15mm; }" in printed and "form" in printed and "nav" in printed


def test_a_reminder_writes_one_outbox_event_and_one_audit_row(demo):
    _monitoring_world(demo)
    client = demo.test_client()
    login_as(client, "province_admin")
    token = token_from(client, "/admin/monitoring")
    audits = _audit_ids(demo)
    with demo.app_context():
        events = set(db.session.scalars(sa.select(OutboxEvent.id)))

    for bad, message in (({}, "Chọn ít nhất một lý do nhắc nhở."), ({"reasons": "weather"}, "Chọn một giá trị")):
        refused = client.post("/admin/monitoring/remind/H-NUITHANH", data={**bad, "csrf_token": token})
        assert refused.status_code == 422 and message in _text(refused)
    assert _audit_ids(demo) == audits

    sent = client.post(
        "/admin/monitoring/remind/H-NUITHANH",
        data={
            "reasons": ["overdue_cases", "low_on_time_rate"],
            "note": "Đề nghị trả lời trước thứ Sáu.",
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    assert sent.status_code == 200 and "Đã gửi lời nhắc tới Thanh tra huyện Núi Thành." in _text(sent)
    with demo.app_context():
        new = db.session.scalars(sa.select(OutboxEvent).where(OutboxEvent.id.not_in(events))).all()
        assert len(new) == 1
        [event] = new
        assert event.type == "reminder.sent" and event.unit_id == db.session.scalar(
            sa.select(Unit.id).where(Unit.code == "H-NUITHANH")
        )
        assert event.payload["reminder"]["reasons"] == ["low_on_time_rate", "overdue_cases"]
        assert event.payload["reminder"]["note"] == "Đề nghị trả lời trước thứ Sáu."
    [row] = _new_audits(demo, audits)
    assert (row.action, row.target, row.user.username) == ("unit.remind", "H-NUITHANH", "admin")
    assert (
        client.post("/admin/monitoring/remind/NOPE", data={"reasons": "overdue_cases", "csrf_token": token}).status_code
        == 404
    )

    manager = demo.test_client()
    login_as(manager, "unit_manager")
    assert manager.get("/admin/monitoring").status_code == 403
    manager_token = token_from(manager, "/admin/cases")
    refused = manager.post(
        "/admin/monitoring/remind/H-HOIAN", data={"reasons": "overdue_cases", "csrf_token": manager_token}
    )
    assert refused.status_code == 403


# --- Accounts' e-mail ------------------------------------------------------------------------


def _email(app, username: str) -> str | None:
    with app.app_context():
        return db.session.scalar(sa.select(User.email).where(User.username == username))


def test_e_mail_addresses_are_set_shown_and_checked(demo):
    with committing(demo):
        cli = Actor.cli()
        viewer = create_user(cli, "xem-hoian", "viewer", "viewer-pass-1", "H-HOIAN")
        fellow = create_user(cli, "hoian-2", "unit_manager", "manager-pass-1", "H-HOIAN")
        admin_id = db.session.scalar(sa.select(User.id).where(User.username == "admin"))
        ids = {"viewer": viewer.id, "fellow": fellow.id, "admin": admin_id}
    client = demo.test_client()
    login_as(client, "unit_manager")
    token = token_from(client, "/admin/users")

    created = client.post(
        "/admin/users/new",
        data={
            "username": "xem-moi",
            "role": "viewer",
            "unit": "H-HOIAN",
            "email": "xem.moi@example.vn",
            "csrf_token": token,
        },
    )
    assert created.status_code == 200 and _email(demo, "xem-moi") == "xem.moi@example.vn"
    bad_new = client.post(
        "/admin/users/new",
        data={"username": "xem-sai", "role": "viewer", "unit": "H-HOIAN", "email": "sai@", "csrf_token": token},
    )
    assert bad_new.status_code == 422 and "Địa chỉ thư điện tử không hợp lệ." in _text(bad_new)

    set_viewer = client.post(
        f"/admin/users/{ids['viewer']}/email", data={"email": "xem@example.vn", "csrf_token": token}
    )
    assert set_viewer.status_code == 302 and _email(demo, "xem-hoian") == "xem@example.vn"
    assert 'value="xem@example.vn"' in client.get("/admin/users").get_data(as_text=True)
    audits = _audit_ids(demo)
    invalid = client.post(f"/admin/users/{ids['viewer']}/email", data={"email": "không hợp lệ", "csrf_token": token})
    assert invalid.status_code == 422 and "Địa chỉ thư điện tử không hợp lệ." in _text(invalid)
    assert _email(demo, "xem-hoian") == "xem@example.vn" and _audit_ids(demo) == audits

    # The manager changes its own address on the users page too; not a fellow manager's, nor the office's.
    with demo.app_context():
        own_id = db.session.scalar(sa.select(User.id).where(User.username == "hoian"))
    assert (
        client.post(f"/admin/users/{own_id}/email", data={"email": "hoian@example.vn", "csrf_token": token}).status_code
        == 302
    )
    assert _email(demo, "hoian") == "hoian@example.vn"
    fellow_response = client.post(f"/admin/users/{ids['fellow']}/email", data={"email": "a@b.vn", "csrf_token": token})
    assert fellow_response.status_code == 403
    admin_response = client.post(f"/admin/users/{ids['admin']}/email", data={"email": "a@b.vn", "csrf_token": token})
    assert admin_response.status_code == 404

    viewer_client = demo.test_client()
    login_as(viewer_client, "viewer")
    page = viewer_client.get("/admin/password").get_data(as_text=True)
    assert 'action="/admin/account/email"' in page
    viewer_token = csrf_token(page)
    mine = viewer_client.post("/admin/account/email", data={"email": "xem.ttt@example.vn", "csrf_token": viewer_token})
    assert mine.status_code == 302 and _email(demo, "xem") == "xem.ttt@example.vn"
    assert 'value="xem.ttt@example.vn"' in viewer_client.get("/admin/password").get_data(as_text=True)
    wrong = viewer_client.post("/admin/account/email", data={"email": "@@", "csrf_token": viewer_token})
    assert wrong.status_code == 422 and "Địa chỉ thư điện tử không hợp lệ." in _text(wrong)
    assert _email(demo, "xem") == "xem.ttt@example.vn"
    cleared = viewer_client.post("/admin/account/email", data={"email": "", "csrf_token": viewer_token})
    assert cleared.status_code == 302 and _email(demo, "xem") is None
