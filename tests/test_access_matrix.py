"""The all-doors access matrix: every rule of app.url_map × role (anonymous, a paired kiosk device,
viewer, unit manager, province admin) × own or other unit.

The admin door's four signed-in-or-not roles are checked by tests/test_admin_access.py, whose ROUTES
table this file reuses rather than copies. This file adds what that one leaves out: the kiosk, the
QR survey, the public page, health and static files for every role, and the device role (a paired
tablet's bearer token) on every admin route, files included (evidence, export jobs, posters). It is
also the one place that proves every rule of url_map is classified."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from flask import url_for

from core.audit import Actor
from core.competition import reviews
from core.extensions import db
from core.models import FrozenReview, KioskDevice, Response
from core.org.devices import create_pairing_code, pair_device
from core.ratings.visit_codes import create_visit_codes
from tests.conftest import committing, csrf_token
from tests.test_admin_access import API_BODIES, API_LEVELS, FORMS, ROUTES, admin_rules
from tests.test_admin_access import ROLES as ADMIN_ROLES
from tests.test_admin_access import _cases as admin_cases
from tests.test_admin_access import _objects as admin_objects
from tests.test_admin_support import OTHER_POINT, OWN_POINT, login_as, point
from tests.test_security_headers import page_header_problems

ROLES = ("anonymous", "device", "viewer", "unit_manager", "province_admin")

# The doors other than admin: endpoint -> how it is reached.
#   public     anyone, whatever credential comes along
#   pairing    the one-time pairing code in the body is the credential, whoever sends it
#   device     a paired device's bearer token only; a browser session or user token is not one
#   published  anyone, once the office has published the frozen review; 404 for everyone before
#   qr         anyone, for the QR or visit code of any unit's point (the poster hangs in public)
DOORS = {
    "healthz": "public",
    "static": "public",
    "kiosk.index": "public",
    "kiosk.pair": "public",
    "kiosk.service_worker": "public",
    "kiosk.api_pair": "pairing",
    "kiosk.api_survey": "device",
    "kiosk.api_responses": "device",
    "kiosk.api_heartbeat": "device",
    "public.index": "public",
    "public.tv": "public",
    "public.review": "published",
    "public.review_chart": "published",
    "survey.point_survey": "qr",
    "survey.visit_survey": "qr",
    "survey.thanks": "public",
}
# The files of the admin door: they must be in the matrix, for the device role too.
FILE_ROUTES = ("admin.evidence_file", "admin.export_job_file", "admin.point_poster", "admin.unit_posters")
PUBLISHED = {"period": "2023-2024", "stage": "tong_ket"}
UNPUBLISHED = {"period": "2023-2024", "stage": "so_ket"}


def test_every_rule_of_the_url_map_is_classified(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    classified = ROUTES.keys() | DOORS.keys()
    assert ROUTES.keys() & DOORS.keys() == set()
    assert endpoints - classified == set(), "classify the new route(s): admin in test_admin_access.ROUTES, else DOORS"
    assert classified - endpoints == set(), "a classified route no longer exists"
    assert {rule.endpoint for rule in admin_rules(app)} == ROUTES.keys()
    assert set(FILE_ROUTES) <= ROUTES.keys()


def _door_objects(app) -> dict:
    """What the other doors need: the published tổng kết, QR and visit codes of both units' points,
    a paired tablet at the own point and fresh pairing codes for every role."""
    with committing(app):
        cli = Actor.cli()
        own, other = point(OWN_POINT), point(OTHER_POINT)
        review = db.session.scalar(sa.select(FrozenReview).where(FrozenReview.stage == "tong_ket"))
        reviews.set_published(cli, review, True)
        tablet = pair_device(create_pairing_code(cli, own), "Quầy ma trận")
        pairing = {role: [create_pairing_code(cli, own), create_pairing_code(cli, other)] for role in ROLES}
        return {
            "device_token": tablet.token,
            "device_id": tablet.device.id,
            "qr": ({"token": own.public_token}, {"token": other.public_token}),
            "visit": ({"code": create_visit_codes(cli, own, 1)[0]}, {"code": create_visit_codes(cli, other, 1)[0]}),
            "pairing": pairing,
            "units": (own.unit.name, other.unit.name),
        }


def _door_cases(doors: dict, endpoint: str, role: str) -> list[tuple[str, dict, dict | None]]:
    """(label, URL values, JSON body) for each case of a non-admin route."""
    kind = DOORS[endpoint]
    if endpoint == "static":
        return [("own", {"filename": "css/base.css"}, None)]
    if kind == "published":
        return [("published", PUBLISHED, None), ("unpublished", UNPUBLISHED, None)]
    if endpoint == "survey.point_survey":
        return [(label, values, None) for label, values in zip(("own", "other"), doors["qr"], strict=True)]
    if endpoint == "survey.visit_survey":
        return [(label, values, None) for label, values in zip(("own", "other"), doors["visit"], strict=True)]
    if kind == "pairing":
        own_code, other_code = doors["pairing"][role]
        return [("own", {}, {"code": own_code, "name": role}), ("other", {}, {"code": other_code, "name": role})]
    if endpoint == "kiosk.api_responses":
        return [("own", {}, {"id": str(uuid.uuid4()), "answers": {"overall": 5}})]
    if endpoint == "kiosk.api_heartbeat":
        return [("own", {}, {"version": "matrix", "queue": 0})]
    return [("own", {}, None)]


def _door_expected(endpoint: str, role: str, label: str) -> set[int]:
    kind = DOORS[endpoint]
    if kind == "device":
        if role != "device":
            return {401}
        return {201} if endpoint == "kiosk.api_responses" else {200}
    if kind == "published":
        return {200} if label == "published" else {404}
    return {200}


def _admin_expected_for_device(endpoint: str) -> set[int]:
    """A device token opens no admin page and no report API: it is not an account."""
    level = ROUTES[endpoint][0]
    if level == "public":
        return {200}
    return {401} if level in API_LEVELS else {302}


def _client(app, role: str, device_token: str):
    client = app.test_client()
    headers = {}
    if role == "device":
        headers["Authorization"] = f"Bearer {device_token}"
    if role in ("anonymous", "device"):
        token = csrf_token(client.get("/admin/login", headers=headers).get_data(as_text=True))
    else:
        login_as(client, role)
        token = csrf_token(client.get("/admin/password").get_data(as_text=True))
    return client, headers, token


def _send(client, rule, url: str, headers: dict, token: str, role: str, body: dict | None):
    methods = rule.methods - {"HEAD", "OPTIONS"}
    if "GET" in methods:
        return client.get(url, headers=headers)
    if body is not None or rule.endpoint in API_BODIES:
        body = body if body is not None else API_BODIES[rule.endpoint]
        method = next(iter(methods))
        return client.open(url, method=method, json=body, headers={**headers, "X-CSRFToken": token})
    form = FORMS.get(rule.endpoint, lambda _r: {})(role)
    return client.post(url, data={**form, "csrf_token": token}, headers=headers)


class Matrix:
    def __init__(self):
        self.failures: list[str] = []
        self.header_failures: list[str] = []
        self.checked: set[tuple[str, str, str]] = set()

    def check(self, response, expected: set[int], role: str, endpoint: str, label: str, url: str) -> None:
        self.checked.add((endpoint, role, label))
        if response.status_code not in expected:
            self.failures.append(f"{role} {url} ({label}): {response.status_code}, expected {sorted(expected)}")
        if response.mimetype == "text/html":
            self.header_failures += [f"{role} {url}: {problem}" for problem in page_header_problems(response)]


@pytest.fixture
def matrix_app(demo, tmp_path):
    demo.instance_path = str(tmp_path)  # evidence files land in the test's own folder
    demo.config["EXPORT_DIR"] = str(tmp_path / "exports")
    # Twenty QR pages from one address are the matrix, not a flood.
    demo.config["SURVEY_RATE_LIMIT"] = "1000 per minute"
    return demo


def test_every_door_as_every_role(matrix_app, capsys):
    app = matrix_app
    objects = admin_objects(app)
    doors = _door_objects(app)
    matrix = Matrix()
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint == "admin.logout", r.endpoint))
    for role in ROLES:
        client, headers, token = _client(app, role, doors["device_token"])
        for rule in rules:
            if rule.endpoint in ROUTES:
                if role != "device":
                    continue  # the four other roles: tests/test_admin_access.py
                cases = [
                    (label, values, None)
                    for label, values in admin_cases(objects, rule.endpoint, ROUTES[rule.endpoint][1], role)
                ]
                expected = _admin_expected_for_device(rule.endpoint)
            else:
                cases = _door_cases(doors, rule.endpoint, role)
            for label, values, body in cases:
                if rule.endpoint not in ROUTES:
                    expected = _door_expected(rule.endpoint, role, label)
                with app.test_request_context():
                    url = url_for(rule.endpoint, **values)
                response = _send(client, rule, url, headers, token, role, body)
                response.close()  # a file answer holds its file open until closed
                matrix.check(response, expected, role, rule.endpoint, label, url)
                _check_content(response, role, rule.endpoint, label, doors)

    assert not matrix.failures, "\n".join(matrix.failures)
    for endpoint in FILE_ROUTES:  # the files: a tablet's token fetches none, own unit's or other's
        assert {(endpoint, "device", "own"), (endpoint, "device", "other")} <= matrix.checked or (
            (endpoint, "device", "own") in matrix.checked and ROUTES[endpoint][1] == "unit_id"
        ), endpoint
    assert not matrix.header_failures, "\n".join(matrix.header_failures)
    _check_the_tablet_wrote_only_its_own_point(app, doors)

    admin_cases_elsewhere = sum(
        len(admin_cases(objects, endpoint, kind, role))
        for role in ADMIN_ROLES
        for endpoint, (_level, kind) in ROUTES.items()
    )
    routes = len({rule.endpoint for rule in rules})
    checked = len(matrix.checked)
    assert checked >= len(ROUTES) + 2 * len(DOORS)
    with capsys.disabled():
        print(
            f"\naccess matrix: {routes} routes; {checked} route × role × own/other cases checked here "
            f"(every role on the other doors, the device on admin) + {admin_cases_elsewhere} in "
            f"test_admin_access (4 roles on admin) = {checked + admin_cases_elsewhere} routes × roles covered"
        )


def _check_content(response, role: str, endpoint: str, label: str, doors: dict) -> None:
    """Beyond the status: the right thing behind the door, and the refusal in the door's own form."""
    if response.status_code == 302 and role in ("anonymous", "device"):
        assert "/admin/login" in response.location, f"{endpoint}: redirected to {response.location}"
    if DOORS.get(endpoint) == "device" and role != "device":
        assert response.get_json()["error"]["code"] == "unauthorized"
    if endpoint == "kiosk.api_survey" and role == "device":
        assert response.get_json()["point"]["code"] == OWN_POINT
    if endpoint == "survey.point_survey":
        # Another unit's QR page is that unit's page, for every caller.
        own_name, other_name = doors["units"]
        assert (own_name if label == "own" else other_name) in response.get_data(as_text=True)
    if endpoint == "kiosk.api_pair":
        assert response.get_json()["point"]["code"] == (OWN_POINT if label == "own" else OTHER_POINT)


def _check_the_tablet_wrote_only_its_own_point(app, doors: dict) -> None:
    """Five roles posted an answer to the device API; only the tablet's was stored, at its point."""
    with app.app_context():
        written = db.session.scalars(
            sa.select(Response).where(Response.channel == "kiosk", Response.device_id.is_not(None))
        ).all()
        assert [(row.device_id, row.point.code) for row in written] == [(doors["device_id"], OWN_POINT)]
        device = db.session.get(KioskDevice, doors["device_id"])
        assert device.last_seen_at is not None  # its heartbeat got through
