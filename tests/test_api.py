"""The admin JSON API: bearer tokens, scoping per role, the report contract, JSON errors."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from core.audit import Actor
from core.extensions import db
from core.models import Point, User
from core.org.accounts import create_api_token, create_user
from core.timeutil import local_today, utcnow
from tests import factories as f
from tests.conftest import committing


@pytest.fixture
def tokens(demo):
    with committing(demo):
        create_user(Actor.cli(), "dienban", "viewer", "viewer-pass-1", "H-DIENBAN")
        return {
            name: create_api_token(Actor.cli(), db.session.scalar(sa.select(User).where(User.username == name)))[1]
            for name in ("admin", "hoian", "xem", "dienban")
        }


def get(client, path, token):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def test_units_are_scoped_to_the_callers_subtree(client, tokens):
    everything = get(client, "/api/v1/units", tokens["admin"]).get_json()
    assert len(everything) == 39
    tam_ky = next(u for u in everything if u["code"] == "H-TAMKY")
    assert tam_ky == {
        "code": "H-TAMKY",
        "name": "Thanh tra thành phố Tam Kỳ",
        "kind": "district",
        "parent": "TTT",
        "group": "cum-dong-bang",
    }
    assert [u["code"] for u in get(client, "/api/v1/units", tokens["hoian"]).get_json()] == ["H-HOIAN"]
    assert len(get(client, "/api/v1/units", tokens["xem"]).get_json()) == 39  # viewer of the root unit
    assert [u["code"] for u in get(client, "/api/v1/units", tokens["dienban"]).get_json()] == ["H-DIENBAN"]


def test_points_carry_their_survey_url_and_are_scoped(client, tokens):
    points = get(client, "/api/v1/points", tokens["hoian"]).get_json()
    assert [p["code"] for p in points] == ["H-HOIAN-P1", "H-HOIAN-P2"]
    assert all(p["unit"] == "H-HOIAN" for p in points)
    assert points[0]["survey_url"].startswith("http://test.local/s/")
    assert client.get(points[0]["survey_url"].removeprefix("http://test.local")).status_code == 200
    assert len(get(client, "/api/v1/points", tokens["admin"]).get_json()) == 57


def test_satisfaction_report_contract_and_scope(client, tokens, demo):
    with demo.app_context():
        point = db.session.scalar(sa.select(Point).where(Point.code == "H-HOIAN-P1"))
        when = utcnow() - timedelta(days=1)
        f.stored_response(point, when, overall=5, welcome=4)
        f.stored_response(point, when, overall=2)
        f.stored_response(point, when, flag="misuse", overall=1)
        other = db.session.scalar(sa.select(Point).where(Point.code == "H-TAMKY-P1"))
        f.stored_response(other, when, overall=1)
        db.session.commit()
    rows = get(client, "/api/v1/reports/satisfaction", tokens["hoian"]).get_json()
    assert [row["unit"] for row in rows] == ["H-HOIAN"]
    row = rows[0]
    contract = {"unit", "name", "group", "responses", "flagged", "index", "criteria", "ranked", "rank"}
    # The contract's fields, and two documented extensions: the index's interval, and whether the
    # unit ranked just above is significantly different.
    assert set(row) == contract | {"index_ci95", "close_to_previous"}
    assert (row["responses"], row["flagged"], row["group"]) == (2, 1, "cum-dong-bang")
    assert row["criteria"]["overall"]["answers"] == 2 and row["criteria"]["overall"]["index"] == 50.0
    assert row["criteria"]["welcome"] == {
        "answers": 1,
        "index": 100.0,
        "mean": 4.0,
        "ci95": [pytest.approx(20.654, abs=1e-3), 100.0],
    }
    assert row["index"] == 75.0 and row["ranked"] is False and row["rank"] is None
    everyone = get(client, "/api/v1/reports/satisfaction", tokens["admin"]).get_json()
    assert len(everyone) == 39
    assert next(r for r in everyone if r["unit"] == "H-TAMKY")["responses"] == 1


def test_report_date_range_is_local_and_both_ends_included(client, tokens, demo):
    today = local_today()
    with demo.app_context():
        point = db.session.scalar(sa.select(Point).where(Point.code == "H-HOIAN-P1"))
        f.stored_response(point, f.local(today.year, today.month, today.day, 0, 5), overall=5)
        db.session.commit()
    path = f"/api/v1/reports/satisfaction?from={today}&to={today}"
    response = get(client, path, tokens["hoian"])
    assert response.headers["X-Report-From"] == today.isoformat()
    assert response.get_json()[0]["responses"] == 1
    yesterday = today - timedelta(days=1)
    assert get(client, f"/api/v1/reports/satisfaction?to={yesterday}", tokens["hoian"]).get_json()[0]["responses"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=2026-02-30", "from"), ("to=tomorrow", "to"), ("from=2026-03-02&to=2026-03-01", "from")],
)
def test_bad_report_parameters_are_422_json(client, tokens, query, field):
    response = get(client, f"/api/v1/reports/satisfaction?{query}", tokens["admin"])
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("path", ["/api/v1/units", "/api/v1/points", "/api/v1/reports/satisfaction"])
@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic YWRtaW46YWRtaW4=", "Bearer "])
def test_admin_api_needs_a_valid_token(client, tokens, path, header):
    headers = {"Authorization": header} if header else {}
    response = client.get(path, headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_revoked_token_or_inactive_user_is_refused(client, tokens, demo):
    from core.models import ApiToken

    with demo.app_context():
        db.session.execute(sa.update(ApiToken).values(revoked_at=utcnow()))
        db.session.commit()
    assert get(client, "/api/v1/units", tokens["admin"]).status_code == 401


def test_session_login_also_opens_the_api(client, auth, demo):
    assert auth.login("hoian", "demo-hoian-2026").status_code == 302
    assert [u["code"] for u in client.get("/api/v1/units").get_json()] == ["H-HOIAN"]


def test_unknown_api_paths_and_methods_answer_json(client):
    missing = client.get("/api/v1/nothing")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    wrong = client.delete("/api/v1/units")
    assert wrong.status_code == 405 and "error" in wrong.get_json()


def test_openapi_document_describes_every_api_route(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method.lower()) in documented, f"{method} {rule.rule} is not in the OpenAPI document"


def test_empty_dates_mean_the_default_range_as_on_the_report_pages(client, tokens, auth):
    """The API and the report pages share one reading of `from`/`to`."""
    default = get(client, "/api/v1/reports/satisfaction", tokens["hoian"])
    empty = get(client, "/api/v1/reports/satisfaction?from=&to=", tokens["hoian"])
    assert empty.status_code == 200
    assert (empty.headers["X-Report-From"], empty.headers["X-Report-To"]) == (
        default.headers["X-Report-From"],
        default.headers["X-Report-To"],
    )
    auth.login("hoian", "demo-hoian-2026")
    first, last = (date.fromisoformat(default.headers[h]) for h in ("X-Report-From", "X-Report-To"))
    page = client.get("/admin/reports/units?from=&to=").get_data(as_text=True)
    assert f"{first:%d/%m/%Y} – {last:%d/%m/%Y}" in page


@pytest.mark.parametrize("token_of", ["hoian", "xem"])
def test_the_api_answers_a_token_with_its_owners_scope(client, tokens, token_of):
    units = {u["code"] for u in get(client, "/api/v1/units", tokens[token_of]).get_json()}
    points = {p["unit"] for p in get(client, "/api/v1/points", tokens[token_of]).get_json()}
    report = {r["unit"] for r in get(client, "/api/v1/reports/satisfaction", tokens[token_of]).get_json()}
    assert points <= units and report == units
    assert ("H-TAMKY" in units) is (token_of == "xem")
