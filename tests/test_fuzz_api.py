"""Schemathesis over /api/v1/openapi.json, through the WSGI app: every documented operation gets
schema-conforming (positive) and schema-breaking (negative) requests, authenticated as a province
admin (admin API) or a paired tablet (kiosk API). No answer may be a 5xx, every status must be
documented, JSON errors must name the field, and a refused request stores nothing.

Bounded and reproducible: FUZZ_EXAMPLES (default 12) examples per operation and mode, derandomized.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
import uuid
from collections import Counter
from datetime import timedelta

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from core.audit import Actor
from core.extensions import db
from core.inputs import MAX_JSON_DEPTH, clean_text, text_problem
from core.models import Alert, Case, CompetitionPeriod, KioskDevice, Point, Response, User
from core.org.accounts import create_api_token
from core.org.devices import create_pairing_code
from core.ratings.responses import record_response
from core.timeutil import utcnow
from tests.conftest import committing

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# The property tests are cheap (no schema to walk): they get more examples.
PROPERTY_SETTINGS = settings(FUZZ_SETTINGS, max_examples=EXAMPLES * 5)
TRIED: Counter[str] = Counter()
# What the app answered, per operation and status: shows the fuzzing got past the front door.
ANSWERED: Counter[str] = Counter()
# Statuses that change nothing by definition: the request was refused.
REFUSED = range(400, 500)


@pytest.fixture(scope="module", autouse=True)
def report_inputs_tried(request):
    """Print how many requests the fuzzing sent (the issue's closing note quotes it)."""
    yield
    report_counts(request, "API (schemathesis cases and hypothesis examples)", TRIED)
    report_counts(request, "API, answers by status", ANSWERED)


def report_counts(request, label: str, counts: Counter) -> None:
    total = sum(counts.values())
    if getattr(request.config, "cache", None) is not None:
        request.config.cache.set(f"fuzz/{label}", dict(counts))
    lines = [f"fuzz inputs tried, {label}: {total}"] + [f"    {key}: {n}" for key, n in sorted(counts.items())]
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is None or capture is None:
        print("\n".join(lines))
        return
    # Past the capture, as live logging is: the count shows without -s.
    with capture.global_and_fixture_disabled():
        reporter.ensure_newline()
        for line in lines:
            reporter.write_line(line)


# ---------- the document covers the API ----------


def _template(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_every_api_rule_is_documented_with_its_methods_and_path_parameters(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")]
    assert len(rules) >= 14
    for rule in rules:
        path = _template(rule.rule)
        assert path in document["paths"], f"{rule.rule} is not in the OpenAPI document"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = document["paths"][path].get(method.lower())
            assert operation is not None, f"{method} {rule.rule} is not in the OpenAPI document"
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == set(rule.arguments), f"{method} {rule.rule}: path parameters {declared}"
            assert any(code.startswith("2") for code in operation["responses"]), f"{method} {rule.rule}: no 2xx"
            if method in ("POST", "PATCH"):
                body = operation["requestBody"]["content"]["application/json"]["schema"]
                assert body, f"{method} {rule.rule}: no request schema"
    # Nothing documented that the app does not serve.
    served = {_template(rule.rule) for rule in rules}
    assert set(document["paths"]) <= served


# ---------- the fuzzing ----------


@pytest.fixture
def fuzz_app(make_app):
    # The pairing throttle would turn every try after the fifth into 429 and hide the handler.
    return make_app(KIOSK_PAIR_LIMIT="100000 per minute", KIOSK_DEVICE_LIMIT="100000 per minute")


@pytest.fixture
def world(fuzz_app):
    """The demo province, a case and an alert at Tam Kỳ, a province admin's API token and a
    paired tablet's device token."""
    from core import demo as demo_module

    app = fuzz_app
    with committing(app):
        demo_module.load_demo(sample_days=0)
        point = db.session.scalar(sa.select(Point).where(Point.code == "H-TAMKY-P1"))
        # Four low answers in ten trip the default low-share rule (an alert); the commented 1 is a case.
        for minutes, overall in enumerate((1, 1, 2, 1, 5, 5, 5, 5, 5, 5)):
            record_response(
                response_id=uuid.uuid4(),
                point=point,
                channel="qr",
                answers={"overall": overall},
                comment="Phải chờ quá lâu" if overall == 1 else None,
                answered_at=(utcnow() - timedelta(minutes=10 + minutes)).isoformat(),
            )
        admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
        api_token = create_api_token(Actor.cli(), admin)[1]
        code = create_pairing_code(Actor.cli(), point)
    client = app.test_client()
    paired = client.post("/api/v1/kiosk/pair", json={"code": code})
    assert paired.status_code == 200
    with app.app_context():
        ids = {
            "case_id": db.session.scalar(sa.select(sa.func.min(Case.id))),
            "alert_id": db.session.scalar(sa.select(sa.func.min(Alert.id))),
            "period": db.session.scalar(sa.select(sa.func.min(CompetitionPeriod.code))),
        }
    assert all(ids.values()), ids
    return {
        "app": app,
        "admin": {"Authorization": f"Bearer {api_token}"},
        "device": {"Authorization": f"Bearer {paired.get_json()['token']}"},
        "ids": ids,
    }


def row_counts(app) -> dict[str, int]:
    """Rows per table: a refused request must leave every one as it was."""
    with app.app_context():
        tables = db.metadata.sorted_tables
        return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in tables}


def headers_for(world, path: str) -> dict:
    if path == "/api/v1/kiosk/pair" or path == "/api/v1/openapi.json":
        return {}
    return world["device"] if path.startswith("/api/v1/kiosk/") else world["admin"]


def assert_error_names_the_field(response, label: str) -> None:
    """A refused API request answers JSON {"error": {code, message, fields}}; 422 and 415 name
    the field (or `body`) at fault."""
    content_type = response.headers.get("content-type", [""])[0]  # lower-case names, lists of values
    assert content_type.startswith("application/json"), f"{label}: {response.status_code} {content_type}"
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}, label
    assert error["message"], label
    if response.status_code in (415, 422):
        assert error["fields"], f"{label}: {response.status_code} without the field at fault: {error}"


def fuzz(world, operation, mode: GenerationMode, **fixed) -> None:
    app = world["app"]
    path = operation.path
    label = f"{operation.method.upper()} {path} {mode.value}{' (known ids)' if fixed else ''}"
    headers = headers_for(world, path)
    checks = [not_a_server_error]
    checks += [schemathesis.checks.status_code_conformance, schemathesis.checks.content_type_conformance]
    if mode is GenerationMode.POSITIVE:
        checks.append(schemathesis.checks.response_schema_conformance)

    @FUZZ_SETTINGS
    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    def run(case):
        TRIED[f"{operation.method.upper()} {path}"] += 1
        before = row_counts(app) if case.method.upper() != "GET" else None
        response = case.call_and_validate(headers=headers, checks=checks)
        ANSWERED[f"{operation.method.upper()} {path} {mode.value} {response.status_code}"] += 1
        if response.status_code in REFUSED:
            assert_error_names_the_field(response, label)
            if before is not None:
                assert row_counts(app) == before, f"{label}: a refused request stored something"

    run()


@pytest.fixture
def schema(world):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", world["app"])


def operations(schema) -> list:
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
def test_every_operation_holds_under_fuzzing(world, schema, mode):
    found = operations(schema)
    # Every documented operation but the document itself, which schemathesis leaves out.
    assert len(found) == 13
    for operation in found:
        fuzz(world, operation, mode)


def test_operations_on_real_objects_hold_under_fuzzing(world, schema):
    """Random ids mostly meet 404; these runs aim the bodies at a real case, alert and period."""
    ids = world["ids"]
    by_path = {op.path: op for op in operations(schema)}
    fuzz(
        world, by_path["/api/v1/cases/{case_id}"], GenerationMode.POSITIVE, path_parameters={"case_id": ids["case_id"]}
    )
    fuzz(
        world, by_path["/api/v1/cases/{case_id}"], GenerationMode.NEGATIVE, path_parameters={"case_id": ids["case_id"]}
    )
    alert = by_path["/api/v1/alerts/{alert_id}/ack"]
    fuzz(world, alert, GenerationMode.NEGATIVE, path_parameters={"alert_id": ids["alert_id"]})
    fuzz(world, alert, GenerationMode.POSITIVE, path_parameters={"alert_id": ids["alert_id"]})
    fuzz(world, by_path["/api/v1/reports/competition"], GenerationMode.POSITIVE, query={"period": ids["period"]})


# ---------- hypothesis: the kiosk endpoints under poison input ----------

# What broke or could break a service: NUL, other controls, lone surrogates, the replacement
# character, right-to-left marks, Vietnamese composed and decomposed, emoji past the BMP.
VIETNAMESE = ["Phải chờ quá lâu", "Thái độ chưa tốt", "Hướng dẫn chưa rõ", "Nguyễn Thị Ánh", "Đề nghị cải thiện"]
SPECIALS = ["\x00", "\x07", "\x1b", "\x7f", "\ud800", "\udfff", "\ufffd", "\u202e", "\U0001f600", "\r\n", "'; --"]
SPECIALS += VIETNAMESE + [unicodedata.normalize("NFD", text) for text in VIETNAMESE]
poison_text = st.lists(st.one_of(st.text(max_size=6), st.sampled_from(SPECIALS)), max_size=8).map("".join)
huge_int = st.one_of(st.integers(min_value=2**63), st.integers(max_value=-(2**63) - 1))
odd_dates = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(["0001-01-01T00:00:00Z", "9999-12-31T23:59:59+00:00", "2024-02-30T10:00:00", "-1", "", "1e309"]),
    st.integers(min_value=-(2**70), max_value=2**70),
)
REASONS = ["wait", "attitude", "guidance", "procedure", "facilities", "other"]


def kiosk_world(app):
    """One unit, one point, one paired tablet; its headers."""
    from core.models import Unit

    with committing(app):
        unit = Unit(code="H-HOIAN", name="Thanh tra thành phố Hội An", kind="district")
        point = Point(code="H-HOIAN-P1", name="Bộ phận tiếp công dân", unit=unit, public_token=uuid.uuid4().hex)
        db.session.add_all([unit, point])
        db.session.flush()
        code = create_pairing_code(Actor.cli(), point)
    token = app.test_client().post("/api/v1/kiosk/pair", json={"code": code}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def tablet(fuzz_app):
    return fuzz_app, fuzz_app.test_client(), kiosk_world(fuzz_app)


def is_clean(text: str | None) -> bool:
    """Stored text holds no NUL, control or lone surrogate and is in NFC."""
    if text is None:
        return True
    return (
        text_problem(text) is None
        and not re.search("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
        and (unicodedata.is_normalized("NFC", text))
    )


def assert_refused_as_json(response, status_codes=(413, 415, 422)) -> dict:
    assert response.status_code in status_codes, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"} and error["message"]
    if response.status_code != 413:
        assert error["fields"], error
    return error


def post_json(client, path: str, document, headers) -> object:
    # ensure_ascii keeps lone surrogates as \\ud800 escapes: what a broken client would send.
    return client.post(path, data=json.dumps(document), content_type="application/json", headers=headers)


kiosk_body = st.fixed_dictionaries(
    {"id": st.one_of(st.uuids().map(str), poison_text)},
    optional={
        "answers": st.one_of(
            st.fixed_dictionaries(
                {"overall": st.integers(1, 5)}, optional={"welcome": st.one_of(st.integers(1, 5), huge_int)}
            ),
            st.dictionaries(poison_text, st.one_of(st.integers(), huge_int, poison_text), max_size=3),
        ),
        "reasons": st.lists(st.one_of(st.sampled_from(REASONS), poison_text), max_size=4),
        "comment": st.one_of(st.none(), poison_text, st.text(min_size=1990, max_size=2100)),
        "contact": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {"name": poison_text, "phone": st.from_regex(r"\A0[0-9]{9}\Z"), "consent": st.just(True)}
            ),
        ),
        "answered_at": odd_dates,
        "survey": st.one_of(st.integers(-3, 3), huge_int, poison_text),
    },
)


def test_kiosk_submit_stores_clean_text_or_refuses_naming_the_field(tablet):
    """Anything in any field: never a 5xx; stored text is clean; a refusal is JSON naming the
    field and stores nothing."""
    app, client, headers = tablet

    @PROPERTY_SETTINGS
    @given(body=kiosk_body)
    def submit(body):
        TRIED["hypothesis POST /api/v1/kiosk/responses"] += 1
        before = row_counts(app)
        response = post_json(client, "/api/v1/kiosk/responses", body, headers)
        ANSWERED[f"hypothesis POST /api/v1/kiosk/responses {response.status_code}"] += 1
        assert response.status_code < 500
        if response.status_code in (200, 201):
            with app.app_context():
                stored = db.session.get(Response, uuid.UUID(response.get_json()["id"]))
                assert is_clean(stored.comment) and is_clean(stored.contact_name)
            assert (row_counts(app)["responses"] - before["responses"]) == (response.status_code == 201)
        else:
            assert_refused_as_json(response, (409, 422))
            assert row_counts(app) == before

    submit()


def test_a_well_formed_answer_with_poison_text_is_kept_clean(tablet):
    """Poison only in the free text (comment, contact name): the citizen's answer is kept (201),
    the text stored as clean_text made it: no NUL, no control, no lone surrogate, NFC."""
    app, client, headers = tablet

    @PROPERTY_SETTINGS
    @given(
        overall=st.integers(1, 5),
        reasons=st.lists(st.sampled_from(REASONS), unique=True, max_size=3),
        comment=poison_text,
        name=poison_text.map(lambda text: text[:60]),
    )
    def submit(overall, reasons, comment, name):
        TRIED["hypothesis POST /api/v1/kiosk/responses (poison text)"] += 1
        body = {"id": str(uuid.uuid4()), "answers": {"overall": overall}, "reasons": reasons, "comment": comment}
        body["contact"] = {"name": name, "phone": "0905123456", "consent": True}
        response = post_json(client, "/api/v1/kiosk/responses", body, headers)
        ANSWERED[f"hypothesis POST /api/v1/kiosk/responses (poison text) {response.status_code}"] += 1
        assert response.status_code == 201, response.get_data(as_text=True)
        with app.app_context():
            stored = db.session.get(Response, uuid.UUID(body["id"]))
            assert stored.comment == (clean_text(comment).strip() or None)
            assert stored.contact_name == (clean_text(name).strip() or None)
            assert is_clean(stored.comment) and is_clean(stored.contact_name)

    submit()


def test_an_answer_time_past_the_calendar_is_flagged_or_refused(tablet):
    """Dates out of range: stored with a flag (a tablet clock gone wrong) or 422 naming
    answered_at; never a 5xx, never stored when refused."""
    app, client, headers = tablet

    @PROPERTY_SETTINGS
    @given(moment=odd_dates)
    def submit(moment):
        TRIED["hypothesis POST /api/v1/kiosk/responses (answered_at)"] += 1
        before = row_counts(app)["responses"]
        body = {"id": str(uuid.uuid4()), "answers": {"overall": 4}, "answered_at": moment}
        response = post_json(client, "/api/v1/kiosk/responses", body, headers)
        ANSWERED[f"hypothesis POST /api/v1/kiosk/responses (answered_at) {response.status_code}"] += 1
        if response.status_code == 201:
            assert row_counts(app)["responses"] == before + 1
        else:
            error = assert_refused_as_json(response)
            assert set(error["fields"]) == {"answered_at"} or "body" in error["fields"], error
            assert row_counts(app)["responses"] == before

    submit()


@pytest.mark.parametrize("path", ["/api/v1/kiosk/responses", "/api/v1/kiosk/heartbeat", "/api/v1/kiosk/pair"])
def test_kiosk_bodies_that_are_not_json_deep_huge_or_too_big_are_refused(tablet, path):
    app, client, headers = tablet
    broken_utf8 = st.sampled_from([b"\xff\xfe", b'{"id": "\xc3"}', b'{"comment": "\xed\xa0\x80"}', b"\x80" * 10])
    nested = st.tuples(st.integers(MAX_JSON_DEPTH + 1, 5000), st.sampled_from("[{")).map(
        lambda t: ('{"a":' * t[0] + "1" + "}" * t[0]) if t[1] == "{" else "[" * t[0] + "]" * t[0]
    )
    body = st.one_of(
        st.binary(max_size=200),
        broken_utf8,
        nested.map(str.encode),
        huge_int.map(lambda n: json.dumps({"queue": n, "answers": {"overall": n}, "code": n}).encode()),
        st.integers(64 * 1024 + 1, 300 * 1024).map(lambda n: b'{"comment": "' + b"a" * n + b'"}'),
    )

    @PROPERTY_SETTINGS
    @given(
        raw=body, content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"])
    )
    def send(raw, content_type):
        TRIED[f"hypothesis raw {path}"] += 1
        before = row_counts(app)
        response = client.post(path, data=raw, content_type=content_type, headers=headers)
        ANSWERED[f"hypothesis raw {path} {response.status_code}"] += 1
        assert response.status_code < 500
        if len(raw) > 64 * 1024:
            assert response.status_code == 413
        elif content_type != "application/json":
            assert response.status_code == 415
        if response.status_code >= 400:
            assert_refused_as_json(response)
            assert row_counts(app) == before
        else:
            # Only arbitrary bytes that happen to be a usable JSON object get through.
            assert isinstance(json.loads(raw), dict)

    send()


def test_a_comment_in_nfd_is_the_same_answer_as_in_nfc(tablet):
    """A tablet whose keyboard decomposes Vietnamese retries an answer: same id, same text in the
    other normalisation form. It is one answer (200 replay, not 409), stored in NFC."""
    app, client, headers = tablet
    letters = st.sampled_from(list("aăâeêioôơuưyđ ạảãàáặẳẵằắậẩẫầấẹẻẽèéệểễềếịỉĩìíọỏõòóộổỗồốợởỡờớụủũùúựửữừứỵỷỹỳý"))

    @PROPERTY_SETTINGS
    @given(text=st.lists(letters, min_size=1, max_size=40).map("".join).filter(str.strip), nfd_first=st.booleans())
    def twice(text, nfd_first):
        TRIED["hypothesis NFC/NFD POST /api/v1/kiosk/responses"] += 2
        nfc, nfd = unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)
        first, second = (nfd, nfc) if nfd_first else (nfc, nfd)
        rid = str(uuid.uuid4())
        body = {"id": rid, "answers": {"overall": 2}, "reasons": ["wait"], "comment": first}
        assert post_json(client, "/api/v1/kiosk/responses", body, headers).status_code == 201
        again = post_json(client, "/api/v1/kiosk/responses", {**body, "comment": second}, headers)
        assert again.status_code == 200 and again.get_json()["created"] is False
        with app.app_context():
            assert db.session.get(Response, uuid.UUID(rid)).comment == nfc.strip()

    twice()


def test_pairing_with_poison_codes_and_names_pairs_nothing(tablet):
    app, client, _headers = tablet

    @PROPERTY_SETTINGS
    @given(
        body=st.fixed_dictionaries(
            {}, optional={"code": st.one_of(poison_text, huge_int, st.none()), "name": st.one_of(poison_text, huge_int)}
        )
    )
    def pair(body):
        TRIED["hypothesis POST /api/v1/kiosk/pair"] += 1
        before = row_counts(app)
        response = post_json(client, "/api/v1/kiosk/pair", body, {})
        error = assert_refused_as_json(response, (404, 422))
        assert set(error["fields"]) & {"code", "name", "body"}
        assert row_counts(app) == before

    pair()


def test_heartbeat_stores_clean_telemetry_or_refuses_naming_the_field(tablet):
    app, client, headers = tablet
    count = st.one_of(st.integers(0, 10), st.integers(), huge_int, poison_text, st.booleans(), st.floats())

    @PROPERTY_SETTINGS
    @given(
        body=st.fixed_dictionaries(
            {},
            optional={"version": poison_text, "queue": count, "rejected": count, "rejected_reason": poison_text},
        )
    )
    def beat(body):
        TRIED["hypothesis POST /api/v1/kiosk/heartbeat"] += 1
        with app.app_context():
            before = db.session.scalar(sa.select(KioskDevice.app_version))
        response = post_json(client, "/api/v1/kiosk/heartbeat", body, headers)
        ANSWERED[f"hypothesis POST /api/v1/kiosk/heartbeat {response.status_code}"] += 1
        with app.app_context():
            device = db.session.scalar(sa.select(KioskDevice))
            if response.status_code == 200:
                assert is_clean(device.app_version) and is_clean(device.rejected_reason)
                if "version" in body:
                    assert device.app_version == clean_text(body["version"]).strip()
            else:
                error = assert_refused_as_json(response)
                assert set(error["fields"]) <= {"version", "queue", "rejected", "rejected_reason", "body"}
                assert device.app_version == before

    beat()
