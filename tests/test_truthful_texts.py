"""What the pages and the README say matches what the service does: one consent text, built from
the retention actually applied, shown by the kiosk and the survey and stored with the contact;
every setting README documents is read, and every setting read is documented or Flask's own."""

from __future__ import annotations

import html
import json
import re
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.audit import Actor
from core.extensions import db
from core.models import Point, Response, Unit
from core.org.devices import create_pairing_code
from tests.conftest import committing, csrf_token

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def site(make_app):
    app = make_app(CONTACT_RETENTION_DAYS=45)
    with committing(app):
        unit = Unit(code="H-HOIAN", name="Thanh tra thành phố Hội An", kind="district")
        point = Point(code="H-HOIAN-P1", name="Bộ phận tiếp công dân", unit=unit, public_token=uuid.uuid4().hex)
        db.session.add_all([unit, point])
        db.session.flush()
        app.pairing_code = create_pairing_code(Actor.cli(), point)
        app.poster = f"/s/{point.public_token}"
    return app


def kiosk_consent(client, lang: str) -> str:
    page = client.get("/kiosk/").get_data(as_text=True)
    strings = json.loads(re.search(r'id="kiosk-strings"[^>]*>(.*?)</script>', page, re.S).group(1))
    return strings[lang]["consent"]


def survey_consent(client, lang: str = "vi") -> tuple[str, str]:
    page = client.get(f"{client.application.poster}?lang={lang}").get_data(as_text=True)
    return html.unescape(re.search(r'name="consent" value="y"> <span>([^<]+)</span>', page).group(1)), page


def test_one_consent_text_from_the_retention_setting(site):
    client = site.test_client()
    shown_kiosk = kiosk_consent(client, "vi")
    shown_survey, _page = survey_consent(client)
    assert shown_kiosk == shown_survey
    assert "xoá sau 45 ngày" in shown_kiosk and "sau khi trả lời" not in shown_kiosk
    english = kiosk_consent(client, "en")
    assert english == survey_consent(client, "en")[0]
    assert "45 days" in english


def test_the_consent_shown_is_the_consent_stored_on_both_channels(site):
    client = site.test_client()
    shown, page = survey_consent(client)
    form = {
        "csrf_token": csrf_token(page),
        "response_id": re.search(r'name="response_id" value="([^"]+)"', page).group(1),
        "survey": re.search(r'name="survey" value="(\d+)"', page).group(1),
        "q_overall": "2",
        "consent": "y",
        "contact_phone": "0905 123 456",
    }
    assert client.post(site.poster, data=form).status_code == 302
    token = client.post("/api/v1/kiosk/pair", json={"code": site.pairing_code}).get_json()["token"]
    body = {"id": str(uuid.uuid4()), "answers": {"overall": 1}, "contact": {"phone": "0905", "consent": True}}
    assert (
        client.post("/api/v1/kiosk/responses", json=body, headers={"Authorization": f"Bearer {token}"}).status_code
        == 201
    )
    with site.app_context():
        texts = dict(db.session.execute(sa.select(Response.channel, Response.contact_consent_text)).all())
    assert texts == {"qr": shown, "kiosk": kiosk_consent(client, "vi")}


def _readme_settings() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return {
        name for row in re.findall(r"^\| (`[A-Z_`/ ]+`) \|", section, re.M) for name in re.findall(r"`([A-Z_]+)`", row)
    }


def test_every_documented_setting_is_read_from_the_environment():
    config = (ROOT / "core" / "config.py").read_text(encoding="utf-8")
    documented = _readme_settings()
    assert len(documented) >= 15
    read = set(re.findall(r'(?:environ\.get|_int|_flag)\(\s*"([A-Z_]+)"', config))
    assert documented - read == set(), "README documents settings the service never reads"


def test_every_setting_is_used_and_documented_or_flasks_own(tmp_path):
    from core import config

    keys = set(config.from_environment(str(tmp_path)))
    frameworks = ("SESSION_", "REMEMBER_", "RATELIMIT_", "BABEL_", "SQLALCHEMY_", "WTF_")
    flask_own = {"SECRET_KEY", "MAX_CONTENT_LENGTH", "LANGUAGES"}
    sources = [
        p.read_text(encoding="utf-8")
        for folder in ("app.py", "core", "kiosk", "survey", "admin")
        for p in ([ROOT / folder] if folder.endswith(".py") else (ROOT / folder).rglob("*.py"))
        if p.name != "config.py"
    ]
    unused = {key for key in keys if not key.startswith(frameworks) and not any(key in text for text in sources)}
    assert unused - flask_own == set(), "settings nobody reads"
    documented = _readme_settings() | {"SQLALCHEMY_DATABASE_URI"}
    own = {key for key in keys if not key.startswith(frameworks) and key not in flask_own}
    assert own - documented - {"ADMIN_MAX_CONTENT_LENGTH"} <= set()
