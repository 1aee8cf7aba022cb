"""Hypothesis over the public HTML forms: the QR survey (/s/<token>, with the CSRF token and the
response id taken from the served page) and the admin sign-in. Bodies carry broken UTF-8, lone
surrogates (sent as the bytes a broken client would), NUL, Vietnamese in NFC and NFD, numbers past
64 bits, and bodies over the limit. No answer is a 5xx; a refusal is a friendly HTML page without a
traceback and stores nothing; what is stored is clean (NFC, no NUL, no lone surrogate)."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections import Counter
from urllib.parse import quote, quote_from_bytes

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from core.extensions import db
from core.models import Point, Response, Unit
from tests.conftest import committing, csrf_token
from tests.test_fuzz_api import EXAMPLES, FUZZ_SETTINGS, SPECIALS, huge_int, is_clean, report_counts, row_counts

PROPERTY_SETTINGS = settings(FUZZ_SETTINGS, max_examples=EXAMPLES * 5)
TRIED: Counter[str] = Counter()
ANSWERED: Counter[str] = Counter()

# Form text as bytes: UTF-8, or what a broken client sends (lone surrogates as CESU bytes, stray
# continuation bytes, Latin-1).
text_piece = st.one_of(st.text(max_size=6), st.sampled_from(SPECIALS))
form_bytes = st.one_of(
    st.lists(text_piece, max_size=8).map(lambda parts: "".join(parts).encode("utf-8", "surrogatepass")),
    st.binary(max_size=40),
    st.sampled_from([b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\x80\x80", "Chờ lâu".encode("latin-1", "replace")]),
)


@pytest.fixture(scope="module", autouse=True)
def report_inputs_tried(request):
    yield
    report_counts(request, "forms (hypothesis examples)", TRIED)
    report_counts(request, "forms, answers by status", ANSWERED)


@pytest.fixture
def forms_app(make_app):
    # Throttling has tests of its own; here it would answer 429 to every example after the tenth.
    return make_app(RATELIMIT_ENABLED=False)


@pytest.fixture
def poster(forms_app):
    token = uuid.uuid4().hex
    with committing(forms_app):
        unit = Unit(code="H-HOIAN", name="Thanh tra thành phố Hội An", kind="district")
        db.session.add_all(
            [unit, Point(code="H-HOIAN-P1", name="Bộ phận tiếp công dân", unit=unit, public_token=token)]
        )
    return f"/s/{token}"


def encode_form(pairs: list[tuple[str, bytes | str]]) -> bytes:
    """application/x-www-form-urlencoded from raw bytes, so broken UTF-8 reaches the server."""
    encoded = []
    for name, value in pairs:
        raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
        encoded.append(f"{quote(name)}={quote_from_bytes(raw)}")
    return "&".join(encoded).encode("ascii")


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    assert match, f"no {name} on the page"
    return match.group(1)


def assert_friendly_page(response, label: str) -> None:
    assert response.status_code < 500, label
    assert response.mimetype == "text/html", label
    page = response.get_data(as_text=True)
    assert "Traceback" not in page and "Exception" not in page, label
    assert '<html lang="' in page, label


def fresh_form(client, path: str) -> list[tuple[str, str]]:
    html = client.get(path).get_data(as_text=True)
    pairs = [("csrf_token", csrf_token(html)), ("response_id", hidden(html, "response_id"))]
    survey = re.search(r'name="survey"[^>]*value="([^"]*)"', html)
    return pairs + ([("survey", survey.group(1))] if survey else [])


def test_the_survey_form_keeps_clean_text_or_answers_a_friendly_page(forms_app, poster):
    app, client = forms_app, forms_app.test_client()
    score = st.one_of(st.sampled_from(["1", "2", "3", "4", "5"]), huge_int.map(str), form_bytes)

    @PROPERTY_SETTINGS
    @given(
        overall=score,
        reasons=st.lists(st.one_of(st.sampled_from(["wait", "attitude", "other"]), form_bytes), max_size=3),
        comment=form_bytes,
        name=form_bytes,
        phone=st.one_of(st.just(b""), st.just(b"0905123456"), form_bytes),
        consent=st.booleans(),
        survey=st.one_of(st.none(), huge_int.map(str), form_bytes),
    )
    def submit(overall, reasons, comment, name, phone, consent, survey):
        TRIED["POST /s/<token>"] += 1
        pairs = [pair for pair in fresh_form(client, poster) if survey is None or pair[0] != "survey"]
        pairs += [("q_overall", overall), ("comment", comment), ("contact_name", name), ("contact_phone", phone)]
        pairs += [("reasons", reason) for reason in reasons] + ([("consent", "y")] if consent else [])
        pairs += [("survey", survey)] if survey is not None else []
        before = row_counts(app)
        response = client.post(poster, data=encode_form(pairs), content_type="application/x-www-form-urlencoded")
        ANSWERED[f"POST /s/<token> {response.status_code}"] += 1
        if response.status_code == 302:
            assert "/cam-on" in response.headers["Location"]
            assert row_counts(app)["responses"] == before["responses"] + 1
            with app.app_context():
                stored = db.session.scalar(sa.select(Response).order_by(Response.received_at.desc()).limit(1))
                assert is_clean(stored.comment) and is_clean(stored.contact_name)
        else:
            assert_friendly_page(response, f"{response.status_code} for {pairs}")
            assert response.status_code == 422
            assert row_counts(app) == before

    submit()


def test_a_survey_comment_in_nfd_is_stored_as_in_nfc(forms_app, poster):
    app, client = forms_app, forms_app.test_client()

    @PROPERTY_SETTINGS
    @given(text=st.sampled_from(SPECIALS[-10:]), nfd=st.booleans())
    def submit(text, nfd):
        TRIED["POST /s/<token> (NFC/NFD)"] += 1
        sent = unicodedata.normalize("NFD" if nfd else "NFC", text)
        pairs = [*fresh_form(client, poster), ("q_overall", "2"), ("reasons", "wait"), ("comment", sent)]
        rid = dict(pairs)["response_id"]
        response = client.post(poster, data=encode_form(pairs), content_type="application/x-www-form-urlencoded")
        ANSWERED[f"POST /s/<token> (NFC/NFD) {response.status_code}"] += 1
        assert response.status_code == 302
        with app.app_context():
            assert db.session.get(Response, uuid.UUID(rid)).comment == unicodedata.normalize("NFC", text)

    submit()


def test_a_survey_body_over_the_limit_is_a_friendly_413(forms_app, poster):
    app, client = forms_app, forms_app.test_client()

    @PROPERTY_SETTINGS
    @given(size=st.integers(64 * 1024 + 1, 400 * 1024))
    def submit(size):
        TRIED["POST /s/<token> (too big)"] += 1
        before = row_counts(app)
        pairs = [*fresh_form(client, poster), ("q_overall", "5"), ("comment", "a" * size)]
        response = client.post(poster, data=encode_form(pairs), content_type="application/x-www-form-urlencoded")
        ANSWERED[f"POST /s/<token> (too big) {response.status_code}"] += 1
        assert response.status_code == 413
        assert_friendly_page(response, str(size))
        assert row_counts(app) == before

    submit()


def test_the_admin_sign_in_answers_poison_with_a_friendly_page(forms_app):
    from core.audit import Actor
    from core.org.accounts import create_user

    app, client = forms_app, forms_app.test_client()
    with committing(app):
        create_user(Actor.cli(), "admin", "province_admin", "right-password-1", None)

    @PROPERTY_SETTINGS
    @given(username=form_bytes, password=form_bytes, token=st.one_of(st.none(), form_bytes))
    def sign_in(username, password, token):
        TRIED["POST /admin/login"] += 1
        html = client.get("/admin/login").get_data(as_text=True)
        pairs = [("csrf_token", csrf_token(html) if token is None else token)]
        pairs += [("username", username), ("password", password)]
        before = row_counts(app)
        response = client.post(
            "/admin/login", data=encode_form(pairs), content_type="application/x-www-form-urlencoded"
        )
        ANSWERED[f"POST /admin/login {response.status_code}"] += 1
        assert_friendly_page(response, f"{response.status_code} for {pairs}")
        assert response.status_code in (200, 400, 422)
        # Not signed in, and nothing stored but what a failed sign-in is allowed to leave.
        assert client.get("/admin/").status_code == 302
        after = row_counts(app)
        assert {k: v for k, v in after.items() if k != "audit_log"} == {
            k: v for k, v in before.items() if k != "audit_log"
        }

    sign_in()
