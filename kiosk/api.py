"""The kiosk device API under /api/v1/kiosk: pairing, the survey, answers and the heartbeat.

Devices authenticate with `Authorization: Bearer <device token>`; these endpoints are CSRF-exempt
because no browser cookie authorises them.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from core.errors import CoreError, NotFound, ValidationFailed
from core.extensions import csrf, limiter
from core.http import bearer_token
from core.inputs import check_int, check_text, json_object
from core.models import KioskDevice, Point
from core.org.devices import (
    MAX_COUNT,
    NAME_LENGTH,
    answer_context,
    device_context,
    pair_device,
    record_heartbeat,
)
from core.ratings.privacy import consent_text
from core.ratings.responses import record_response, survey_by_id
from core.ratings.surveys import SurveyVersion, version_of
from core.timeutil import utcnow
from kiosk import bp

# Wrong pairing codes allowed per address before 429; a right code is never deducted.
PAIR_LIMIT = "5 per 15 minutes"
# A day offline at a busy desk is a few hundred answers; the client sends them one by one and
# honours Retry-After, so this only has to be generous, not unlimited.
DEVICE_LIMIT = "600 per minute"
HEARTBEAT_SECONDS = 60
SYNC_SECONDS = 30
MAX_PAIRING_CODE = 64


class Unauthorized(CoreError):
    code = "unauthorized"
    status = 401


def _namespace() -> str:
    # Flask-Limiter keeps the key prefix of the first app it was initialised with, so keys carry
    # the app's own prefix too: apps sharing one Redis (tests, several sites) keep apart counters.
    return current_app.config.get("RATELIMIT_KEY_PREFIX", "")


def _device_key() -> str:
    token = bearer_token()
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


def _device_lookup(lookup):
    """Resolve the bearer token to a live device in g.device (its point with it, and the active
    survey version's key in g.device_context, all in one query), or answer 401 JSON."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            context = lookup(bearer_token())
            if context is None:
                raise Unauthorized(
                    _("Máy tính bảng chưa được kết nối hoặc đã bị thu hồi. Vui lòng kết nối lại."),
                    {"authorization": "missing, unknown or revoked device token"},
                )
            g.device, g.device_context = context.device, context
            return view(*args, **kwargs)

        return wrapper

    return decorator


# The device and its point as ORM objects (the survey, the heartbeat change or show them).
device_required = _device_lookup(device_context)
# Their keys only: storing an answer needs no more (core.org.devices.answer_context).
answering_device_required = _device_lookup(answer_context)


def _json_object() -> dict:
    """The body through the input guard: JSON only (415 otherwise), a JSON object (422 otherwise);
    a body over the limit is 413 before this."""
    return json_object(request.mimetype, request.get_data(cache=False))


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


def survey_json(survey: SurveyVersion) -> dict:
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


def _active() -> SurveyVersion | None:
    """The active version, from the key the device's lookup read (no query when its copy is cached)."""
    context = g.device_context
    return version_of(context.survey_id, context.survey_created_at) if context.survey_id else None


def _current_survey() -> SurveyVersion:
    survey = _active()
    if survey is None:
        raise NotFound(_("Chưa có phiếu khảo sát nào đang hoạt động."), {"survey": "no active survey"})
    return survey


@bp.post("/api/v1/kiosk/pair")
@csrf.exempt
@limiter.limit(_pair_limit, key_func=_pair_key, deduct_when=lambda response: response.status_code == 404)
def api_pair():
    body = _json_object()
    code = check_text(body.get("code"), "code", MAX_PAIRING_CODE, required=True)
    name = check_text(body.get("name"), "name", NAME_LENGTH) or ""
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
    # A read: the device's last contact is kept by its heartbeat, not here.
    payload = {
        "point": point_json(device.point),
        "survey": survey_json(survey),
        "settings": settings_json(),
        "server_time": utcnow().isoformat(),
    }
    response = jsonify(payload)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/api/v1/kiosk/responses")
@csrf.exempt
@limiter.limit(_device_limit, key_func=_device_key)
@answering_device_required
def api_responses():
    device = g.device
    body = _json_object()
    named = body.get("survey")
    # Most tablets name the active version: its key came with the device, no query.
    if named is None or (type(named) is int and named == g.device_context.survey_id):
        survey = _active()
    else:
        survey = survey_by_id(named)
    if "id" not in body:
        raise ValidationFailed(_("Thiếu mã câu trả lời."), {"id": "required"})
    if "answers" not in body:
        raise ValidationFailed(_("Thiếu câu trả lời."), {"answers": "required"})
    recorded = record_response(
        response_id=body["id"],
        point=g.device_context.point,
        channel="kiosk",
        answers=body["answers"],
        reasons=body.get("reasons"),
        comment=body.get("comment"),
        contact=body.get("contact"),
        answered_at=body.get("answered_at"),
        survey=survey,
        device=device,
        # The tablet shows this same text; it is kept in Vietnamese, the language of the record.
        consent_text=consent_text("vi") if body.get("contact") else None,
        rules_stamp=g.device_context.rules_stamp,
    )
    return jsonify({"id": str(recorded.id), "created": recorded.created}), 201 if recorded.created else 200


@bp.post("/api/v1/kiosk/heartbeat")
@csrf.exempt
@limiter.limit(_device_limit, key_func=_device_key)
@device_required
def api_heartbeat():
    device: KioskDevice = g.device
    body = _json_object()
    record_heartbeat(
        device,
        version=check_text(body.get("version"), "version"),
        queue=check_int(body.get("queue", 0), "queue", 0, MAX_COUNT),
        rejected=check_int(body.get("rejected", 0), "rejected", 0, MAX_COUNT),
        rejected_reason=check_text(body.get("rejected_reason"), "rejected_reason"),
    )
    survey = _active()
    return jsonify(
        {
            "survey": {"id": survey.id, "version": survey.version} if survey else None,
            "settings": settings_json(),
            "server_time": utcnow().isoformat(),
        }
    )
