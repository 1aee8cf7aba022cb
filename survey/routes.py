"""QR survey pages: `/s/<point token>` from the poster, `/v/<one-time code>` from an appointment slip.

Plain HTML forms that work with JavaScript off on a weak network. Every rating goes through
`core.ratings.responses.record_response`; this module only parses, checks and renders.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer

from core.errors import Conflict, Gone, ValidationFailed
from core.extensions import csrf, db, limiter, select_locale
from core.models import Point, Survey, VisitCode
from core.ratings.privacy import consent_text
from core.ratings.responses import record_response
from core.ratings.surveys import active_survey
from core.ratings.visit_codes import find_visit_code, usable
from survey import bp
from survey.forms import FIELD_PREFIX, localized, survey_form

# Bursts from one address; generous because a reception hall often shares one public address.
DEFAULT_RATE_LIMIT = "10 per minute;120 per hour"
REPEAT_SALT = "survey-repeat-vote"


def _rate_limit() -> str:
    return current_app.config.get("SURVEY_RATE_LIMIT", DEFAULT_RATE_LIMIT)


@bp.route("/s/<token>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired one gets a friendly page, not a bare 400
@limiter.shared_limit(_rate_limit, scope="survey-submit", methods=["POST"])
def point_survey(token: str):
    point = db.session.scalar(sa.select(Point).where(Point.public_token == token, Point.active.is_(True)))
    if point is None:
        return _message(
            404,
            _("Mã QR này không còn hiệu lực"),
            _("Vui lòng quét mã QR đang dán tại quầy tiếp nhận, hoặc hỏi cán bộ tiếp dân."),
        )
    return _survey_page(point, channel="qr")


@bp.route("/v/<code>", methods=["GET", "POST"])
@csrf.exempt
@limiter.shared_limit(_rate_limit, scope="survey-submit", methods=["POST"])
def visit_survey(code: str):
    visit_code = find_visit_code(code)
    if visit_code is None or not visit_code.point.active:
        return _message(
            404,
            _("Không tìm thấy mã khảo sát này"),
            _("Vui lòng kiểm tra lại mã in trên phiếu hẹn, hoặc quét mã QR tại quầy tiếp nhận."),
        )
    # A POST goes on to the write path even for a used code: the same page sent twice is a replay.
    if request.method == "GET" and not usable(visit_code):
        return _code_gone(visit_code)
    return _survey_page(visit_code.point, channel="visit", visit_code=visit_code)


@bp.get("/cam-on")
def thanks():
    return render_template("survey/thanks.html", reply=request.args.get("reply") == "1")


def _survey_page(point: Point, *, channel: str, visit_code: VisitCode | None = None):
    survey = _posted_survey() if request.method == "POST" else active_survey()
    if survey is None:
        return _message(503, _("Khảo sát đang tạm dừng"), _("Vui lòng quay lại sau. Xin cảm ơn Ông/Bà."))
    locale = select_locale()
    if request.method == "GET":
        return _form_page(point, survey_form(survey, locale), locale)

    form = survey_form(survey, locale, formdata=request.form)
    valid = form.validate()
    response_id = form.ensure_response_id()
    if form.csrf_failed():
        # The fresh token is already in the re-rendered form; the answers stay as the citizen left them.
        return _form_page(point, form, locale, expired=True)
    if not valid:
        return _form_page(point, form, locale, status=422)

    contact = form.contact()
    try:
        record_response(
            response_id=response_id,
            point=point,
            channel=channel,
            answers=form.answers(),
            reasons=form.reasons.data or [],
            comment=form.comment.data or None,
            contact=contact,
            visit_code=visit_code,
            survey=form.survey,
            repeat=channel == "qr" and _voted_recently(point),
            consent_text=consent_text() if contact else None,
        )
    except Gone:
        # Another page spent the code first; what it says now (used or expired) decides the page.
        db.session.refresh(visit_code)
        return _code_gone(visit_code)
    except Conflict:
        # The same page sent again with other answers (back button): the first answers stand.
        return _message(
            409,
            _("Cảm ơn Ông/Bà!"),
            _("Đánh giá từ trang này đã được ghi nhận trước đó. Mỗi lượt chỉ gửi một lần."),
        )
    except ValidationFailed as exc:
        _attach_errors(form, exc.fields)
        return _form_page(point, form, locale, status=422)

    response = redirect(url_for("survey.thanks", reply="1" if contact else None))
    _remember_vote(response, point)
    return response


def _posted_survey() -> Survey | None:
    """The survey version the page was built from, so a page opened before a new version was
    activated is still understood; the active version when the page did not say."""
    value = request.form.get("survey", "")
    if value.isascii() and value.isdigit() and len(value) < 10:
        survey = db.session.get(Survey, int(value))
        if survey is not None:
            return survey
    return active_survey()


def _form_page(point: Point, form, locale: str, *, expired: bool = False, status: int = 200):
    low = current_app.config["KIOSK_LOW_SCORE"]
    scale = [
        {"score": item["score"], "label": localized(item, "label", locale), "low": item["score"] <= low}
        for item in form.survey.scale
    ]
    any_low = any(field.data is not None and field.data <= low for _code, field in form.iter_criteria()) or bool(
        form.reasons.data
    )
    body = render_template(
        "survey/form.html",
        point=point,
        form=form,
        scale=scale,
        criteria=[(c, form[FIELD_PREFIX + c.code], localized(c, "question", locale)) for c in form.criteria],
        reasons=[(choice.value, choice.label) for choice in form.reasons.choices],
        chosen_reasons=set(form.reasons.data or []),
        show_reasons=any_low,
        low=low,
        expired=expired,
        consent_text=consent_text(),
        contact_open=bool(form.consent.data or form.contact_name.data or form.contact_phone.data),
    )
    response = make_response(body, status)
    # The page carries a CSRF token and maybe the citizen's answers: never keep it in a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _attach_errors(form, fields: dict[str, str]) -> None:
    """The core's field names (answers.overall, contact.phone) onto the form's fields."""
    for key in fields:
        if key.startswith("answers."):
            name = FIELD_PREFIX + key.split(".", 1)[1]
        elif key.startswith("contact"):
            name = "contact_phone"
        elif key in ("reasons", "comment"):
            name = key
        else:
            continue
        if name in form:
            form[name].errors = [*form[name].errors, _("Giá trị không hợp lệ.")]


def _code_gone(visit_code: VisitCode):
    if visit_code.used_at is not None:
        return _message(
            410,
            _("Mã khảo sát này đã được sử dụng"),
            _("Mỗi mã chỉ dùng được một lần. Cảm ơn Ông/Bà đã dành thời gian đánh giá."),
        )
    return _message(
        410,
        _("Mã khảo sát này đã hết hạn"),
        _("Ông/Bà vẫn có thể đánh giá bằng mã QR dán tại quầy tiếp nhận."),
    )


def _message(status: int, title: str, text: str):
    response = make_response(render_template("survey/message.html", title=title, text=text, status=status), status)
    response.headers["Cache-Control"] = "no-store"
    return response


# Repeat voting: a signed, dated cookie per point says "this browser rated this point recently".
# It lives only in the citizen's browser; nothing that identifies the browser is stored with answers.


def _repeat_cookie(point: Point) -> str:
    return f"sv_{point.id}"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=REPEAT_SALT)


def _window_seconds() -> int:
    return int(current_app.config["REPEAT_WINDOW_HOURS"]) * 3600


def _voted_recently(point: Point) -> bool:
    value = request.cookies.get(_repeat_cookie(point))
    if not value:
        return False
    try:
        return _serializer().loads(value, max_age=_window_seconds()) == point.id
    except BadData:
        return False


def _remember_vote(response, point: Point) -> None:
    response.set_cookie(
        _repeat_cookie(point),
        _serializer().dumps(point.id),
        max_age=_window_seconds(),
        path="/s/",
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False) or request.is_secure,
    )
