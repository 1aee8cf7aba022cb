"""One transaction owner: a request commits once when it succeeds and rolls back otherwise; a CLI
command commits once when it returns. Every operation adds exactly one audit row naming its actor,
action and target, and a failure after the change, before the end, leaves nothing stored."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import jsonify

from core import audit
from core.audit import Actor
from core.extensions import db
from core.models import (
    ApiToken,
    AuditLog,
    CompetitionGroup,
    KioskDevice,
    PairingCode,
    Point,
    Response,
    Unit,
    User,
    VisitCode,
)
from core.org.devices import create_pairing_code
from core.timeutil import utcnow
from tests.conftest import committing

ROOT = Path(__file__).resolve().parent.parent


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def audit_rows(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            sa.select(AuditLog.user_id, AuditLog.device_id, AuditLog.action, AuditLog.target).order_by(AuditLog.id)
        ).all()


@pytest.fixture
def failing_audit(monkeypatch):
    """The audit row is added and flushed with the change, then the operation fails: the failure
    comes after everything was written, before the request or command ends."""
    real = audit.record

    def record_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("injected failure after the change")

    monkeypatch.setattr(audit, "record", record_then_fail)


# ---------- the owner itself ----------


def test_only_the_owner_commits_or_rolls_back():
    offenders = []
    for path in ROOT.glob("**/*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "tests/", "migrations/", "bench/", "tools/")):
            continue
        if relative == "core/transactions.py":
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{relative}: {m.group(0)}" for m in re.finditer(r"\.(commit|rollback)\(\)", text)]
    assert offenders == []


@pytest.fixture
def probe_app(make_app):
    """An app with routes that write a unit, then succeed, refuse or fail in different ways."""
    app = make_app(WTF_CSRF_ENABLED=False)

    def write(code: str) -> None:
        db.session.add(Unit(code=code, name="Đơn vị thử", kind="district"))
        db.session.flush()

    def ok():
        write("OK")
        return jsonify(stored=True)

    def refused():
        write("REFUSED")
        return jsonify(error={"code": "invalid", "message": "no", "fields": {}}), 422

    def redirected():
        write("REDIRECTED")
        return "", 302, {"Location": "/"}

    def crashed():
        write("CRASHED")
        raise RuntimeError("boom")

    def duplicate():
        # The unique code clashes only at commit (no flush): the commit itself fails.
        db.session.add(Unit(code="OK", name="trùng", kind="district"))
        return jsonify(stored=True)

    for view in (ok, refused, redirected, crashed, duplicate):
        app.add_url_rule(f"/api/v1/probe/{view.__name__}", view.__name__, view, methods=["POST"])
    return app


def test_a_request_commits_success_and_rolls_back_everything_else(probe_app):
    client = probe_app.test_client()
    assert client.post("/api/v1/probe/ok").status_code == 200
    assert client.post("/api/v1/probe/refused").status_code == 422
    assert client.post("/api/v1/probe/redirected").status_code == 302
    assert client.post("/api/v1/probe/crashed").status_code == 500
    with probe_app.app_context():
        assert set(db.session.scalars(sa.select(Unit.code))) == {"OK", "REDIRECTED"}


def test_a_failed_commit_is_an_error_answer_never_a_success(probe_app):
    client = probe_app.test_client()
    assert client.post("/api/v1/probe/ok").status_code == 200
    response = client.post("/api/v1/probe/duplicate")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    assert count(probe_app, Unit) == 1


# ---------- the command line ----------


def _state(app) -> dict:
    models = (User, ApiToken, Unit, CompetitionGroup, Point, PairingCode, VisitCode, AuditLog)
    return {model.__name__: count(app, model) for model in models}


CLI_CASES = {
    "create-user": (["create-user", "lan", "--role", "viewer", "--unit", "H-TAMKY"], "pass-word-1\npass-word-1\n"),
    "create-api-token": (["create-api-token", "hoian"], None),
    "import-units": (["import-units", "{units}"], None),
    "import-groups": (["import-groups", "{groups}"], None),
    "import-points": (["import-points", "{points}"], None),
    "pair-kiosk": (["pair-kiosk", "H-HOIAN-P1"], None),
    "visit-codes": (["visit-codes", "H-HOIAN-P1", "--count", "3"], None),
    "purge-personal-data": (["purge-personal-data"], None),
    "purge-contacts": (["purge-contacts"], None),
}
CLI_AUDIT = {
    "create-user": ("user.create", "lan"),
    "create-api-token": ("token.create", None),
    "import-units": ("import.units", "units.csv"),
    "import-groups": ("import.groups", "groups.csv"),
    "import-points": ("import.points", "points.csv"),
    "pair-kiosk": ("device.pairing_code", "H-HOIAN-P1"),
    "visit-codes": ("point.visit_codes", "H-HOIAN-P1"),
    "purge-personal-data": ("privacy.erase", "cases, responses"),
    "purge-contacts": ("privacy.erase", "cases, responses"),
}


def _cli_args(name: str, tmp_path) -> tuple[list[str], str | None]:
    files = {
        "units": ("units.csv", "code,name,kind,parent,group\nH-MOI,Thanh tra huyện Mới,district,TTT,cum-mien-nui\n"),
        "groups": ("groups.csv", "code,name,leader_unit\ncum-moi,Cụm mới,H-HOIAN\n"),
        "points": ("points.csv", "code,name,unit\nH-HOIAN-P9,Quầy 9,H-HOIAN\n"),
    }
    paths = {}
    for key, (filename, text) in files.items():
        path = tmp_path / filename
        path.write_text(text, encoding="utf-8")
        paths[key] = str(path)
    args, stdin = CLI_CASES[name]
    return [arg.format(**paths) for arg in args], stdin


@pytest.mark.parametrize("name", sorted(CLI_CASES))
def test_each_command_leaves_one_audit_row_naming_the_command_line(demo, runner, tmp_path, name):
    before, audits = _state(demo), len(audit_rows(demo))
    args, stdin = _cli_args(name, tmp_path)
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code == 0, result.output
    after = _state(demo)
    new_rows = audit_rows(demo)[audits:]
    action, target = CLI_AUDIT[name]
    assert [(user, device, act) for user, device, act, _ in new_rows] == [(None, None, action)]
    if target is not None:
        assert new_rows[0][3] == target
    changed = {key for key in after if after[key] != before[key]} - {"AuditLog"}
    assert changed or name.startswith("purge"), "the command changed nothing"


@pytest.mark.parametrize("name", sorted(CLI_CASES))
def test_a_command_failing_after_its_change_stores_nothing(demo, runner, tmp_path, failing_audit, name):
    before = _state(demo)
    args, stdin = _cli_args(name, tmp_path)
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code != 0
    assert isinstance(result.exception, RuntimeError)
    assert _state(demo) == before


def test_demo_data_is_one_transaction(app, runner, failing_audit):
    result = runner.invoke(args=["demo-data"])
    assert isinstance(result.exception, RuntimeError)
    assert count(app, Unit) == 0 and count(app, AuditLog) == 0


# ---------- the kiosk door ----------


@pytest.fixture
def code(demo):
    with committing(demo):
        point = db.session.scalar(sa.select(Point).where(Point.code == "H-HOIAN-P1"))
        return create_pairing_code(Actor.cli(), point)


def test_pairing_is_audited_with_the_new_device_as_actor(demo, client, code):
    response = client.post("/api/v1/kiosk/pair", json={"code": code, "name": "Quầy 1"})
    assert response.status_code == 200
    with demo.app_context():
        device = db.session.scalar(sa.select(KioskDevice))
    assert audit_rows(demo)[-1] == (None, device.id, "device.pair", "H-HOIAN-P1")


def test_pairing_failing_after_the_change_stores_nothing(demo, client, code, failing_audit):
    response = client.post("/api/v1/kiosk/pair", json={"code": code, "name": "Quầy 1"})
    assert response.status_code == 500 and response.get_json()["error"]["code"] == "internal_error"
    assert count(demo, KioskDevice) == 0
    assert count(demo, PairingCode, PairingCode.used_at.is_not(None)) == 0
    # The code was not spent: the tablet can try again.
    assert client.post("/api/v1/kiosk/pair", json={"code": code}).status_code == 500


def test_a_rating_failing_after_it_was_written_stores_nothing(demo, client, code, monkeypatch):
    token = client.post("/api/v1/kiosk/pair", json={"code": code}).get_json()["token"]
    import core.ratings.responses as responses

    real = responses._insert_details

    def insert_then_fail(*args):
        real(*args)
        raise RuntimeError("injected failure after the answers were written")

    monkeypatch.setattr(responses, "_insert_details", insert_then_fail)
    body = {"id": str(uuid.uuid4()), "answers": {"overall": 5}}
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/kiosk/responses", json=body, headers=headers).status_code == 500
    assert count(demo, Response) == 0
    monkeypatch.setattr(responses, "_insert_details", real)
    assert client.post("/api/v1/kiosk/responses", json=body, headers=headers).status_code == 201
    assert count(demo, Response) == 1


# ---------- reads never write ----------


def test_an_api_token_records_its_use_at_most_once_an_hour(demo, client):
    with committing(demo):
        user = db.session.scalar(sa.select(User).where(User.username == "xem"))
        _row, token = __import__("core.org.accounts", fromlist=["x"]).create_api_token(Actor.cli(), user, "t")
    headers = {"Authorization": f"Bearer {token}"}

    def last_used():
        with demo.app_context():
            return db.session.scalar(sa.select(ApiToken.last_used_at))

    assert client.get("/api/v1/units", headers=headers).status_code == 200
    first = last_used()
    assert first is not None
    assert client.get("/api/v1/points", headers=headers).status_code == 200
    assert last_used() == first
    with committing(demo):
        db.session.execute(sa.update(ApiToken).values(last_used_at=utcnow() - timedelta(hours=2)))
    assert client.get("/api/v1/units", headers=headers).status_code == 200
    assert utcnow() - last_used() < timedelta(minutes=1)


def test_the_kiosk_survey_read_writes_nothing(demo, client, code):
    token = client.post("/api/v1/kiosk/pair", json={"code": code}).get_json()["token"]
    with committing(demo):
        db.session.execute(sa.update(KioskDevice).values(last_seen_at=None))
    assert client.get("/api/v1/kiosk/survey", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with demo.app_context():
        assert db.session.scalar(sa.select(KioskDevice.last_seen_at)) is None


def test_a_sign_in_whose_commit_fails_leaves_the_browser_signed_out(demo, client, auth, monkeypatch):
    from core import transactions

    real = transactions.finish_request

    def commit_fails(status):
        from flask import request

        if status < 400 and request.method == "POST":
            raise RuntimeError("the database refused the commit")
        real(status)

    monkeypatch.setattr(transactions, "finish_request", commit_fails)
    assert auth.login().status_code == 500
    monkeypatch.setattr(transactions, "finish_request", real)
    page = client.get("/admin/")
    assert page.status_code == 302 and "/admin/login" in page.headers["Location"]
    assert count(demo, AuditLog, AuditLog.action == "login") == 0
    assert auth.login().status_code == 302
    assert client.get("/admin/").status_code == 200
