"""The role × route matrix, built from app.url_map: every admin route, as every role, for the
caller's own unit and for another unit. A new route that is not classified here fails the suite."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import url_for

from core.audit import Actor
from core.competition import inputs, reviews
from core.extensions import db
from core.models import AlertRule, ApiToken, CompetitionPeriod, Milestone, Survey, User
from core.org.accounts import create_api_token, create_user
from core.org.devices import create_pairing_code, pair_device
from core.org.periods import period_by_code
from core.org.units import unit_by_code
from core.reporting import jobs
from tests import factories as f
from tests.conftest import committing, csrf_token
from tests.test_admin_cases import make_case, trip_alert
from tests.test_admin_support import OTHER_POINT, OWN_POINT, login_as, point, seed

# endpoint -> (access level, what the URL points at)
ROUTES = {
    "admin.login": ("public", None),
    "admin.openapi": ("public", None),
    "admin.units": ("api", None),
    "admin.points": ("api", None),
    "admin.satisfaction": ("api", None),
    "admin.logout": ("read", None),
    "admin.change_password": ("read", None),
    "admin.index": ("read", "unit"),
    "admin.report": ("read", "unit"),
    "admin.chart": ("read", "unit"),
    "admin.export_xlsx": ("read", "unit"),
    "admin.export_raw_xlsx": ("read", "unit"),
    "admin.export_csv": ("read", "unit"),
    "admin.export_pdf": ("read", "unit"),
    "admin.export_docx": ("read", "unit"),
    # Background exports: starting one is scoped like the report; a job is its asker's alone
    "admin.start_export_xlsx": ("read", "unit"),
    "admin.start_export_raw_xlsx": ("read", "unit"),
    "admin.start_export_csv": ("read", "unit"),
    "admin.start_export_pdf": ("read", "unit"),
    "admin.start_export_docx": ("read", "unit"),
    "admin.export_jobs": ("read", None),
    "admin.export_job": ("read", "export_job"),
    "admin.export_job_status": ("read", "export_job"),
    "admin.export_job_file": ("read", "export_job"),
    "admin.tokens": ("read", None),
    "admin.token_new": ("read", None),
    "admin.token_revoke": ("read", "token"),
    "admin.point_list": ("manage", None),
    "admin.point_new": ("manage", None),
    "admin.point_rotate": ("manage", "point"),
    "admin.point_active": ("manage", "point"),
    "admin.point_poster": ("manage", "point"),
    "admin.unit_posters": ("manage", "unit_id"),
    "admin.point_visit_slips": ("manage", "point"),
    "admin.pairing_code": ("manage", "point"),
    "admin.devices": ("manage", None),
    "admin.device_rename": ("manage", "device"),
    "admin.device_revoke": ("manage", "device"),
    "admin.users": ("manage", None),
    "admin.user_new": ("manage", None),
    "admin.user_reset": ("manage", "user"),
    "admin.user_active": ("manage", "user"),
    "admin.unit_list": ("province", None),
    "admin.unit_edit": ("province", "unit_id"),
    "admin.point_rename": ("manage", "point"),
    "admin.import_file": ("province", None),
    "admin.groups": ("province", None),
    "admin.surveys": ("province", None),
    "admin.survey_edit": ("province", "survey"),
    "admin.survey_activate": ("province", "survey"),
    "admin.periods": ("province", None),
    "admin.milestone_add": ("province", "period"),
    "admin.milestone_delete": ("province", "milestone"),
    "admin.audit_log": ("province", None),
    # Cases, alerts, the calendar, monitoring, e-mail addresses
    "admin.case_list": ("read", None),
    "admin.case_detail": ("read", "case"),
    "admin.case_move": ("manage", "case"),
    "admin.case_new": ("manage", None),
    "admin.alert_list": ("read", None),
    "admin.alert_acknowledge": ("manage", "alert"),
    "admin.response_flag": ("province", "response"),
    "admin.alert_rule_new": ("province", None),
    "admin.alert_rule_active": ("province", "rule"),
    "admin.calendar": ("province", None),
    "admin.calendar_set": ("province", None),
    "admin.calendar_remove": ("province", None),
    "admin.calendar_import": ("province", None),
    "admin.monitoring": ("province", None),
    "admin.monitoring_remind": ("province", "unit"),
    "admin.user_email": ("manage", "user"),
    "admin.account_email": ("read", None),
    # The cases and alerts API (admin/api.py): reads for every account, changes for managers
    "admin.cases": ("api", None),
    "admin.case_figures": ("api", None),
    "admin.alerts": ("api", None),
    "admin.case_patch": ("api_manage", "api_case"),
    "admin.alert_ack": ("api_manage", "api_alert"),
    "admin.competition": ("api", None),
    # The competition: the sheet for every account, a unit's figures and evidence for its managers,
    # review, freezing, publication, decisions and settings for the office
    "admin.competition_periods": ("read", None),
    "admin.competition_sheet": ("read", "comp_period"),
    "admin.competition_export": ("read", "comp_period"),
    "admin.competition_unit": ("manage", "comp_unit"),
    "admin.competition_evidence_add": ("manage", "comp_unit"),
    "admin.evidence_file": ("read", "evidence"),
    "admin.competition_review": ("province", "comp_unit"),
    "admin.competition_adjustment_add": ("province", "comp_unit"),
    "admin.competition_adjustment_withdraw": ("province", "adjustment"),
    "admin.competition_decide": ("province", "comp_unit"),
    "admin.competition_settings": ("province", "comp_period"),
    "admin.competition_freeze": ("province", "comp_period"),
    "admin.competition_verify": ("province", "comp_period"),
    "admin.competition_publish": ("province", "comp_period"),
    "admin.competition_import": ("province", None),
    "admin.competition_live_index": ("province", None),
}
ALLOWED = {
    "read": {"province_admin", "unit_manager", "viewer"},
    "manage": {"province_admin", "unit_manager"},
    "province": {"province_admin"},
    "api": {"province_admin", "unit_manager", "viewer"},
    "api_manage": {"province_admin", "unit_manager"},
}
API_LEVELS = ("api", "api_manage")
# Kinds of object that belong to a unit: another unit's answers 404 to a unit manager.
UNIT_KINDS = ("unit", "point", "device", "user", "case", "alert", "api_case", "api_alert", "comp_unit", "evidence")
ROLES = ("anonymous", "province_admin", "unit_manager", "viewer")
EXTRA_VALUES = {
    "admin.report": {"view": "units"},
    "admin.chart": {"name": "trend", "fmt": "png"},
    "admin.export_csv": {"view": "units"},
    "admin.start_export_csv": {"view": "units"},
    "admin.point_poster": {"fmt": "png"},
    "admin.calendar_remove": {"day": "2026-01-01"},
    "admin.competition": {"period": "2023-2024"},
    "admin.competition_export": {"fmt": "xlsx", "stage": "tong_ket"},
    "admin.competition_verify": {"stage": "tong_ket"},
}
# A valid submission of each form, so the route's success (or its scope check) is what answers.
FORMS = {
    "admin.user_new": lambda role: {"username": f"new-{role}", "role": "viewer", "unit": "H-HOIAN"},
    "admin.point_visit_slips": lambda role: {"count": "2"},
    "admin.device_rename": lambda role: {"name": "Quầy 1"},
    "admin.point_rename": lambda role: {"name": "Bộ phận tiếp công dân"},
    "admin.point_new": lambda role: {"code": f"H-HOIAN-{role}", "name": "Quầy mới", "unit": "H-HOIAN"},
    "admin.milestone_add": lambda role: {"kind": "other", "name": "Mốc", "due_date": "2024-03-01"},
    "admin.import_file": lambda role: {
        "kind": "groups",
        "file": (io.BytesIO(b"code,name,leader_unit\ncum-x,Cum X,\n"), "khoi.csv"),
    },
    "admin.case_move": lambda role: {"status": "assigned", "assignee": "Lê Văn An"},
    "admin.alert_acknowledge": lambda role: {"note": "Đã xem xét"},
    "admin.response_flag": lambda role: {"flag": "misuse", "reason": "Gửi dồn dập"},
    "admin.alert_rule_new": lambda role: {
        "kind": "low_share",
        "unit": "H-HOIAN",
        "point": "",
        "min_answers": "10",
        "share": "30",
        "window_minutes": "120",
    },
    "admin.calendar_set": lambda role: {"day": "2031-01-02", "working": "0", "name": "Nghỉ"},
    "admin.calendar_import": lambda role: {
        "file": (io.BytesIO("date,working,name\n2031-01-03,0,Nghỉ\n".encode()), "lich.csv")
    },
    "admin.monitoring_remind": lambda role: {"reasons": "overdue_cases"},
    "admin.user_email": lambda role: {"email": "xem@example.vn"},
    "admin.account_email": lambda role: {"email": f"{role}@example.vn"},
    "admin.competition_unit": lambda role: {"value_1": "95", "note_1": "Báo cáo 5/BC"},
    "admin.competition_evidence_add": lambda role: {"item": "1", "file": (io.BytesIO(PDF), "bao-cao.pdf")},
    "admin.competition_review": lambda role: {"item": "1", "action": "adjust", "value": "80", "note": "Thiếu"},
    "admin.competition_adjustment_add": lambda role: {"kind": "bonus", "points": "10", "reason": "Cờ thi đua"},
    "admin.competition_decide": lambda role: {"decision": "award", "reason": "Dẫn đầu khối"},
    "admin.competition_settings": lambda role: {
        **{f"points_{n}": p for n, p in zip(range(1, 7), (10, 10, 20, 20, 30, 10), strict=True)},
        "item4": "linear",
        "classes": "tot | Tốt | 80\nkhac | Khác",
    },
    "admin.competition_freeze": lambda role: {"stage": "so_ket"},
    "admin.competition_publish": lambda role: {"stage": "tong_ket", "published": "1"},
    "admin.competition_import": lambda role: {
        "kind": "dossiers",
        "file": (io.BytesIO(b"unit,period,on_time,late\nH-HOIAN,2023-2024,9,1\n"), "mot-cua.csv"),
    },
    "admin.competition_live_index": lambda role: {"on": "1"},
}
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
# JSON bodies of the API's changes (a session caller sends its CSRF token in X-CSRFToken).
API_BODIES = {
    "admin.case_patch": {"status": "assigned", "assignee": "Lê Văn Bình"},
    "admin.alert_ack": {"note": "Đã xem xét"},
}
USERNAMES = {"province_admin": "admin", "unit_manager": "hoian", "viewer": "xem"}


def admin_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")]


def test_every_admin_route_is_classified(demo):
    endpoints = {rule.endpoint for rule in admin_rules(demo)}
    assert endpoints - ROUTES.keys() == set(), "classify the new admin route(s) in ROUTES"
    assert ROUTES.keys() - endpoints == set(), "ROUTES names a route that no longer exists"
    for endpoint, (level, _kind) in ROUTES.items():
        declared = getattr(demo.view_functions[endpoint], "access_level", None)
        if level in ("read", "manage", "province"):
            assert declared == level, f"{endpoint} is declared {declared!r} but classified {level!r}"


def _objects(app) -> dict:
    """Objects of the unit manager's own unit (H-HOIAN) and of another unit (H-TAMKY)."""
    seed(app)
    cases_and_alerts = _cases_and_alerts(app)
    competition = _competition(app)
    with committing(app):
        cli = Actor.cli()
        own_point, other_point = point(OWN_POINT), point(OTHER_POINT)
        own_device = pair_device(create_pairing_code(cli, own_point), "Quầy Hội An").device
        other_device = pair_device(create_pairing_code(cli, other_point), "Quầy Tam Kỳ").device
        own_user = create_user(cli, "xem-hoian", "viewer", "viewer-pass-1", "H-HOIAN")
        other_user = create_user(cli, "xem-tamky", "viewer", "viewer-pass-2", "H-TAMKY")
        for username in ("admin", "hoian", "xem"):
            create_api_token(cli, db.session.scalar(sa.select(User).where(User.username == username)), "mine")
        create_api_token(cli, other_user, "someone else's")
        tokens = {row.user.username: row.id for row in db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id))}
        export_jobs = {}
        for username in ("admin", "hoian", "xem", "xem-tamky"):
            user = db.session.scalar(sa.select(User).where(User.username == username))
            params = {"first": "2026-01-01", "last": "2026-01-31", "period": None, "unit": None, "explicit": True}
            job = jobs.enqueue(user, "xlsx", {**params, "view": None, "locale": "vi"}, None, "bao-cao.xlsx")[0]
            job.status, job.stored_name, job.size = "done", jobs._store(b"PK-not-really", ".xlsx"), 13
            export_jobs[username] = job.id
        rule = db.session.scalar(sa.select(AlertRule.id).order_by(AlertRule.id))
        period = db.session.scalar(sa.select(CompetitionPeriod))
        milestone = db.session.scalar(sa.select(Milestone))
        survey = db.session.scalar(sa.select(Survey))
        yesterday = datetime.now(UTC) - timedelta(days=1)
        answers = tuple(
            {"response_id": f.stored_response(p, yesterday, overall=2).id} for p in (own_point, other_point)
        )
        return {
            "response": answers,
            "point": ({"point_id": own_point.id}, {"point_id": other_point.id}),
            "device": ({"device_id": own_device.id}, {"device_id": other_device.id}),
            "user": ({"user_id": own_user.id}, {"user_id": other_user.id}),
            "unit": ({"unit": "H-HOIAN"}, {"unit": "H-TAMKY"}),
            "token": tokens,
            "export_job": export_jobs,
            "survey": ({"survey_id": survey.id},),
            "unit_id": ({"unit_id": own_point.unit_id},),
            "period": ({"period_id": period.id},),
            "milestone": ({"milestone_id": milestone.id},),
            "rule": ({"rule_id": rule},),
            **cases_and_alerts,
            **competition,
        }


def _competition(app) -> dict:
    """The demo period with its tổng kết frozen, and evidence and a bonus line in both units."""
    with committing(app):
        cli = Actor.cli()
        period = period_by_code("2023-2024")
        units = [unit_by_code(code) for code in ("H-HOIAN", "H-TAMKY")]
        evidence = [inputs.add_evidence(cli, period, unit, 1, inputs.Upload("bc.pdf", PDF)).id for unit in units]
        lines = [inputs.add_adjustment(cli, period, unit, 5, "Bằng khen").id for unit in units]
        reviews.freeze(cli, period, "tong_ket")
    return {
        "comp_period": ({"period_code": "2023-2024"},),
        "comp_unit": tuple({"period_code": "2023-2024", "unit_code": unit} for unit in ("H-HOIAN", "H-TAMKY")),
        "evidence": tuple({"evidence_id": row} for row in evidence),
        "adjustment": tuple({"adjustment_id": row} for row in lines),
    }


def _cases_and_alerts(app) -> dict:
    """A case and an open alert in the unit manager's unit and in another, one set for the pages and
    one for the API (each is moved or acknowledged once)."""
    cases = [{"case_id": make_case(app, unit)} for unit in ("H-HOIAN", "H-TAMKY", "H-HOIAN", "H-TAMKY")]
    alerts = [{"alert_id": trip_alert(app, code)} for code in ("H-HOIAN-P1", "H-TAMKY-P1", "H-HOIAN-P2", "H-TAMKY-P2")]
    return {
        "case": tuple(cases[:2]),
        "api_case": tuple(cases[2:]),
        "alert": tuple(alerts[:2]),
        "api_alert": tuple(alerts[2:]),
    }


def _cases(objects: dict, endpoint: str, kind: str | None, role: str):
    """(label, URL values) for the own-unit case and, where it exists, the other-unit case."""
    base = EXTRA_VALUES.get(endpoint, {})
    if kind is None:
        return [("own", dict(base))]
    if kind == "token":
        tokens = objects["token"]
        mine = tokens.get(USERNAMES.get(role, "admin"))
        return [("own", {"token_id": mine}), ("other", {"token_id": tokens["xem-tamky"]})]
    if kind == "export_job":
        owned = objects["export_job"]
        mine = owned.get(USERNAMES.get(role, "admin"))
        return [("own", {"job_id": mine}), ("other", {"job_id": owned["xem-tamky"]})]
    return [(label, {**base, **values}) for label, values in zip(("own", "other"), objects[kind], strict=False)]


def _expected(level: str, kind: str | None, role: str, label: str, endpoint: str) -> set[int]:
    if level == "public":
        if endpoint == "admin.login" and role != "anonymous":
            return {302}
        return {200}
    if role == "anonymous":
        return {401} if level in API_LEVELS else {302}
    if role not in ALLOWED[level]:
        return {403}
    if kind == "export_job" and label == "other":
        return {404}  # an export belongs to whoever asked for it, the province office included
    if label == "other" and role != "province_admin":
        if kind in UNIT_KINDS and role == "unit_manager":
            return {404}  # another unit's object (or a filter naming another unit) does not exist for it
        if kind == "token":
            return {404}  # someone else's token
    return {200, 302, 303}


@pytest.mark.parametrize("role", ROLES)
def test_role_route_matrix(demo, role, tmp_path):
    demo.instance_path = str(tmp_path)  # evidence files land in the test's own folder
    demo.config["EXPORT_DIR"] = str(tmp_path / "exports")
    objects = _objects(demo)
    client = demo.test_client()
    if role != "anonymous":
        login_as(client, role)
        token = csrf_token(client.get("/admin/password").get_data(as_text=True))
    else:
        token = csrf_token(client.get("/admin/login").get_data(as_text=True))
    rules = sorted(admin_rules(demo), key=lambda r: (r.endpoint == "admin.logout", r.endpoint))
    failures = []
    checked = 0
    for rule in rules:
        level, kind = ROUTES[rule.endpoint]
        for label, values in _cases(objects, rule.endpoint, kind, role):
            with demo.test_request_context():
                url = url_for(rule.endpoint, **values)
            if "GET" in rule.methods:
                response = client.get(url)
            elif rule.endpoint in API_BODIES:
                method = next(iter(rule.methods - {"HEAD", "OPTIONS"}))
                body = API_BODIES[rule.endpoint]
                response = client.open(url, method=method, json=body, headers={"X-CSRFToken": token})
            else:
                form = FORMS.get(rule.endpoint, lambda _r: {})(role)
                response = client.post(url, data={**form, "csrf_token": token})
            response.close()  # a file answer (send_file) holds its file open until closed
            if label == "other" and role in ALLOWED.get(level, ()):
                assert response.status_code != 403, f"{role} {url}: 403 for another unit's object"
            expected = _expected(level, kind, role, label, rule.endpoint)
            checked += 1
            if response.status_code not in expected:
                failures.append(
                    f"{role} {rule.methods - {'HEAD', 'OPTIONS'}} {url} ({label}): "
                    f"{response.status_code}, expected {sorted(expected)}"
                )
            if response.status_code == 302 and role != "anonymous" and rule.endpoint != "admin.logout":
                assert "/admin/login" not in (response.location or ""), url
    assert not failures, "\n".join(failures)
    assert checked >= len(ROUTES)


def test_the_admin_door_never_commits_or_rolls_back():
    """One transaction owner (core.transactions): the door only parses, calls the core, renders."""
    admin = Path(__file__).resolve().parent.parent / "admin"
    sources = sorted(admin.rglob("*.py"))
    assert len(sources) >= 10
    offenders = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\b(commit|rollback)\s*\(", line)
    ]
    assert offenders == []


def test_the_admin_door_parses_no_form_by_hand():
    """Every form is a WTForms class (admin/forms.py): no view reads request.form or request.files."""
    admin = Path(__file__).resolve().parent.parent / "admin"
    offenders = [
        path.name
        for path in admin.rglob("*.py")
        if re.search(r"request\.(form|files)\b", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
