"""Alerts on negative ratings: the list of the caller's units (open ones first), acknowledgement
with a note by a manager, and, for the province office, the rules that open them."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from admin import bp
from admin.access import LEVELS, access, get_or_404, posted_action, require_scope, scoped_units
from admin.forms import RULE_KIND_LABELS, AlertAckForm, AlertRuleForm
from core.cases.queries import list_alerts
from core.errors import Conflict
from core.extensions import db
from core.models import Alert, AlertRule, Case, Point, Unit
from core.ratings.alerts import acknowledge, create_rule, set_rule_active

ALERT_STATUSES = ("open", "acknowledged")


@bp.app_template_filter("alert_details")
def alert_details(alert: Alert) -> str:
    """What tripped the alert, in words."""
    details = alert.details or {}
    if "answers" in details:
        return _(
            "%(low)s/%(answers)s câu trả lời thấp trong %(minutes)s phút",
            low=details.get("low", "?"),
            answers=details.get("answers", "?"),
            minutes=details.get("window_minutes", "?"),
        )
    if "response" in details or (alert.rule is not None and alert.rule.kind == "lowest_comment"):
        return _("Điểm thấp nhất kèm góp ý")
    return "–"


@bp.app_template_filter("rule_kind")
def rule_kind(code: str) -> str:
    return str(RULE_KIND_LABELS.get(code, code))


def _cases_of(alerts: list[Alert]) -> dict[int, int]:
    """alert id -> the case opened by the answer that tripped it (lowest score with a comment)."""
    by_response = {}
    for alert in alerts:
        try:
            by_response[uuid.UUID(str((alert.details or {}).get("response")))] = alert.id
        except ValueError:
            continue
    if not by_response:
        return {}
    rows = db.session.execute(sa.select(Case.response_id, Case.id).where(Case.response_id.in_(list(by_response))))
    return {by_response[response_id]: case_id for response_id, case_id in rows}


def _alerts_page(
    *,
    ack: AlertAckForm | None = None,
    failed_alert: int | None = None,
    rule_form: AlertRuleForm | None = None,
    conflict: str | None = None,
    status: int = 200,
):
    wanted = request.args.get("status") if request.args.get("status") in ALERT_STATUSES else None
    alerts = list_alerts(g.scope, wanted)
    alerts.sort(key=lambda alert: alert.status != "open")  # stable: open first, newest first within
    province = g.user.role == "province_admin"
    rules = list(db.session.scalars(sa.select(AlertRule).order_by(AlertRule.id))) if province else []
    points = []
    if province:
        points = list(db.session.scalars(sa.select(Point).join(Unit).order_by(Unit.code, Point.code)))
    return render_template(
        "admin/alerts.html",
        alerts=alerts,
        wanted=wanted,
        cases=_cases_of(alerts),
        may_manage=g.user.role in LEVELS["manage"],
        province=province,
        fresh_ack=AlertAckForm(formdata=None),
        ack=ack,
        failed_alert=failed_alert,
        conflict=conflict,
        rules=rules,
        rule_form=rule_form or AlertRuleForm(formdata=None),
        units=scoped_units() if province else [],
        points=points,
    ), status


@bp.get("/admin/alerts")
@access("read")
def alert_list():
    return _alerts_page()


@bp.post("/admin/alerts/<int(max=2147483647):alert_id>/ack")
@access("manage")
def alert_acknowledge(alert_id: int):
    alert = get_or_404(Alert, alert_id)
    require_scope(alert.unit_id)
    form = AlertAckForm()
    try:
        done = form.submit(lambda: acknowledge(g.actor, alert, form.note.data))
    except Conflict:
        by = alert.acknowledged_by.username if alert.acknowledged_by else _("Hệ thống")
        message = _(
            "Cảnh báo tại %(point)s đã được %(by)s xác nhận trước đó: không cần xác nhận lại.",
            point=alert.point.code,
            by=by,
        )
        return _alerts_page(conflict=message, status=409)
    if not done:
        return _alerts_page(ack=form, failed_alert=alert.id, status=422)
    flash(_("Đã xác nhận cảnh báo tại %(point)s.", point=alert.point.code))
    return redirect(url_for("admin.alert_list"))


@bp.post("/admin/alert-rules/new")
@access("province")
def alert_rule_new():
    form = AlertRuleForm()
    created = form.submit(
        lambda: create_rule(
            g.actor,
            kind=form.kind.data,
            point_code=form.point.data or None,
            unit_code=form.unit.data or None,
            min_answers=form.min_answers.data,
            share=form.share.data,
            window_minutes=form.window_minutes.data,
        )
    )
    if not created:
        return _alerts_page(rule_form=form, status=422)
    flash(_("Đã thêm quy tắc cảnh báo số %(id)d.", id=form.outcome.id))
    return redirect(url_for("admin.alert_list"))


@bp.post("/admin/alert-rules/<int(max=2147483647):rule_id>/active")
@access("province")
def alert_rule_active(rule_id: int):
    rule = get_or_404(AlertRule, rule_id)
    posted_action()
    set_rule_active(g.actor, rule, not rule.active)
    if rule.active:
        flash(_("Đã bật quy tắc cảnh báo số %(id)d.", id=rule.id))
    else:
        flash(_("Đã tắt quy tắc cảnh báo số %(id)d.", id=rule.id))
    return redirect(url_for("admin.alert_list"))
