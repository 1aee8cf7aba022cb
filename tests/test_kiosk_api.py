"""The kiosk device API: pairing, survey, answers, heartbeat; every bad token and bad body is JSON
401/422 and stores nothing."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from core.audit import Actor
from core.extensions import db
from core.models import Answer, KioskDevice, PairingCode, Point, Response, ResponseReason, Survey, Unit
from core.org.devices import create_pairing_code, revoke_device
from tests.conftest import committing


def add_point(app) -> int:
    """One unit and its reception point: all the kiosk needs (the full demo province is slower)."""
    with app.app_context():
        unit = Unit(code="H-HOIAN", name="Thanh tra thành phố Hội An", kind="district")
        point = Point(code="H-HOIAN-P1", name="Bộ phận tiếp công dân", unit=unit, public_token=uuid.uuid4().hex)
        db.session.add_all([unit, point])
        db.session.commit()
        return point.id


@pytest.fixture
def site(app):
    add_point(app)
    return app


@pytest.fixture
def point(site):
    with site.app_context():
        return db.session.scalar(sa.select(Point).where(Point.code == "H-HOIAN-P1")).id


def new_code(app, point_id: int) -> str:
    with committing(app):
        return create_pairing_code(Actor.cli(), db.session.get(Point, point_id))


@pytest.fixture
def paired(site, client, point):
    """A paired tablet: (token, headers)."""
    response = client.post("/api/v1/kiosk/pair", json={"code": new_code(site, point)})
    assert response.status_code == 200
    token = response.get_json()["token"]
    return token, {"Authorization": f"Bearer {token}"}


def count(app, model=Response) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def body(**overrides) -> dict:
    data = {"id": str(uuid.uuid4()), "answers": {"overall": 5}}
    data.update(overrides)
    return data


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    return error


# ---------- pairing ----------


def test_pair_returns_token_and_point_and_spends_the_code(site, client, point):
    code = new_code(site, point)
    response = client.post("/api/v1/kiosk/pair", json={"code": code})
    assert response.status_code == 200
    data = response.get_json()
    assert data["token"].startswith("kiosk_")
    assert data["point"] == {
        "code": "H-HOIAN-P1",
        "name": "Bộ phận tiếp công dân",
        "unit": {"code": "H-HOIAN", "name": "Thanh tra thành phố Hội An"},
    }
    with site.app_context():
        device = db.session.scalar(sa.select(KioskDevice))
        assert device.point.code == "H-HOIAN-P1"
        assert device.token_hash != data["token"]  # only the digest is kept
    again = client.post("/api/v1/kiosk/pair", json={"code": code})
    assert_json_error(again, 404)
    assert count(site, KioskDevice) == 1


def test_pair_accepts_lower_case_and_spaces(site, client, point):
    code = new_code(site, point)
    response = client.post("/api/v1/kiosk/pair", json={"code": f" {code[:5].lower()} {code[5:]} "})
    assert response.status_code == 200


def test_expired_code_is_refused(site, client, point):
    code = new_code(site, point)
    with site.app_context():
        db.session.execute(sa.update(PairingCode).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.session.commit()
    assert_json_error(client.post("/api/v1/kiosk/pair", json={"code": code}), 404)
    assert count(site, KioskDevice) == 0


@pytest.mark.parametrize(
    "payload",
    ["not json", [], {"code": 12345}, {"code": ""}, {}, {"code": "X" * 65}, {"code": "ABC", "name": 5}],
)
def test_pair_bad_bodies_are_422(site, client, payload):
    if isinstance(payload, str):
        response = client.post("/api/v1/kiosk/pair", data=payload, content_type="application/json")
    else:
        response = client.post("/api/v1/kiosk/pair", json=payload)
    assert_json_error(response, 422)
    assert count(site, KioskDevice) == 0


@pytest.mark.parametrize(
    ("path", "needs_device"),
    [("/api/v1/kiosk/pair", False), ("/api/v1/kiosk/responses", True), ("/api/v1/kiosk/heartbeat", True)],
)
def test_json_endpoints_refuse_bodies_that_are_not_declared_json(site, client, paired, path, needs_device):
    _token, headers = paired
    headers = headers if needs_device else {}
    text = f'{{"id": "{uuid.uuid4()}", "answers": {{"overall": 5}}, "code": "ABC", "queue": 0}}'
    for kwargs in ({"data": text, "content_type": "text/plain"}, {"data": text}, {}):
        response = client.post(path, headers=headers, **kwargs)
        body = assert_json_error(response, 415)
        assert body["fields"] == {"content-type": "must be application/json"}
    assert count(site, Response) == 0


def test_wrong_codes_are_throttled_per_address(site, client, point):
    for _ in range(5):
        assert_json_error(client.post("/api/v1/kiosk/pair", json={"code": "WRONG23456"}), 404)
    throttled = client.post("/api/v1/kiosk/pair", json={"code": "WRONG23456"})
    error = assert_json_error(throttled, 429)
    assert error["code"] == "too_many_requests"
    assert int(throttled.headers["Retry-After"]) > 0
    # Even the right code waits: guessing must not be able to race the window.
    assert_json_error(client.post("/api/v1/kiosk/pair", json={"code": new_code(site, point)}), 429)
    # Another address is not affected.
    other = client.post(
        "/api/v1/kiosk/pair", json={"code": new_code(site, point)}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert other.status_code == 200


def test_right_codes_do_not_count_towards_the_throttle(site, client, point):
    for _ in range(7):
        assert client.post("/api/v1/kiosk/pair", json={"code": new_code(site, point)}).status_code == 200
    assert count(site, KioskDevice) == 7


def test_pairing_page_does_not_spend_the_code(site, client, point):
    code = new_code(site, point)
    page = client.get(f"/kiosk/pair?code={code}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert client.post("/api/v1/kiosk/pair", json={"code": code}).status_code == 200


def test_pair_kiosk_cli_prints_a_one_time_url(site):
    runner = site.test_cli_runner()
    result = runner.invoke(args=["pair-kiosk", "H-HOIAN-P1"])
    assert result.exit_code == 0, result.output
    url = result.stdout.strip()
    match = re.fullmatch(r"http://test\.local/kiosk/pair\?code=([A-Z0-9]{10})", url)
    assert match, url
    client = site.test_client()
    assert client.post("/api/v1/kiosk/pair", json={"code": match.group(1)}).status_code == 200
    assert client.post("/api/v1/kiosk/pair", json={"code": match.group(1)}).status_code == 404


def test_pair_kiosk_cli_unknown_point(site):
    result = site.test_cli_runner().invoke(args=["pair-kiosk", "NO-SUCH-POINT"])
    assert result.exit_code != 0
    assert "unknown point" in result.output
    assert count(site, PairingCode) == 0


# ---------- device authentication ----------

BAD_AUTH = [
    {},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer kiosk_not-a-real-token"},
    {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "kiosk_token-without-scheme"},
]


@pytest.mark.parametrize("headers", BAD_AUTH)
def test_bad_tokens_get_401_json_everywhere(site, client, paired, headers):
    for method, path, payload in (
        ("get", "/api/v1/kiosk/survey", None),
        ("post", "/api/v1/kiosk/responses", body()),
        ("post", "/api/v1/kiosk/heartbeat", {"version": "x", "queue": 1}),
    ):
        response = getattr(client, method)(path, headers=headers, json=payload)
        assert_json_error(response, 401)
    assert count(site) == 0


def test_revoked_device_gets_401_and_stores_nothing(site, client, paired):
    _token, headers = paired
    assert client.post("/api/v1/kiosk/responses", headers=headers, json=body()).status_code == 201
    with committing(site):
        revoke_device(Actor.cli(), db.session.scalar(sa.select(KioskDevice)))
    assert_json_error(client.post("/api/v1/kiosk/responses", headers=headers, json=body()), 401)
    assert_json_error(client.get("/api/v1/kiosk/survey", headers=headers), 401)
    assert_json_error(client.post("/api/v1/kiosk/heartbeat", headers=headers, json={"queue": 0}), 401)
    assert count(site) == 1


# ---------- survey ----------


def test_survey_for_the_point(site, client, paired):
    _token, headers = paired
    response = client.get("/api/v1/kiosk/survey", headers=headers)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["point"]["code"] == "H-HOIAN-P1"
    survey = data["survey"]
    assert [s["label"] for s in survey["scale"]] == [
        "Rất không hài lòng",
        "Không hài lòng",
        "Bình thường",
        "Hài lòng",
        "Rất hài lòng",
    ]
    assert [c["code"] for c in survey["criteria"]] == ["overall", "welcome", "guidance", "office"]
    assert survey["criteria"][0]["required"] is True
    assert len(survey["reasons"]) == 6
    assert data["settings"] == {
        "idle_seconds": 30,
        "thanks_seconds": 5,
        "low_score": 2,
        "heartbeat_seconds": 60,
        "sync_seconds": 30,
    }
    with site.app_context():
        assert db.session.scalar(sa.select(KioskDevice)).last_seen_at is not None


def test_survey_settings_follow_the_configuration(make_app):
    app = make_app(KIOSK_IDLE_SECONDS=2, KIOSK_THANKS_SECONDS=1, KIOSK_LOW_SCORE=3)
    point_id = add_point(app)
    code = new_code(app, point_id)
    client = app.test_client()
    token = client.post("/api/v1/kiosk/pair", json={"code": code}).get_json()["token"]
    data = client.get("/api/v1/kiosk/survey", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert data["settings"]["idle_seconds"] == 2
    assert data["settings"]["thanks_seconds"] == 1
    assert data["settings"]["low_score"] == 3
    page = client.get("/kiosk/").get_data(as_text=True)
    assert 'data-idle="2"' in page and 'data-thanks="1"' in page


# ---------- responses ----------


def test_response_is_stored_once_and_replays_are_200(site, client, paired):
    _token, headers = paired
    answered = "2026-11-25T09:15:00+07:00"
    payload = body(
        answers={"overall": 2, "welcome": 3, "guidance": None},
        reasons=["wait", "attitude"],
        comment="  Phải chờ lâu quá.  ",
        answered_at=answered,
    )
    with site.app_context():
        payload["survey"] = db.session.scalar(sa.select(Survey.id).where(Survey.active.is_(True)))
    now = datetime.now(UTC)
    first = client.post("/api/v1/kiosk/responses", headers=headers, json=payload)
    assert first.status_code == 201
    assert first.get_json() == {"id": payload["id"], "created": True}
    again = client.post("/api/v1/kiosk/responses", headers=headers, json=payload)
    assert again.status_code == 200
    assert again.get_json() == {"id": payload["id"], "created": False}
    with site.app_context():
        stored = db.session.get(Response, uuid.UUID(payload["id"]))
        assert stored.channel == "kiosk"
        assert stored.point.code == "H-HOIAN-P1"
        assert stored.device_id == db.session.scalar(sa.select(KioskDevice.id))
        assert stored.comment == "Phải chờ lâu quá."
        assert {(a.criterion.code, a.score) for a in stored.answers} == {("overall", 2), ("welcome", 3)}
        assert sorted(r.reason.code for r in stored.reasons) == ["attitude", "wait"]
        # 09:15 local on a date in the past week... or in the future: then the clock flag applies.
        expected = datetime(2026, 11, 25, 2, 15, tzinfo=UTC)
        if now - timedelta(days=7) <= expected <= now + timedelta(minutes=5):
            assert stored.answered_at == expected and stored.flag is None
        else:
            assert stored.flag == "clock"
    assert count(site) == 1
    assert count(site, Answer) == 2
    assert count(site, ResponseReason) == 2


def test_same_id_with_another_body_is_409(site, client, paired):
    _token, headers = paired
    payload = body()
    assert client.post("/api/v1/kiosk/responses", headers=headers, json=payload).status_code == 201
    changed = dict(payload, answers={"overall": 4})
    error = assert_json_error(client.post("/api/v1/kiosk/responses", headers=headers, json=changed), 409)
    assert error["code"] == "conflict"
    with site.app_context():
        assert [a.score for a in db.session.get(Response, uuid.UUID(payload["id"])).answers] == [5]


def test_contact_needs_consent(site, client, paired):
    _token, headers = paired
    no_consent = body(contact={"name": "Nguyễn Văn A", "phone": "0905123456"})
    error = assert_json_error(client.post("/api/v1/kiosk/responses", headers=headers, json=no_consent), 422)
    assert "contact.consent" in error["fields"]
    ok = body(contact={"name": "Nguyễn Văn A", "phone": "0905123456", "consent": True}, comment="Xin trả lời")
    assert client.post("/api/v1/kiosk/responses", headers=headers, json=ok).status_code == 201
    with site.app_context():
        stored = db.session.get(Response, uuid.UUID(ok["id"]))
        assert stored.contact_name == "Nguyễn Văn A"
        assert stored.contact_consent_at is not None
        assert "chỉ để liên hệ trả lời" in stored.contact_consent_text
    assert count(site) == 1


BAD_BODIES = [
    ("not an object", ["a", "list"], "body"),
    ("no id", {"answers": {"overall": 5}}, "id"),
    ("id not a uuid", {"id": "123", "answers": {"overall": 5}}, "id"),
    ("id a number", {"id": 5, "answers": {"overall": 5}}, "id"),
    ("no answers", {"id": "UUID"}, "answers"),
    ("answers a list", {"id": "UUID", "answers": [5]}, "answers"),
    ("overall missing", {"id": "UUID", "answers": {"welcome": 4}}, "answers.overall"),
    ("score as string", {"id": "UUID", "answers": {"overall": "5"}}, "answers.overall"),
    ("score as float", {"id": "UUID", "answers": {"overall": 5.0}}, "answers.overall"),
    ("score as boolean", {"id": "UUID", "answers": {"overall": True}}, "answers.overall"),
    ("score zero", {"id": "UUID", "answers": {"overall": 0}}, "answers.overall"),
    ("score six", {"id": "UUID", "answers": {"overall": 6}}, "answers.overall"),
    ("overall null", {"id": "UUID", "answers": {"overall": None}}, "answers.overall"),
    ("unknown criterion", {"id": "UUID", "answers": {"overall": 5, "speed": 4}}, "answers.speed"),
    ("optional score as string", {"id": "UUID", "answers": {"overall": 5, "welcome": "4"}}, "answers.welcome"),
    ("unknown reason", {"id": "UUID", "answers": {"overall": 1}, "reasons": ["rude"]}, "reasons"),
    ("reasons not a list", {"id": "UUID", "answers": {"overall": 1}, "reasons": "wait"}, "reasons"),
    ("comment too long", {"id": "UUID", "answers": {"overall": 1}, "comment": "x" * 2001}, "comment"),
    ("comment a number", {"id": "UUID", "answers": {"overall": 1}, "comment": 7}, "comment"),
    ("answered_at words", {"id": "UUID", "answers": {"overall": 5}, "answered_at": "yesterday"}, "answered_at"),
    ("answered_at a number", {"id": "UUID", "answers": {"overall": 5}, "answered_at": 1732500000}, "answered_at"),
    ("answered_at empty", {"id": "UUID", "answers": {"overall": 5}, "answered_at": ""}, "answered_at"),
    ("survey unknown", {"id": "UUID", "answers": {"overall": 5}, "survey": 9999}, "survey"),
    ("survey as string", {"id": "UUID", "answers": {"overall": 5}, "survey": "1"}, "survey"),
    ("survey as boolean", {"id": "UUID", "answers": {"overall": 5}, "survey": True}, "survey"),
    ("contact not object", {"id": "UUID", "answers": {"overall": 5}, "contact": "0905"}, "contact"),
]


@pytest.mark.parametrize(("label", "payload", "field"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_bodies_are_422_and_store_nothing(site, client, paired, label, payload, field):
    _token, headers = paired
    if isinstance(payload, dict) and payload.get("id") == "UUID":
        payload = dict(payload, id=str(uuid.uuid4()))
    response = client.post("/api/v1/kiosk/responses", headers=headers, json=payload)
    error = assert_json_error(response, 422)
    assert field in error["fields"], error
    assert count(site) == 0
    assert count(site, Answer) == 0


def test_unparsable_json_is_422(site, client, paired):
    _token, headers = paired
    response = client.post(
        "/api/v1/kiosk/responses", headers=headers, data="{not json", content_type="application/json"
    )
    assert_json_error(response, 422)
    assert count(site) == 0


def test_body_over_64_kib_is_413_json(site, client, paired):
    _token, headers = paired
    payload = json.dumps({"id": str(uuid.uuid4()), "answers": {"overall": 5}, "comment": "x" * 70_000})
    response = client.post("/api/v1/kiosk/responses", headers=headers, data=payload, content_type="application/json")
    error = assert_json_error(response, 413)
    assert error["code"] == "request_entity_too_large"
    assert count(site) == 0


def test_answer_keeps_the_survey_version_it_was_given_under(site, client, paired):
    _token, headers = paired
    with site.app_context():
        old = db.session.scalar(sa.select(Survey).where(Survey.active.is_(True)))
        old_id = old.id
        new = Survey(code=old.code, version=old.version + 1, title=old.title, scale=old.scale, active=True)
        from core.models import Criterion

        new.criteria = [Criterion(code="overall", label="Chung", question="Ông/Bà hài lòng không?", required=True)]
        old.active = False
        db.session.add(new)
        db.session.commit()
        new_id = new.id
    queued = body(answers={"overall": 3, "welcome": 4}, survey=old_id)
    assert client.post("/api/v1/kiosk/responses", headers=headers, json=queued).status_code == 201
    # The same body without the version is checked against the new survey, which has no "welcome".
    error = assert_json_error(
        client.post("/api/v1/kiosk/responses", headers=headers, json=body(answers={"overall": 3, "welcome": 4})), 422
    )
    assert "answers.welcome" in error["fields"]
    fresh = body(answers={"overall": 5})
    assert client.post("/api/v1/kiosk/responses", headers=headers, json=fresh).status_code == 201
    with site.app_context():
        assert db.session.get(Response, uuid.UUID(queued["id"])).survey_id == old_id
        assert db.session.get(Response, uuid.UUID(fresh["id"])).survey_id == new_id
    survey = client.get("/api/v1/kiosk/survey", headers=headers).get_json()["survey"]
    assert survey["id"] == new_id and survey["version"] == 2
    beat = client.post("/api/v1/kiosk/heartbeat", headers=headers, json={"queue": 0}).get_json()
    assert beat["survey"] == {"id": new_id, "version": 2}


def test_misuse_is_judged_by_answered_at(site, client, paired):
    _token, headers = paired
    base = datetime.now(UTC) - timedelta(hours=1)
    stamps = [base, base + timedelta(seconds=1), base + timedelta(seconds=10), base + timedelta(seconds=20)]
    ids = []
    # Delivered all at once (a flushed queue): only the tap 1 s after another is flagged.
    for stamp in stamps:
        payload = body(answered_at=stamp.isoformat())
        ids.append(payload["id"])
        assert client.post("/api/v1/kiosk/responses", headers=headers, json=payload).status_code == 201
    with site.app_context():
        flags = [db.session.get(Response, uuid.UUID(i)).flag for i in ids]
    assert flags == [None, "misuse", None, None]


def test_device_limit_answers_429_with_retry_after(make_app):
    app = make_app(KIOSK_DEVICE_LIMIT="3 per minute")
    point_id = add_point(app)
    code = new_code(app, point_id)
    client = app.test_client()
    token = client.post("/api/v1/kiosk/pair", json={"code": code}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(3):
        assert client.post("/api/v1/kiosk/responses", headers=headers, json=body()).status_code == 201
    throttled = client.post("/api/v1/kiosk/responses", headers=headers, json=body())
    assert_json_error(throttled, 429)
    assert 0 < int(throttled.headers["Retry-After"]) <= 60
    assert count(app) == 3
    # Another tablet has its own allowance.
    code = new_code(app, point_id)
    other = client.post("/api/v1/kiosk/pair", json={"code": code}).get_json()["token"]
    response = client.post("/api/v1/kiosk/responses", headers={"Authorization": f"Bearer {other}"}, json=body())
    assert response.status_code == 201


# ---------- heartbeat ----------


def test_heartbeat_updates_the_device(site, client, paired):
    _token, headers = paired
    response = client.post("/api/v1/kiosk/heartbeat", headers=headers, json={"version": "k-abc123", "queue": 7})
    assert response.status_code == 200
    data = response.get_json()
    assert data["survey"]["version"] == 1
    assert data["settings"]["heartbeat_seconds"] == 60
    assert datetime.fromisoformat(data["server_time"]).tzinfo is not None
    with site.app_context():
        device = db.session.scalar(sa.select(KioskDevice))
        assert device.app_version == "k-abc123"
        assert device.queue_length == 7
        assert datetime.now(UTC) - device.last_seen_at < timedelta(seconds=10)


@pytest.mark.parametrize(
    "payload",
    [
        {"version": 5, "queue": 0},
        {"version": "x" * 33, "queue": 0},
        {"version": "k", "queue": -1},
        {"version": "k", "queue": "3"},
        {"version": "k", "queue": True},
        {"version": "k", "queue": 1.5},
        ["k", 1],
    ],
)
def test_heartbeat_bad_bodies_are_422(site, client, paired, payload):
    _token, headers = paired
    assert_json_error(client.post("/api/v1/kiosk/heartbeat", headers=headers, json=payload), 422)
    with site.app_context():
        device = db.session.scalar(sa.select(KioskDevice))
        assert device.app_version is None
        assert device.queue_length == 0


# ---------- pages ----------


def test_kiosk_shell_obeys_the_content_security_policy(site, client):
    page = client.get("/kiosk/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "style=" not in html
    assert not re.search(r"\son[a-z]+=", html)
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all('src="' in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert 'rel="manifest"' in html
    assert "user-scalable=no" in html
    # The service worker keeps only a shell of its own version.
    worker = client.get("/kiosk/sw.js").get_data(as_text=True)
    assert f'VERSION = "{page.headers["X-Kiosk-Version"]}"' in worker
    assert f'data-version="k-{page.headers["X-Kiosk-Version"]}"' in html


def test_service_worker_is_served_from_the_kiosk_path(site, client):
    response = client.get("/kiosk/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    source = response.get_data(as_text=True)
    assert "__KIOSK_VERSION__" not in source and "__KIOSK_PRECACHE__" not in source
    assert '"/kiosk/"' in source


def test_manifest_is_fullscreen(site, client):
    with client.get("/static/kiosk/manifest.webmanifest") as response:
        data = response.get_json(force=True)
    assert data["display"] == "fullscreen"
    assert data["start_url"] == "/kiosk/" and data["scope"] == "/kiosk/"


def test_openapi_documents_the_kiosk_endpoints(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    paths = document["paths"]
    for path in ("/api/v1/kiosk/pair", "/api/v1/kiosk/survey", "/api/v1/kiosk/responses", "/api/v1/kiosk/heartbeat"):
        assert path in paths
    responses = paths["/api/v1/kiosk/responses"]["post"]["responses"]
    assert {"200", "201", "401", "409", "413", "422", "429"} <= set(responses)
    assert "survey" in document["components"]["schemas"]["KioskResponse"]["properties"]


def test_kiosk_shell_carries_both_languages(site, client):
    html = client.get("/kiosk/?lang=en").get_data(as_text=True)
    assert '<html lang="en"' in html
    strings = json.loads(re.search(r'<script type="application/json" id="kiosk-strings">(.*?)</script>', html).group(1))
    assert strings["vi"]["thanks"] == "Cảm ơn Ông/Bà!"
    assert strings["en"]["thanks"] == "Thank you!"
    assert set(strings["vi"]) == set(strings["en"])
    assert strings["vi"]["language"] == "English" and strings["en"]["language"] == "Tiếng Việt"


def test_pair_kiosk_cli_refuses_an_inactive_point(site, point):
    with site.app_context():
        db.session.get(Point, point).active = False
        db.session.commit()
    result = site.test_cli_runner().invoke(args=["pair-kiosk", "H-HOIAN-P1"])
    assert result.exit_code != 0
    assert "not active" in result.output
    assert count(site, PairingCode) == 0
