"""The cases and alerts API (contract in ARCHITECTURE.md): scoped lists, the state machine over
PATCH (200, 409, 422, 404), the per-unit on-time report worked out by hand, alerts and their
acknowledgement, and who may change what."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from core.audit import Actor
from core.extensions import db
from core.models import Alert, Case, Point, User
from core.org.accounts import create_api_token
from core.ratings.responses import record_response
from core.timeutil import LOCAL_TZ, local_today, utcnow
from tests.conftest import committing, csrf_token

CASE_KEYS = {"id", "unit", "point", "source", "status", "received_at", "due", "overdue", "answered_at", "on_time"}


def rate(point_code: str, overall: int, comment: str | None = None, minutes_ago: float = 5, channel="qr"):
    point = db.session.scalar(sa.select(Point).where(Point.code == point_code))
    return record_response(
        response_id=uuid.uuid4(),
        point=point,
        channel=channel,
        answers={"overall": overall},
        comment=comment,
        answered_at=(utcnow() - timedelta(minutes=minutes_ago)).isoformat(),
    )


@pytest.fixture
def site(demo):
    """Two cases at Hội An (one overdue), one at Tam Kỳ, an open alert at Tam Kỳ; a token per account."""
    with committing(demo):
        rate("H-HOIAN-P1", 1, "Phải chờ quá lâu", channel="kiosk")
        rate("H-HOIAN-P2", 2, "Hướng dẫn chưa rõ")
        rate("H-TAMKY-P1", 1, "Thái độ chưa tốt")
        for minutes, overall in enumerate((1, 2, 5, 5, 5, 5, 5, 5, 5)):
            rate("H-TAMKY-P1", overall, minutes_ago=30 + minutes)
        overdue = db.session.scalar(sa.select(Case).join(Point).where(Point.code == "H-HOIAN-P2"))
        overdue.due = local_today() - timedelta(days=2)
        demo.tokens = {
            name: create_api_token(Actor.cli(), db.session.scalar(sa.select(User).where(User.username == name)))[1]
            for name in ("admin", "hoian", "xem")
        }
    return demo


def call(client, method: str, path: str, token: str, **kwargs):
    return client.open(path, method=method, headers={"Authorization": f"Bearer {token}"}, **kwargs)


def ids_of(site, point_code: str) -> list[int]:
    with site.app_context():
        return list(db.session.scalars(sa.select(Case.id).join(Point).where(Point.code == point_code)))


def test_the_list_follows_the_contract_and_the_callers_scope(site, client):
    everything = call(client, "GET", "/api/v1/cases", site.tokens["admin"]).get_json()
    assert len(everything) == 3 and all(set(case) == CASE_KEYS for case in everything)
    assert everything[0]["overdue"] is True  # overdue first
    mine = call(client, "GET", "/api/v1/cases", site.tokens["hoian"])
    assert mine.headers["X-Total-Count"] == "2"
    rows = mine.get_json()
    assert {(c["unit"], c["point"], c["source"], c["status"]) for c in rows} == {
        ("H-HOIAN", "H-HOIAN-P1", "kiosk", "new"),
        ("H-HOIAN", "H-HOIAN-P2", "qr", "new"),
    }
    first = rows[0]
    assert first["due"] == (local_today() - timedelta(days=2)).isoformat() and first["on_time"] is None
    assert first["answered_at"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?overdue=true", {"H-HOIAN-P2"}),
        ("?overdue=false", {"H-HOIAN-P1", "H-TAMKY-P1"}),
        ("?unit=H-TAMKY", {"H-TAMKY-P1"}),
        ("?unit=TTT&status=new", {"H-HOIAN-P1", "H-HOIAN-P2", "H-TAMKY-P1"}),
        ("?status=answered", set()),
    ],
)
def test_filters(site, client, query, expected):
    rows = call(client, "GET", f"/api/v1/cases{query}", site.tokens["admin"]).get_json()
    assert {row["point"] for row in rows} == expected


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [("?status=lost", 422, "status"), ("?overdue=maybe", 422, "overdue"), ("?unit=NOWHERE", 404, "unit")],
)
def test_bad_filters_are_json_errors_naming_the_field(site, client, query, status, field):
    response = call(client, "GET", f"/api/v1/cases{query}", site.tokens["admin"])
    assert response.status_code == status and field in response.get_json()["error"]["fields"]


def test_another_units_filter_and_case_are_404(site, client):
    token = site.tokens["hoian"]
    assert call(client, "GET", "/api/v1/cases?unit=H-TAMKY", token).status_code == 404
    [tam_ky] = ids_of(site, "H-TAMKY-P1")
    response = call(client, "PATCH", f"/api/v1/cases/{tam_ky}", token, json={"status": "assigned", "assignee": "x"})
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_patch_walks_the_state_machine(site, client):
    token = site.tokens["hoian"]
    [case_id] = ids_of(site, "H-HOIAN-P1")
    path = f"/api/v1/cases/{case_id}"

    def patch(body):
        return call(client, "PATCH", path, token, json=body)

    refused = patch({"status": "closed"})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["fields"] == {"status": "new -> closed is not allowed"}
    assert patch({"status": "answered"}).get_json()["error"]["fields"] == {"answer": "required for this status"}
    assert patch({"status": "lost"}).status_code == 422
    assert patch({"status": "answered", "answer": "x", "contact_method": "pigeon"}).status_code == 422
    assert patch({"status": "assigned", "assignee": "Lê Thị Hoa"}).status_code == 200
    answered = patch({"status": "answered", "answer": "Đã gọi điện xin lỗi", "contact_method": "phone"})
    assert answered.status_code == 200
    body = answered.get_json()
    assert (body["status"], body["on_time"], body["overdue"]) == ("answered", True, False)
    assert body["answered_at"] is not None
    assert patch({"status": "closed"}).get_json()["status"] == "closed"
    assert patch({"status": "reopened"}).get_json()["on_time"] is None
    assert patch({"status": "dismissed", "reason": "Trùng lặp"}).get_json()["status"] == "dismissed"
    assert patch({"status": "reopened"}).status_code == 409
    with site.app_context():
        case = db.session.get(Case, case_id)
        steps = [(e.from_status, e.to_status) for e in case.events]
    assert steps == [
        (None, "new"),
        ("new", "assigned"),
        ("assigned", "answered"),
        ("answered", "closed"),
        ("closed", "reopened"),
        ("reopened", "dismissed"),
    ]


def test_a_viewer_reads_but_may_not_change(site, client):
    [case_id] = ids_of(site, "H-HOIAN-P1")
    assert len(call(client, "GET", "/api/v1/cases", site.tokens["xem"]).get_json()) == 3
    response = call(client, "PATCH", f"/api/v1/cases/{case_id}", site.tokens["xem"], json={"status": "dismissed"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


def test_a_session_needs_its_csrf_token_a_bearer_token_does_not(site, client, auth):
    [case_id] = ids_of(site, "H-HOIAN-P1")
    auth.login("hoian", "demo-hoian-2026")
    body = {"status": "assigned", "assignee": "Lê Thị Hoa"}
    assert client.patch(f"/api/v1/cases/{case_id}", json=body).status_code == 400
    token = csrf_token(client.get("/admin/password").get_data(as_text=True))
    assert client.patch(f"/api/v1/cases/{case_id}", json=body, headers={"X-CSRFToken": token}).status_code == 200
    wrong_type = call(client, "PATCH", f"/api/v1/cases/{case_id}", site.tokens["hoian"], data="{}")
    assert wrong_type.status_code == 415


def test_the_case_report_by_hand(site, client):
    token = site.tokens["admin"]
    [answered] = ids_of(site, "H-HOIAN-P1")
    call(client, "PATCH", f"/api/v1/cases/{answered}", token, json={"status": "answered", "answer": "Đã trả lời"})
    [tam_ky] = ids_of(site, "H-TAMKY-P1")
    call(client, "PATCH", f"/api/v1/cases/{tam_ky}", token, json={"status": "dismissed", "reason": "spam"})
    today = local_today().isoformat()
    path = f"/api/v1/reports/cases?from={today}&to={today}"
    rows = {r["unit"]: r for r in call(client, "GET", path, token).get_json()}
    assert rows["H-HOIAN"] == {
        "unit": "H-HOIAN",
        "received": 2,
        "answered_on_time": 1,
        "answered_late": 0,
        "open": 1,
        "overdue": 1,
        "dismissed": 0,
        "on_time_rate": 50.0,
    }
    assert rows["H-TAMKY"]["dismissed"] == 1 and rows["H-TAMKY"]["on_time_rate"] is None
    assert rows["TTT"]["received"] == 0 and rows["TTT"]["on_time_rate"] is None
    mine = call(client, "GET", path, site.tokens["hoian"]).get_json()
    assert [r["unit"] for r in mine] == ["H-HOIAN"]
    bad = call(client, "GET", "/api/v1/reports/cases?from=2026-13-01", token)
    assert bad.status_code == 422 and "from" in bad.get_json()["error"]["fields"]


def test_alerts_are_listed_scoped_and_acknowledged_once(site, client):
    admin, hoian = site.tokens["admin"], site.tokens["hoian"]
    [alert] = call(client, "GET", "/api/v1/alerts?status=open", admin).get_json()
    assert (alert["unit"], alert["point"], alert["status"]) == ("H-TAMKY", "H-TAMKY-P1", "open")
    assert alert["kind"] == "low_share"
    assert alert["details"]["answers"] == 10 and alert["details"]["low"] == 3
    assert call(client, "GET", "/api/v1/alerts", hoian).get_json() == []
    path = f"/api/v1/alerts/{alert['id']}/ack"
    assert call(client, "POST", path, hoian, json={"note": "x"}).status_code == 404
    assert call(client, "POST", path, site.tokens["xem"], json={"note": "x"}).status_code == 403
    assert call(client, "POST", path, admin, json={"note": " "}).status_code == 422
    done = call(client, "POST", path, admin, json={"note": "Đã nhắc bộ phận một cửa"})
    assert done.status_code == 200
    assert (done.get_json()["status"], done.get_json()["acknowledged_by"]) == ("acknowledged", "admin")
    assert call(client, "POST", path, admin, json={"note": "lần hai"}).status_code == 409
    assert call(client, "GET", "/api/v1/alerts?status=open", admin).get_json() == []
    assert call(client, "GET", "/api/v1/alerts?status=closed", admin).status_code == 422
    with site.app_context():
        assert db.session.get(Alert, alert["id"]).note == "Đã nhắc bộ phận một cửa"


def test_the_due_date_is_the_tenth_working_day_after_the_local_day_of_receipt(site, client):
    from core.cases.calendar import add_working_days

    rows = call(client, "GET", "/api/v1/cases?overdue=false&unit=H-HOIAN", site.tokens["admin"]).get_json()
    [row] = rows
    received = date.fromisoformat(row["received_at"][:10])
    with site.app_context():
        from datetime import datetime

        local_day = datetime.fromisoformat(row["received_at"]).astimezone(LOCAL_TZ).date()
        assert row["due"] == add_working_days(local_day, 10).isoformat()
    assert received <= local_today()
