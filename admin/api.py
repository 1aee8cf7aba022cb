"""Admin JSON API under /api/v1: units, points, the satisfaction report, cases and their report,
alerts, the OpenAPI document. Every answer is cut to the caller's scope (g.scope); another unit's
case or alert answers 404."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g, jsonify, request
from flask_babel import lazy_gettext as _l

from admin import bp
from admin.access import api_login_required
from admin.report_filter import date_range
from core.cases.operations import Move, case_json, transition
from core.cases.queries import case_report, list_alerts, list_cases
from core.competition.reviews import review_of
from core.competition.sheet import live_sheet
from core.errors import Forbidden, NotFound, ValidationFailed
from core.extensions import csrf, db
from core.http import bearer_token
from core.inputs import check_text, json_object
from core.links import survey_url
from core.models import CASE_STATUSES, STAGES, Alert, Case, CompetitionGroup, Point, Unit
from core.openapi import openapi_document
from core.org.periods import period_by_code
from core.org.units import can_see, subtree_ids, unit_by_code
from core.ratings.alerts import acknowledge, alert_json
from core.reporting.queries import satisfaction_by_unit

MAX_CASES = 1000
ALERT_STATUSES = ("open", "acknowledged")


def _scoped(query, column):
    return query if g.scope is None else query.where(column.in_(g.scope))


@bp.get("/api/v1/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/api/v1/units")
@api_login_required
def units():
    parent = sa.orm.aliased(Unit)
    query = (
        sa.select(Unit.code, Unit.name, Unit.kind, parent.code, CompetitionGroup.code)
        .outerjoin(parent, Unit.parent_id == parent.id)
        .outerjoin(CompetitionGroup, Unit.group_id == CompetitionGroup.id)
        .order_by(Unit.code)
    )
    rows = db.session.execute(_scoped(query, Unit.id)).all()
    keys = ("code", "name", "kind", "parent", "group")
    return jsonify([dict(zip(keys, row, strict=True)) for row in rows])


@bp.get("/api/v1/points")
@api_login_required
def points():
    query = sa.select(Point).join(Unit).order_by(Point.code).options(sa.orm.joinedload(Point.unit))
    rows = db.session.scalars(_scoped(query, Point.unit_id)).all()
    return jsonify([{"code": p.code, "name": p.name, "unit": p.unit.code, "survey_url": survey_url(p)} for p in rows])


@bp.get("/api/v1/reports/satisfaction")
@api_login_required
def satisfaction():
    first, last = date_range()
    # core.reporting.queries ranks among every unit of a group before cutting the rows to the scope.
    rows = satisfaction_by_unit(first, last, g.scope, current_app.config["MIN_SAMPLE"])
    response = jsonify([row.as_dict() for row in rows])
    # The contract's body is the list of rows; the range actually used travels in headers.
    response.headers["X-Report-From"] = first.isoformat()
    response.headers["X-Report-To"] = last.isoformat()
    response.headers["X-Min-Sample"] = str(current_app.config["MIN_SAMPLE"])
    return response


# --- Cases and alerts (item 4 of the plan) ---------------------------------------------------

MANAGING_ROLES = ("unit_manager", "province_admin")
FLAGS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def _changing() -> None:
    """A change through the API: viewers only read (403); a browser session also needs its CSRF
    token (header X-CSRFToken), which a bearer token does not."""
    if g.user.role not in MANAGING_ROLES:
        raise Forbidden(_l("Tài khoản chỉ xem không được thay đổi dữ liệu."), {"role": "read-only account"})
    if bearer_token() is None:
        csrf.protect()


def _body() -> dict:
    return json_object(request.mimetype, request.get_data(cache=False))


def _case_filters() -> dict:
    fields: dict[str, str] = {}
    status = (request.args.get("status") or "").strip() or None
    if status is not None and status not in CASE_STATUSES:
        fields["status"] = f"one of {', '.join(CASE_STATUSES)}"
    overdue_arg = (request.args.get("overdue") or "").strip().lower()
    if overdue_arg and overdue_arg not in FLAGS:
        fields["overdue"] = "true or false"
    if fields:
        raise ValidationFailed(_l("Bộ lọc phản ánh không hợp lệ."), fields)
    unit_ids = None
    unit_code = (request.args.get("unit") or "").strip()
    if unit_code:
        unit = unit_by_code(unit_code)
        if unit is None or not can_see(g.scope, unit.id):
            raise NotFound(_l("Không tìm thấy đơn vị này."), {"unit": "unknown unit"})
        unit_ids = subtree_ids(unit.id)
    return {"status": status, "unit_ids": unit_ids, "overdue": FLAGS.get(overdue_arg)}


@bp.get("/api/v1/cases")
@api_login_required
def cases():
    total, rows = list_cases(g.scope, limit=MAX_CASES, **_case_filters())
    response = jsonify([case_json(case) for case in rows])
    response.headers["X-Total-Count"] = str(total)
    return response


def _case_or_404(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None or not can_see(g.scope, case.unit_id):
        raise NotFound(_l("Không tìm thấy phản ánh này."), {"id": "unknown case"})
    return case


@bp.patch("/api/v1/cases/<int(max=2147483647):case_id>")
@csrf.exempt
@api_login_required
def case_patch(case_id: int):
    case = _case_or_404(case_id)
    _changing()
    body = _body()
    move = Move(
        status=check_text(body.get("status"), "status", required=True),
        answer=check_text(body.get("answer"), "answer"),
        contact_method=check_text(body.get("contact_method"), "contact_method"),
        assignee=check_text(body.get("assignee"), "assignee"),
        reason=check_text(body.get("reason"), "reason"),
    )
    transition(g.actor, case, move)
    return jsonify(case_json(case))


@bp.get("/api/v1/reports/cases")
@api_login_required
def case_figures():
    first, last = date_range()
    response = jsonify([row.as_dict() for row in case_report(first, last, g.scope)])
    response.headers["X-Report-From"] = first.isoformat()
    response.headers["X-Report-To"] = last.isoformat()
    return response


@bp.get("/api/v1/alerts")
@api_login_required
def alerts():
    status = (request.args.get("status") or "").strip() or None
    if status is not None and status not in ALERT_STATUSES:
        raise ValidationFailed(_l("Trạng thái cảnh báo không hợp lệ."), {"status": "open or acknowledged"})
    return jsonify([alert_json(alert) for alert in list_alerts(g.scope, status)])


@bp.post("/api/v1/alerts/<int(max=2147483647):alert_id>/ack")
@csrf.exempt
@api_login_required
def alert_ack(alert_id: int):
    alert = db.session.get(Alert, alert_id)
    if alert is None or not can_see(g.scope, alert.unit_id):
        raise NotFound(_l("Không tìm thấy cảnh báo này."), {"id": "unknown alert"})
    _changing()
    note = _body().get("note")
    if note is not None and not isinstance(note, str):
        raise ValidationFailed(_l("Ghi chú phải là văn bản."), {"note": "must be a string"})
    acknowledge(g.actor, alert, note or "")
    return jsonify(alert_json(alert))


# --- The competition -------------------------------------------------------------------------


@bp.get("/api/v1/reports/competition")
@api_login_required
def competition():
    """The score sheet of a period over the period up to today, or a frozen review with `stage`.
    Ranks are those among every unit of a group; the rows are cut to the caller's scope."""
    code = (request.args.get("period") or "").strip()
    stage = (request.args.get("stage") or "").strip() or None
    if not code or (stage is not None and stage not in STAGES):
        raise ValidationFailed(
            _l("Cần mã đợt thi đua và giai đoạn hợp lệ."),
            {"period": "required"} if not code else {"stage": "so_ket or tong_ket"},
        )
    period = period_by_code(code)
    if period is None:
        raise NotFound(_l("Không có đợt thi đua này."), {"period": "unknown period"})
    if stage is None:
        rows = [row.as_dict() for row in live_sheet(period)]
    else:
        review = review_of(period, stage)
        if review is None:
            raise NotFound(_l("Giai đoạn này chưa được chốt."), {"stage": "not frozen"})
        rows = review.sheet
    visible = None if g.scope is None else set(db.session.scalars(sa.select(Unit.code).where(Unit.id.in_(g.scope))))
    return jsonify([row for row in rows if visible is None or row["unit"] in visible])
