"""The kiosk device API under /api/v1/kiosk: pairing, the survey, answers and the heartbeat.

Devices authenticate with `Authorization: Bearer <device token>`; these endpoints are CSRF-exempt
because no browser cookie authorises them.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from flask import current_app, g, jsonify, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address

from core.errors import CoreError, NotFound, ValidationFailed
from core.extensions import csrf, db, limiter
from core.models import KioskDevice, Point, Survey
from core.org.devices import device_for_token, pair_device
from core.ratings.responses import active_survey, record_response
from core.timeutil import utcnow
from kiosk import bp

# Wrong pairing codes allowed per address before 429; a right code is never deducted.
PAIR_LIMIT = "5 per 15 minutes"
# A day offline at a busy desk is a few hundred answers; the client sends them one by one and
# honours Retry-After, so this only has to be generous, not unlimited.
DEVICE_LIMIT = "600 per minute"
HEARTBEAT_SECONDS = 60
SYNC_SECONDS = 30
MAX_VERSION = 32
MAX_REASON = 255
CONSENT_TEXT = _l(
    "Tôi đồng ý để cơ quan dùng họ tên và số điện thoại này chỉ để liên hệ trả lời ý kiến của tôi; "
    "thông tin được xoá sau khi trả lời."
)


class Unauthorized(CoreError):
    code = "unauthorized"
    status = 401


def _namespace() -> str:
    # Flask-Limiter keeps the key prefix of the first app it was initialised with, so keys carry
    # the app's own prefix too: apps sharing one Redis (tests, several sites) keep apart counters.
    return current_app.config.get("RATELIMIT_KEY_PREFIX", "")


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _device_key() -> str:
    token = _bearer()
    if token:
        # Keyed by a digest of the token, so one tablet's flush never throttles another tablet.
        return f"{_namespace()}:kiosk-device:{hashlib.sha256(token.encode()).hexdigest()[:32]}"
    return f"{_namespace()}:kiosk-anon:{get_remote_address()}"


def _pair_key() -> str:
    return f"{_namespace()}:kiosk-pair:{get_remote_address()}"


def _device_limit() -> str:
    return current_app.config.get("KIOSK_DEVICE_LIMIT", DEVICE_LIMIT)


def _pair_limit() -> str:
    return current_app.config.get("KIOSK_PAIR_LIMIT", PAIR_LIMIT)


def device_required(view):
    """Resolve the bearer token to a live KioskDevice in g.device, or answer 401 JSON."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        device = device_for_token(_bearer())
        if device is None:
            raise Unauthorized(
                _("Máy tính bảng chưa được kết nối hoặc đã bị thu hồi. Vui lòng kết nối lại."),
                {"authorization": "missing, unknown or revoked device token"},
            )
        g.device = device
        return view(*args, **kwargs)

    return wrapper


def _json_object() -> dict:
    """The body as a JSON object; anything else is 422 (a body over the limit is 413 before this)."""
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed(_("Dữ liệu gửi lên phải là một đối tượng JSON."), {"body": "must be a JSON object"})
    return body


def point_json(point: Point) -> dict:
    return {"code": point.code, "name": point.name, "unit": {"code": point.unit.code, "name": point.unit.name}}


def settings_json() -> dict:
    config = current_app.config
    return {
        "idle_seconds": config["KIOSK_IDLE_SECONDS"],
        "thanks_seconds": config["KIOSK_THANKS_SECONDS"],
        "low_score": config["KIOSK_LOW_SCORE"],
        "heartbeat_seconds": config.get("KIOSK_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS),
        "sync_seconds": min(config.get("KIOSK_SYNC_SECONDS", SYNC_SECONDS), SYNC_SECONDS),
    }


def survey_json(survey: Survey) -> dict:
    return {
        "id": survey.id,
        "code": survey.code,
        "version": survey.version,
        "title": survey.title,
        "scale": [
            {"score": s["score"], "label": s["label"], "label_en": s.get("label_en") or s["label"]}
            for s in survey.scale
        ],
        "criteria": [
            {
                "code": c.code,
                "label": c.label,
                "label_en": c.label_en or c.label,
                "question": c.question,
                "question_en": c.question_en or c.question,
                "required": c.required,
            }
            for c in survey.criteria
        ],
        "reasons": [{"code": r.code, "label": r.label, "label_en": r.label_en or r.label} for r in survey.reasons],
    }


def _current_survey() -> Survey:
    survey = active_survey()
    if survey is None:
        raise NotFound(_("Chưa có phiếu khảo sát nào đang hoạt động."), {"survey": "no active survey"})
    return survey


@bp.post("/api/v1/kiosk/pair")
@csrf.exempt
@limiter.limit(_pair_limit, key_func=_pair_key, deduct_when=lambda response: response.status_code == 404)
def api_pair():
    body = _json_object()
    code = body.get("code")
    name = body.get("name", "")
    fields = {}
    if not isinstance(code, str) or not code.strip() or len(code) > 64:
        fields["code"] = "a pairing code string"
    if not isinstance(name, str) or len(name) > 120:
        fields["name"] = "a string of at most 120 characters"
    if fields:
        raise ValidationFailed(_("Mã kết nối không hợp lệ."), fields)
    paired = pair_device(code, name)
    if paired is None:
        raise NotFound(_("Mã kết nối không đúng, đã dùng hoặc đã hết hạn."), {"code": "unknown, used or expired"})
    return jsonify({"token": paired.token, "point": point_json(paired.device.point)})


@bp.get("/api/v1/kiosk/survey")
@limiter.limit(_device_limit, key_func=_device_key)
@device_required
def api_survey():
    device: KioskDevice = g.device
    survey = _current_survey()
    device.last_seen_at = utcnow()
    payload = {
        "point": point_json(device.point),
        "survey": survey_json(survey),
        "settings": settings_json(),
        "server_time": utcnow().isoformat(),
    }
    db.session.commit()
    response = jsonify(payload)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/api/v1/kiosk/responses")
@csrf.exempt
@limiter.limit(_device_limit, key_func=_device_key)
@device_required
def api_responses():
    device: KioskDevice = g.device
    body = _json_object()
    survey = None
    if body.get("survey") is not None:
        survey_id = body["survey"]
        if type(survey_id) is int:
            survey = db.session.get(Survey, survey_id)
        if survey is None:
            raise ValidationFailed(_("Phiên bản phiếu khảo sát không tồn tại."), {"survey": "unknown survey id"})
    if "id" not in body:
        raise ValidationFailed(_("Thiếu mã câu trả lời."), {"id": "required"})
    if "answers" not in body:
        raise ValidationFailed(_("Thiếu câu trả lời."), {"answers": "required"})
    with force_locale("vi"):
        consent_text = str(CONSENT_TEXT)
    recorded = record_response(
        response_id=body["id"],
        point=device.point,
        channel="kiosk",
        answers=body["answers"],
        reasons=body.get("reasons"),
        comment=body.get("comment"),
        contact=body.get("contact"),
        answered_at=body.get("answered_at"),
        survey=survey,
        device=device,
        consent_text=consent_text,
    )
    return jsonify({"id": str(recorded.response.id), "created": recorded.created}), 201 if recorded.created else 200


@bp.post("/api/v1/kiosk/heartbeat")
@csrf.exempt
@limiter.limit(_device_limit, key_func=_device_key)
@device_required
def api_heartbeat():
    device: KioskDevice = g.device
    body = _json_object()
    version = body.get("version")
    queue = body.get("queue", 0)
    rejected = body.get("rejected", 0)
    reason = body.get("rejected_reason")
    fields = {}
    if version is not None and (not isinstance(version, str) or len(version) > MAX_VERSION):
        fields["version"] = f"a string of at most {MAX_VERSION} characters"
    if type(queue) is not int or not 0 <= queue <= 1_000_000:
        fields["queue"] = "a non-negative integer"
    if type(rejected) is not int or not 0 <= rejected <= 1_000_000:
        fields["rejected"] = "a non-negative integer"
    if reason is not None and (not isinstance(reason, str) or len(reason) > MAX_REASON):
        fields["rejected_reason"] = f"a string of at most {MAX_REASON} characters"
    if fields:
        raise ValidationFailed(_("Dữ liệu nhịp kết nối không hợp lệ."), fields)
    survey = active_survey()
    device.last_seen_at = utcnow()
    if version is not None:
        device.app_version = version
    device.queue_length = queue
    device.rejected_count = rejected
    device.rejected_reason = (reason or None) if rejected else None
    db.session.commit()
    return jsonify(
        {
            "survey": {"id": survey.id, "version": survey.version} if survey else None,
            "settings": settings_json(),
            "server_time": utcnow().isoformat(),
        }
    )
