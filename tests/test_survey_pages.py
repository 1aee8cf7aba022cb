"""The QR survey pages through the test client: /s/<token>, /v/<code>, repeat votes, CSRF expiry."""

from __future__ import annotations

import re
import time
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from core.audit import Actor
from core.extensions import db
from core.models import Criterion, Point, Response, Survey, VisitCode
from core.ratings.visit_codes import create_visit_codes
from core.timeutil import utcnow
from survey.routes import REPEAT_SALT
from tests import factories as f
from tests.conftest import committing, csrf_token
from tests.test_page_budgets import wire_size

SCALE_LABELS = ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"]


@pytest.fixture
def point(app):
    with app.app_context():
        row = f.point(f.unit("H-TEST", f.group("g")), code="H-TEST-P1")
        db.session.commit()
        return {"id": row.id, "token": row.public_token, "code": row.code}


def response_id(html: str) -> str:
    match = re.search(r'name="response_id" value="([^"]+)"', html)
    assert match, "no response id on the page"
    return match.group(1)


def open_form(client, url: str) -> dict:
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    survey = re.search(r'name="survey" value="(\d+)"', html).group(1)
    return {"csrf_token": csrf_token(html), "response_id": response_id(html), "survey": survey}


def submit(client, url: str, form: dict | None = None, **fields):
    data = dict(form or open_form(client, url))
    data.update(fields)
    return client.post(url, data=data)


def rows(app) -> list[Response]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(Response).order_by(Response.received_at)))
        for row in found:
            _ = (row.answers, row.reasons)  # load before the context closes
            for answer in row.answers:
                _ = answer.criterion
            for reason in row.reasons:
                _ = reason.reason
        return found


def scores(row: Response) -> dict[str, int]:
    return {a.criterion.code: a.score for a in row.answers}


def test_form_page_is_a_plain_vietnamese_form(client, point):
    page = client.get(f"/s/{point['token']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="vi">' in html
    assert "Đơn vị H-TEST" in html and "Bộ phận tiếp công dân" in html
    for label in SCALE_LABELS:
        assert f'<span class="sv-label">{label}</span>' in html
    assert html.count('name="q_overall"') == 5
    assert re.search(r'<button type="submit"[^>]*>Gửi đánh giá</button>', html)
    assert uuid.UUID(response_id(html))
    assert csrf_token(html)
    # The consent box is unticked and says what the contact details are for.
    consent = re.search(r'<input type="checkbox" name="consent" value="y"([^>]*)> <span>([^<]+)</span>', html)
    assert consent and "checked" not in consent.group(1)
    assert "liên hệ trả lời ý kiến" in consent.group(2) and "xoá sau 180 ngày" in consent.group(2)
    # The app's CSP forbids inline code and styles.
    assert "<script>" not in html and " style=" not in html and " onclick=" not in html
    assert page.headers["Cache-Control"] == "no-store"


def test_each_page_gets_its_own_response_id(client, point):
    first = open_form(client, f"/s/{point['token']}")
    second = open_form(client, f"/s/{point['token']}")
    assert first["response_id"] != second["response_id"]


def test_first_load_is_under_30_kib(client, point):
    """The page and what it loads, status lines and headers included (tests/test_page_budgets.py)."""
    page = client.get(f"/s/{point['token']}")
    html = page.get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert {"/static/css/base.css", "/static/survey/survey.css", "/static/survey/survey.js"} <= set(assets)
    total = wire_size(page)
    for asset in assets:
        with client.get(asset) as static:  # closes the file the static view opened
            assert static.status_code == 200
            total += wire_size(static)
    assert total < 30 * 1024, total


def test_submit_stores_a_qr_response_and_thanks(app, client, point):
    url = f"/s/{point['token']}"
    form = open_form(client, url)
    answer = submit(client, url, form, q_overall="5", q_welcome="4")
    assert answer.status_code == 302 and answer.headers["Location"] == "/cam-on"
    thanks = client.get(answer.headers["Location"])
    assert "Cảm ơn Ông/Bà!" in thanks.get_data(as_text=True)
    [row] = rows(app)
    assert str(row.id) == form["response_id"]
    assert (row.channel, row.flag, row.point_id) == ("qr", None, point["id"])
    assert scores(row) == {"overall": 5, "welcome": 4}
    assert row.contact_name is None and row.contact_phone is None and row.contact_consent_text is None


def test_low_score_with_reasons_and_comment(app, client, point):
    url = f"/s/{point['token']}"
    answer = submit(client, url, q_overall="1", reasons=["wait", "attitude"], comment="  Chờ gần hai giờ.  ")
    assert answer.status_code == 302
    [row] = rows(app)
    assert scores(row) == {"overall": 1}
    assert sorted(r.reason.code for r in row.reasons) == ["attitude", "wait"]
    assert row.comment == "Chờ gần hai giờ."


def test_double_submit_of_one_page_is_stored_once(app, client, point):
    url = f"/s/{point['token']}"
    form = open_form(client, url)
    first = submit(client, url, form, q_overall="4")
    second = submit(client, url, form, q_overall="4")
    assert first.status_code == second.status_code == 302
    [row] = rows(app)
    assert row.flag is None  # the replay is not a repeat vote


def test_same_page_sent_again_with_other_answers_keeps_the_first(app, client, point):
    url = f"/s/{point['token']}"
    form = open_form(client, url)
    assert submit(client, url, form, q_overall="4").status_code == 302
    again = submit(client, url, form, q_overall="1")
    assert again.status_code == 409
    assert "đã được ghi nhận trước đó" in again.get_data(as_text=True)
    [row] = rows(app)
    assert scores(row) == {"overall": 4}


def test_missing_required_answer_rerenders_with_answers_kept(app, client, point):
    url = f"/s/{point['token']}"
    form = open_form(client, url)
    page = submit(client, url, form, q_welcome="2", comment="Thiếu ghế")
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Vui lòng chọn một mức đánh giá." in html
    assert re.search(r'name="q_welcome" value="2" checked', html)
    assert "Thiếu ghế</textarea>" in html
    assert response_id(html) == form["response_id"]
    assert rows(app) == []


@pytest.mark.parametrize(
    "fields",
    [
        {"q_overall": "9"},
        {"q_overall": "abc"},
        {"q_overall": "5", "reasons": ["not-a-reason"]},
        {"q_overall": "5", "comment": "x" * 2001},
    ],
)
def test_bad_input_is_a_friendly_page_and_nothing_stored(app, client, point, fields):
    page = submit(client, f"/s/{point['token']}", **fields)
    assert page.status_code == 422
    assert "Vui lòng xem lại" in page.get_data(as_text=True)
    assert rows(app) == []


def test_mangled_response_id_is_replaced(app, client, point):
    page = submit(client, f"/s/{point['token']}", q_overall="5", response_id="not-a-uuid")
    assert page.status_code == 302
    assert len(rows(app)) == 1


def test_expired_csrf_token_keeps_answers_for_one_more_tap(make_app):
    app = make_app(WTF_CSRF_TIME_LIMIT=1)
    client = app.test_client()
    with app.app_context():
        token = f.point(f.unit("H-CSRF")).public_token
        db.session.commit()
    url = f"/s/{token}"
    form = open_form(client, url)
    time.sleep(2.2)
    page = submit(client, url, form, q_overall="2", q_office="4", reasons=["wait"], comment="Chờ lâu")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Phiên làm việc đã hết hạn." in html
    assert 'name="q_overall" value="2" checked' in html and 'name="q_office" value="4" checked' in html
    assert 'value="wait" checked' in html and "Chờ lâu</textarea>" in html
    assert response_id(html) == form["response_id"]
    fresh = csrf_token(html)
    assert fresh != form["csrf_token"]
    assert rows(app) == []
    again = client.post(
        url,
        data={
            **form,
            "csrf_token": fresh,
            "q_overall": "2",
            "q_office": "4",
            "reasons": ["wait"],
            "comment": "Chờ lâu",
        },
    )
    assert again.status_code == 302
    [row] = rows(app)
    assert scores(row) == {"overall": 2, "office": 4}


@pytest.mark.parametrize("case", ["tampered", "missing", "lost session"])
def test_any_csrf_failure_is_the_friendly_page(app, client, point, case):
    url = f"/s/{point['token']}"
    form = open_form(client, url)
    if case == "tampered":
        form["csrf_token"] = form["csrf_token"][:-3] + "AAA"
    elif case == "missing":
        del form["csrf_token"]
    else:
        client = app.test_client()  # the phone lost its session cookie
    page = submit(client, url, form, q_overall="3")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Phiên làm việc đã hết hạn." in html
    assert 'name="q_overall" value="3" checked' in html
    assert rows(app) == []
    assert submit(client, url, {**form, "csrf_token": csrf_token(html)}, q_overall="3").status_code == 302
    assert len(rows(app)) == 1


def test_unknown_rotated_and_inactive_tokens_are_a_friendly_404(app, client, point):
    page = client.get("/s/no-such-token")
    assert page.status_code == 404
    assert "Mã QR này không còn hiệu lực" in page.get_data(as_text=True)
    old = f"/s/{point['token']}"
    form = open_form(client, old)
    with app.app_context():
        row = db.session.get(Point, point["id"])
        row.public_token = "rotated-token-0123456789"
        db.session.commit()
    assert client.get(old).status_code == 404
    assert submit(client, old, form, q_overall="5").status_code == 404  # an old poster stores nothing
    assert client.get("/s/rotated-token-0123456789").status_code == 200
    with app.app_context():
        db.session.get(Point, point["id"]).active = False
        db.session.commit()
    assert client.get("/s/rotated-token-0123456789").status_code == 404
    assert rows(app) == []


def test_english_switch(client, point):
    page = client.get(f"/s/{point['token']}?lang=en")
    html = page.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert '<span class="sv-label">Very satisfied</span>' in html
    assert "Are you satisfied with your visit today?" in html
    assert 'href="/s/' in html and "?lang=vi" in html
    # The choice sticks (cookie) for the next page.
    assert '<html lang="en">' in client.get(f"/s/{point['token']}").get_data(as_text=True)


def test_page_opened_before_a_new_survey_version_still_counts(app, client, point):
    url = f"/s/{point['token']}"
    form = open_form(client, url)
    with app.app_context():
        old = db.session.scalar(sa.select(Survey).where(Survey.active.is_(True)))
        old_id = old.id
        old.active = False
        new = Survey(code="default", version=99, title="v99", scale=old.scale, active=True)
        new.criteria = [Criterion(code="overall", label="Chung", question="Hài lòng không?", required=True)]
        db.session.add(new)
        db.session.commit()
    assert submit(client, url, form, q_overall="5", q_welcome="4").status_code == 302
    [row] = rows(app)
    assert row.survey_id == old_id and scores(row) == {"overall": 5, "welcome": 4}
    assert "q_welcome" not in client.get(url).get_data(as_text=True)  # new pages use the new version


def test_no_active_survey_is_a_friendly_page(app, client, point):
    with app.app_context():
        db.session.execute(sa.update(Survey).values(active=False))
        db.session.commit()
    page = client.get(f"/s/{point['token']}")
    assert page.status_code == 503
    assert "Khảo sát đang tạm dừng" in page.get_data(as_text=True)


# Reply requests and consent


def test_reply_request_needs_the_consent_box(app, client, point):
    url = f"/s/{point['token']}"
    page = submit(client, url, q_overall="2", contact_name="Nguyễn Văn An", contact_phone="0905 123 456")
    assert page.status_code == 422
    assert "Vui lòng đánh dấu đồng ý" in page.get_data(as_text=True)
    assert '<details class="sv-reply" open>' in page.get_data(as_text=True)
    page = submit(client, url, q_overall="2", consent="y")
    assert page.status_code == 422
    assert "Vui lòng cho biết họ tên hoặc số điện thoại" in page.get_data(as_text=True)
    assert rows(app) == []


def test_reply_request_with_consent_is_stored_with_its_text(app, client, point):
    url = f"/s/{point['token']}"
    html = client.get(url).get_data(as_text=True)
    shown = re.search(r'name="consent" value="y"> <span>([^<]+)</span>', html).group(1)
    page = submit(client, url, q_overall="2", consent="y", contact_name=" Trần Thị Bích ", contact_phone="0905 123 456")
    assert page.status_code == 302 and page.headers["Location"] == "/cam-on?reply=1"
    assert "Chúng tôi sẽ liên hệ lại" in client.get(page.headers["Location"]).get_data(as_text=True)
    [row] = rows(app)
    assert (row.contact_name, row.contact_phone) == ("Trần Thị Bích", "0905 123 456")
    assert row.contact_consent_at is not None
    assert row.contact_consent_text == shown.replace("&#39;", "'")


def test_bad_phone_number_is_refused(app, client, point):
    page = submit(client, f"/s/{point['token']}", q_overall="2", consent="y", contact_phone="gọi tôi nhé")
    assert page.status_code == 422
    assert rows(app) == []


# Repeat voting


def test_second_vote_from_one_browser_is_flagged_repeat(app, client, point):
    url = f"/s/{point['token']}"
    first = submit(client, url, q_overall="5")
    assert first.status_code == 302
    cookie = client.get_cookie(f"sv_{point['id']}", path="/s/")
    assert cookie is not None and cookie.http_only
    assert submit(client, url, q_overall="5").status_code == 302
    stored = rows(app)
    assert [r.flag for r in stored] == [None, "repeat"]
    # Another browser is not a repeat.
    assert submit(app.test_client(), url, q_overall="4").status_code == 302
    assert [r.flag for r in rows(app)] == [None, "repeat", None]


def test_repeat_window_is_per_point(app, client, point):
    with app.app_context():
        other = f.point(db.session.get(Point, point["id"]).unit, code="H-TEST-P2")
        db.session.commit()
        other_token = other.public_token
    assert submit(client, f"/s/{point['token']}", q_overall="5").status_code == 302
    assert submit(client, f"/s/{other_token}", q_overall="5").status_code == 302
    assert [r.flag for r in rows(app)] == [None, None]


def _cookie(app, point_id: int, age_hours: float) -> str:
    class Dated(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - age_hours * 3600)

    return URLSafeTimedSerializer(app.secret_key, salt=REPEAT_SALT, signer=Dated).dumps(point_id)


@pytest.mark.parametrize(
    ("age_hours", "value_for", "expected"),
    [(11, "same", "repeat"), (13, "same", None), (1, "other", None), (1, "forged", None)],
)
def test_repeat_cookie_window_and_signature(app, client, point, age_hours, value_for, expected):
    value = _cookie(app, point["id"] if value_for != "other" else point["id"] + 1, age_hours)
    if value_for == "forged":
        value = value[:-4] + "AAAA"
    client.set_cookie(f"sv_{point['id']}", value, path="/s/")
    assert submit(client, f"/s/{point['token']}", q_overall="5").status_code == 302
    assert [r.flag for r in rows(app)] == [expected]


def test_rate_limit_gives_a_vietnamese_429(make_app):
    app = make_app(SURVEY_RATE_LIMIT="2 per minute")
    client = app.test_client()
    with app.app_context():
        token = f.point(f.unit("H-RATE")).public_token
        db.session.commit()
    url = f"/s/{token}"
    forms = [open_form(client, url) for _ in range(3)]  # reading the page is never limited
    assert [submit(client, url, form, q_overall="4").status_code for form in forms[:2]] == [302, 302]
    third = submit(client, url, forms[2], q_overall="4")
    assert third.status_code == 429
    assert "Quá nhiều yêu cầu" in third.get_data(as_text=True)
    assert int(third.headers["Retry-After"]) > 0
    assert len(rows(app)) == 2


# One-time visit codes


@pytest.fixture
def visit_code(app, point):
    with committing(app):
        [code] = create_visit_codes(Actor.cli(), db.session.get(Point, point["id"]), 1)
        return code


def test_visit_code_works_once(app, client, point, visit_code):
    url = f"/v/{visit_code}"
    form = open_form(client, url)
    assert submit(client, url, form, q_overall="5").status_code == 302
    [row] = rows(app)
    assert (row.channel, row.flag, row.point_id) == ("visit", None, point["id"])
    with app.app_context():
        code_row = db.session.scalar(sa.select(VisitCode))
        assert code_row.used_at is not None and code_row.response_id == row.id
    used = client.get(url)
    html = used.get_data(as_text=True)
    assert used.status_code == 410
    assert "Mã khảo sát này đã được sử dụng" in html and "<form" not in html and "Gửi đánh giá" not in html
    # The same page sent twice is a replay (thank-you again) ...
    assert submit(client, url, form, q_overall="5").status_code == 302
    # ... while a second page opened before the code was used, sent afterwards, is refused.
    refused = client.post(url, data={**form, "response_id": str(uuid.uuid4()), "q_overall": "1"})
    assert refused.status_code == 410 and "đã được sử dụng" in refused.get_data(as_text=True)
    assert len(rows(app)) == 1


def test_visit_code_is_never_flagged_repeat(app, client, point, visit_code):
    assert submit(client, f"/s/{point['token']}", q_overall="4").status_code == 302
    assert submit(client, f"/v/{visit_code}", q_overall="4").status_code == 302
    assert [(r.channel, r.flag) for r in rows(app)] == [("qr", None), ("visit", None)]


def test_visit_code_typed_with_dashes_and_capitals(client, visit_code):
    typed = "-".join(visit_code[i : i + 5] for i in range(0, len(visit_code), 5)).upper()
    assert client.get(f"/v/{typed}").status_code == 200


def test_expired_and_unknown_visit_codes(app, client, visit_code):
    with app.app_context():
        db.session.execute(sa.update(VisitCode).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    expired = client.get(f"/v/{visit_code}")
    assert expired.status_code == 410
    assert "Mã khảo sát này đã hết hạn" in expired.get_data(as_text=True)
    unknown = client.get("/v/abcdefghjkmnpqrst")
    assert unknown.status_code == 404
    assert "Không tìm thấy mã khảo sát này" in unknown.get_data(as_text=True)
    assert rows(app) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [("", "Lựa chọn không hợp lệ."), ("?lang=en", "Not a valid choice.")],
)
def test_a_tampered_choice_is_explained_in_the_pages_language(app, client, point, query, message):
    """WTForms ships no Vietnamese catalog: its own messages come from core.forms in Vietnamese."""
    page = submit(client, f"/s/{point['token']}{query}", q_overall="9")
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert f'<p class="sv-err">{message}</p>' in html
    if not query:
        assert "Not a valid choice." not in html
    assert rows(app) == []
