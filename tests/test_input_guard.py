"""The one input guard, tried with what broke the service before: NUL characters, unpaired
surrogates, integers past their column, dates past the calendar, JSON nested deep, text past its
column. Never a 500, on SQLite or PostgreSQL; free text is cleaned and the answer kept, anything
else is refused naming the field, and nothing refused is stored."""

from __future__ import annotations

import json
import unicodedata
import uuid

import pytest
import sqlalchemy as sa

from core.audit import Actor
from core.extensions import db
from core.inputs import MAX_JSON_DEPTH, clean_text, json_body
from core.models import KioskDevice, Point, Response, Unit
from core.org.devices import create_pairing_code
from tests.conftest import committing, csrf_token
from tests.test_kiosk_api import assert_json_error

# ---------- the guard itself ----------


def test_clean_text_drops_controls_replaces_surrogates_and_composes():
    decomposed = unicodedata.normalize("NFD", "Chờ lâu")
    assert decomposed != "Chờ lâu"
    assert clean_text(f"a\x00b\x07c\td\ne\r\n\ud800f {decomposed}") == "abc\td\ne\r\n\ufffdf Chờ lâu"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[" * 1000 + "]" * 1000, "body"),
        ("[" * (MAX_JSON_DEPTH + 2) + "]" * (MAX_JSON_DEPTH + 2), "body"),
        ('{"a": ' * 40 + "1" + "}" * 40, "body"),
        ('{"n": ' + str(2**64) + "}", "body"),
        ("{", "body"),
        ("1" * 5000, "body"),
    ],
)
def test_json_body_refuses_what_no_client_sends(text, field):
    from core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as raised:
        json_body("application/json", text.encode())
    assert field in raised.value.fields


def test_json_body_cleans_every_string_keys_included():
    document = json_body("application/json", json.dumps({"k\x00ey": ["v\x00", {"x": "\ud800"}]}).encode())
    assert document == {"key": ["v", {"x": "\ufffd"}]}


# ---------- the kiosk API ----------


@pytest.fixture
def tablet(app, client):
    """A paired tablet's headers (one unit, one point)."""
    with committing(app):
        unit = Unit(code="H-HOIAN", name="Thanh tra thành phố Hội An", kind="district")
        point = Point(code="H-HOIAN-P1", name="Bộ phận tiếp công dân", unit=unit, public_token=uuid.uuid4().hex)
        db.session.add_all([unit, point])
        db.session.flush()
        code = create_pairing_code(Actor.cli(), point)
    token = client.post("/api/v1/kiosk/pair", json={"code": code}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def send_raw(client, path: str, text: str, headers=None):
    """A body as raw JSON text, so escapes like \\ud800 reach the server as the client wrote them."""
    return client.post(path, data=text.encode(), content_type="application/json", headers=headers or {})


def stored(app) -> list[Response]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Response)))


@pytest.mark.parametrize(
    ("comment_json", "kept"),
    [
        ('"Chờ\\u0000 lâu"', "Chờ lâu"),
        ('"Chờ lâu \\ud800"', "Chờ lâu \ufffd"),
        ('"\\udc00\\u0000"', "\ufffd"),
        (json.dumps(unicodedata.normalize("NFD", "Phải chờ lâu")), "Phải chờ lâu"),
    ],
)
def test_a_poison_comment_is_cleaned_and_the_answer_kept_once(app, client, tablet, comment_json, kept):
    rid = str(uuid.uuid4())
    text = f'{{"id": "{rid}", "answers": {{"overall": 2}}, "comment": {comment_json}}}'
    first = send_raw(client, "/api/v1/kiosk/responses", text, tablet)
    assert first.status_code == 201, first.get_data(as_text=True)
    # The tablet retries the very same bytes after a lost reply: the same answer, counted once.
    again = send_raw(client, "/api/v1/kiosk/responses", text, tablet)
    assert again.status_code == 200 and again.get_json() == {"id": rid, "created": False}
    [row] = stored(app)
    assert (str(row.id), row.comment) == (rid, kept)


def test_poison_contact_details_are_cleaned(app, client, tablet):
    text = (
        f'{{"id": "{uuid.uuid4()}", "answers": {{"overall": 1}}, "contact": {{"name": "Trần\\u0000 Bình\\ud800", '
        '"phone": "0905\\u0000123456", "consent": true}}'
    )
    assert send_raw(client, "/api/v1/kiosk/responses", text, tablet).status_code == 201
    [row] = stored(app)
    assert (row.contact_name, row.contact_phone) == ("Trần Bình\ufffd", "0905123456")
    assert "180 ngày" in row.contact_consent_text


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"survey": 2**31}, "survey"),
        ({"survey": 2**63 - 1}, "survey"),
        ({"survey": -1}, "survey"),
        ({"survey": True}, "survey"),
        ({"answers": {"overall": 2**40}}, "answers.overall"),
        ({"answered_at": "0001-01-01T00:00:00"}, "answered_at"),
        ({"answered_at": "9999-12-31T23:00-05:00"}, "answered_at"),
        ({"answered_at": "2026-02-30T10:00:00"}, "answered_at"),
        ({"comment": "x" * 2001}, "comment"),
    ],
)
def test_values_past_their_column_or_calendar_are_422_naming_the_field(app, client, tablet, extra, field):
    body = {"id": str(uuid.uuid4()), "answers": {"overall": 5}, **extra}
    error = assert_json_error(client.post("/api/v1/kiosk/responses", json=body, headers=tablet), 422)
    assert field in error["fields"], error
    assert stored(app) == []


@pytest.mark.parametrize("number", [2**64, -(2**70)])
def test_integers_past_64_bits_are_422(app, client, tablet, number):
    text = json.dumps({"id": str(uuid.uuid4()), "answers": {"overall": number}})
    error = assert_json_error(send_raw(client, "/api/v1/kiosk/responses", text, tablet), 422)
    assert "body" in error["fields"]
    assert stored(app) == []


def test_a_clock_from_year_one_in_utc_is_stored_but_flagged(app, client, tablet):
    body = {"id": str(uuid.uuid4()), "answers": {"overall": 5}, "answered_at": "0001-01-01T12:00:00Z"}
    assert client.post("/api/v1/kiosk/responses", json=body, headers=tablet).status_code == 201
    [row] = stored(app)
    assert row.flag == "clock"


@pytest.mark.parametrize("path", ["/api/v1/kiosk/pair", "/api/v1/kiosk/responses", "/api/v1/kiosk/heartbeat"])
@pytest.mark.parametrize("depth", [1000, MAX_JSON_DEPTH + 1])
def test_json_nested_deep_is_422_everywhere(app, client, tablet, path, depth):
    text = '{"id": ' + "[" * depth + "]" * depth + "}"
    error = assert_json_error(send_raw(client, path, text, tablet), 422)
    assert "body" in error["fields"]


def test_poison_heartbeat_and_pairing_name_are_cleaned(app, client, tablet):
    beat = send_raw(client, "/api/v1/kiosk/heartbeat", '{"version": "k-1\\u0000\\ud800", "queue": 2}', tablet)
    assert beat.status_code == 200
    with committing(app):
        point = db.session.scalar(sa.select(Point))
        code = create_pairing_code(Actor.cli(), point)
    paired = send_raw(client, "/api/v1/kiosk/pair", f'{{"code": "{code}", "name": "Quầy\\u0000 1\\udfff"}}')
    assert paired.status_code == 200
    with app.app_context():
        devices = db.session.scalars(sa.select(KioskDevice).order_by(KioskDevice.id)).all()
        assert (devices[0].app_version, devices[0].queue_length) == ("k-1\ufffd", 2)
        assert devices[1].name == "Quầy 1\ufffd"


def test_heartbeat_values_past_their_column_are_422(app, client, tablet):
    for body, field in (
        ({"version": "v" * 33}, "version"),
        ({"queue": 2**31}, "queue"),
        ({"rejected": -1}, "rejected"),
        ({"rejected": 1, "rejected_reason": "r" * 256}, "rejected_reason"),
    ):
        error = assert_json_error(client.post("/api/v1/kiosk/heartbeat", json=body, headers=tablet), 422)
        assert field in error["fields"]


# ---------- the QR survey ----------


@pytest.fixture
def poster(app):
    with committing(app):
        unit = Unit(code="H-TEST", name="Thanh tra huyện Thử", kind="district")
        point = Point(code="H-TEST-P1", name="Bộ phận tiếp công dân", unit=unit, public_token=uuid.uuid4().hex)
        db.session.add_all([unit, point])
        token = point.public_token
    return f"/s/{token}"


@pytest.mark.parametrize("path", ["/s/%00", "/v/%00", "/s/abc%00def", "/v/%00%00%00"])
def test_nul_in_a_survey_address_is_a_friendly_404(client, path):
    page = client.get(path)
    assert page.status_code == 404
    assert page.mimetype == "text/html" and "<html" in page.get_data(as_text=True)


def test_nul_in_a_query_string_is_a_friendly_422(client, poster):
    page = client.get(poster + "?lang=%00")
    assert page.status_code == 422 and page.mimetype == "text/html"
    api = client.get("/api/v1/kiosk/survey?x=%00")
    assert api.status_code == 422 and api.get_json()["error"]["fields"] == {"x": "contains a NUL character"}


def test_a_poison_survey_comment_and_name_keep_the_citizens_answer(app, client, poster):
    html = client.get(poster).get_data(as_text=True)
    import re

    form = {
        "csrf_token": csrf_token(html),
        "response_id": re.search(r'name="response_id" value="([^"]+)"', html).group(1),
        "survey": re.search(r'name="survey" value="(\d+)"', html).group(1),
        "q_overall": "2",
        "comment": "Chờ\x00 lâu\x07",
        "consent": "y",
        "contact_name": "Lê\x00 Văn Tám",
        "contact_phone": "0905 111 222",
    }
    page = client.post(poster, data=form)
    assert page.status_code == 302, page.get_data(as_text=True)[:300]
    [row] = stored(app)
    assert (row.comment, row.contact_name, row.contact_phone) == ("Chờ lâu", "Lê Văn Tám", "0905 111 222")


# ---------- imports ----------


def _import(runner, tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return runner.invoke(args=["import-units", str(path)])


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ("U\x001,Đơn vị,district,,", "line 2: code contains a NUL character"),
        ("U1,Đơn vị,district,P\x00,", "line 2: parent contains a NUL character"),
        ("U1,Đơn vị,district,,g\ud800", "line 2: the file is not UTF-8 text"),
        ("U" * 65 + ",Đơn vị,district,,", "line 2: code is longer than 64 characters"),
        ("U1,Đơn vị," + "k" * 33 + ",,", "line 2: kind is longer than 32 characters"),
        ("U1," + "N" * 256 + ",district,,", "line 2: name is longer than 255 characters"),
    ],
)
def test_imports_give_line_numbered_errors_and_store_nothing(app, runner, tmp_path, row, error):
    text = "code,name,kind,parent,group\n" + row + "\n"
    path = tmp_path / "units.csv"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    result = runner.invoke(args=["import-units", str(path)])
    assert result.exit_code == 1, result.output
    assert error in result.output
    assert "nothing imported" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 0


def test_a_nul_in_an_imported_name_is_cleaned(app, runner, tmp_path):
    result = _import(runner, tmp_path, "units.csv", "code,name,kind,parent,group\nU1,Đơn\x00 vị,district,,\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(Unit.name)) == "Đơn vị"


@pytest.mark.parametrize(
    ("lang", "number", "name"),
    [
        ("vi", "Giá trị phải là một số nguyên.", "Cần ít nhất 3 ký tự."),
        ("en", "Not a valid integer value.", "Field must be at least 3 characters long."),
    ],
)
def test_wtforms_own_messages_in_the_pages_language(app, lang, number, name):
    """Any form of the service (core.forms.GuardedForm) explains WTForms' built-in checks in the
    page's language, the plural forms included."""
    from wtforms import IntegerField, StringField
    from wtforms.validators import Length

    from core.forms import GuardedForm

    class Form(GuardedForm):
        class Meta:
            csrf = False

        count = IntegerField()
        name = StringField(validators=[Length(min=3)])

    for _ in range(2):  # the second request reads the catalog kept by the first
        with app.test_request_context(f"/?lang={lang}", method="POST", data={"count": "abc", "name": "ab"}):
            form = Form()
            assert not form.validate()
            assert form.count.errors == [number]
            assert form.name.errors == [name]
