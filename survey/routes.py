"""QR survey pages: `/s/<point token>` from the poster, `/v/<one-time code>` from an appointment slip.

Plain HTML forms that work with JavaScript off on a weak network. Every rating goes through
`core.ratings.responses.record_response`; this module only parses, checks and renders.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadData, URLSafeTimedSerializer
from markupsafe import Markup

from core.driver_sql import DriverStatement
from core.errors import Conflict, Gone, ValidationFailed
from core.extensions import csrf, db, limiter, select_locale
from core.models import Point, Survey, Unit, VisitCode
from core.org.points import PointRef
from core.ratings.alerts import RULES_STAMP
from core.ratings.privacy import consent_text
from core.ratings.responses import record_response
from core.ratings.surveys import ACTIVE_ID, SurveyVersion, active_version, version_of
from core.ratings.visit_codes import find_visit_code, usable
from survey import bp
from survey.forms import FIELD_PREFIX, localized, survey_form

# Bursts from one address; generous because a reception hall often shares one public address.
DEFAULT_RATE_LIMIT = "10 per minute;120 per hour"
REPEAT_SALT = "survey-repeat-vote"


def _rate_limit() -> str:
    return current_app.config.get("SURVEY_RATE_LIMIT", DEFAULT_RATE_LIMIT)


# The point of a poster (its keys and what the page shows: its name, its unit's name), the active
# survey version's key and the alert rules' fingerprint, in one query every visitor's GET and POST
# run, on the driver (core.driver_sql).
_POINT_PAGE = DriverStatement(
    sa.select(Point.id, Point.unit_id, Point.name, Unit.name, Survey.id, Survey.created_at, RULES_STAMP)
    .join(Unit, Point.unit_id == Unit.id)
    .outerjoin(Survey, Survey.id == ACTIVE_ID)
    .where(Point.public_token == sa.bindparam("token"), Point.active.is_(True))
)


@bp.route("/s/<token>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired one gets a friendly page, not a bare 400
@limiter.shared_limit(_rate_limit, scope="survey-submit", methods=["POST"])
def point_survey(token: str):
    found = _POINT_PAGE.first({"token": token})
    if found is None:
        return _message(
            404,
            _("Mã QR này không còn hiệu lực"),
            _("Vui lòng quét mã QR đang dán tại quầy tiếp nhận, hoặc hỏi cán bộ tiếp dân."),
        )
    point_id, unit_id, name, unit_name, survey_id, created_at, rules_stamp = found
    point = PointRef(point_id, unit_id, name=name, unit_name=unit_name)
    active = version_of(survey_id, created_at) if survey_id is not None else None
    return _survey_page(point, channel="qr", active=active, rules_stamp=rules_stamp)


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


_UNREAD = object()


def _survey_page(
    point: Point | PointRef,
    *,
    channel: str,
    visit_code: VisitCode | None = None,
    active=_UNREAD,
    rules_stamp: str | None = None,
):
    """`active`: the active version when the caller read it already (None: none is active);
    `rules_stamp`: the alert rules' fingerprint when the caller read it."""
    if active is _UNREAD:
        active = active_version()
    survey = _posted_survey(active) if request.method == "POST" else active
    if survey is None:
        return _message(503, _("Khảo sát đang tạm dừng"), _("Vui lòng quay lại sau. Xin cảm ơn Ông/Bà."))
    locale = select_locale()
    if request.method == "GET":
        return _form_page(point, FreshForm(survey), locale, fresh=True)

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
            rules_stamp=rules_stamp,
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


def _posted_survey(active: SurveyVersion | None) -> SurveyVersion | None:
    """The survey version the page was built from, so a page opened before a new version was
    activated is still understood; the active version when the page did not say."""
    value = request.form.get("survey", "")
    if value.isascii() and value.isdigit() and len(value) < 10:
        if active is not None and int(value) == active.id:
            return active
        survey = version_of(int(value))
        if survey is not None:
            return survey
    return active


def _questions(form, locale: str, consent: str) -> Markup:
    """The form's questions (criteria, reasons, comment, contact, the button) as HTML."""
    low = current_app.config["KIOSK_LOW_SCORE"]
    scale = [
        {"score": item["score"], "label": localized(item, "label", locale), "low": item["score"] <= low}
        for item in form.survey.scale
    ]
    return Markup(  # noqa: S704 - a template's output, escaped by Jinja
        render_template(
            "survey/_questions.html",
            form=form,
            scale=scale,
            criteria=[(c, form[FIELD_PREFIX + c.code], localized(c, "question", locale)) for c in form.criteria],
            reasons=[(choice.value, choice.label) for choice in form.reasons.choices],
            chosen_reasons=set(form.reasons.data or []),
            consent_text=consent,
            contact_open=bool(form.consent.data or form.contact_name.data or form.contact_phone.data),
        )
    )


def _fresh_questions(survey: SurveyVersion, locale: str, consent: str) -> Markup:
    """`_questions` of a fresh page (no answers, no errors): the same for every visitor of a version
    in a language, rendered once per process. No token or id is in it (form.html adds those)."""
    cache = current_app.extensions.setdefault("survey_questions", {})
    key = (survey.id, survey.created_at, locale, consent)
    if key not in cache:
        cache[key] = _questions(survey_form(survey, locale), locale, consent)
    return cache[key]


class FreshForm:
    """What form.html reads of a fresh page's form, without building the WTForms form each time
    (its questions come from `_fresh_questions`): no errors, a CSRF token (the same hidden field
    Flask-WTF renders, from the same generate_csrf) and a new response id."""

    errors: dict = {}

    def __init__(self, survey: SurveyVersion):
        self.survey = survey
        self.response_id = SimpleNamespace(data=str(uuid.uuid4()))
        self.csrf_token = (
            Markup('<input id="csrf_token" name="csrf_token" type="hidden" value="{}">').format(generate_csrf())
            if current_app.config.get("WTF_CSRF_ENABLED", True)
            else ""
        )


def _form_page(
    point: Point | PointRef, form, locale: str, *, fresh: bool = False, expired: bool = False, status: int = 200
):
    consent = consent_text()
    body = render_template(
        "survey/form.html",
        point=point,
        form=form,
        questions=_fresh_questions(form.survey, locale, consent) if fresh else _questions(form, locale, consent),
        expired=expired,
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


def _repeat_cookie(point: Point | PointRef) -> str:
    return f"sv_{point.id}"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=REPEAT_SALT)


def _window_seconds() -> int:
    return int(current_app.config["REPEAT_WINDOW_HOURS"]) * 3600


def _voted_recently(point: Point | PointRef) -> bool:
    value = request.cookies.get(_repeat_cookie(point))
    if not value:
        return False
    try:
        return _serializer().loads(value, max_age=_window_seconds()) == point.id
    except BadData:
        return False


def _remember_vote(response, point: Point | PointRef) -> None:
    response.set_cookie(
        _repeat_cookie(point),
        _serializer().dumps(point.id),
        max_age=_window_seconds(),
        path="/s/",
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False) or request.is_secure,
    )
