"""Monitoring and urging (theo dõi, đôn đốc), for the province office: tablets silent in working
hours, points without answers, units with overdue cases, units under their targets; one reminder
per unit naming why. The page prints on A4 (admin.css)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from admin import bp
from admin.access import access, require_scope
from admin.forms import REMINDER_REASON_LABELS, ReminderForm
from core.cases.reminders import REASONS, send_reminder
from core.org.units import unit_by_code
from core.reporting.monitoring import (
    OFFLINE_MINUTES,
    SILENT_DAYS,
    offline_devices,
    overdue_by_unit,
    silent_points,
    under_targets,
)
from core.timeutil import local_today

TARGET_DAYS = 30


@dataclass
class ToRemind:
    code: str
    name: str
    reasons: set[str] = field(default_factory=set)

    @property
    def ordered(self) -> list[str]:
        return [reason for reason in REASONS if reason in self.reasons]


def _findings() -> dict:
    """The four sections, and the units they name with the reasons that apply to each."""
    today = local_today()
    first = today - timedelta(days=TARGET_DAYS - 1)
    config = current_app.config
    found = {
        "devices": offline_devices(g.scope),
        "silent": silent_points(g.scope),
        "overdue": overdue_by_unit(g.scope, today),
        "under": under_targets(
            first, today, g.scope, config["TARGET_INDEX"], config["TARGET_ON_TIME_RATE"], config["MIN_SAMPLE"]
        ),
        "today": today,
        "first": first,
    }
    units: dict[str, ToRemind] = {}

    def note(code: str, name: str, reason: str) -> None:
        units.setdefault(code, ToRemind(code, name)).reasons.add(reason)

    for device in found["devices"]:
        note(device.point.unit.code, device.point.unit.name, "offline_kiosks")
    for point, _last in found["silent"]:
        note(point.unit.code, point.unit.name, "silent_points")
    for unit, _count in found["overdue"]:
        note(unit.code, unit.name, "overdue_cases")
    for row in found["under"]:
        for reason in row.reasons:
            note(row.unit, row.name, reason)
    found["to_remind"] = sorted(units.values(), key=lambda unit: unit.code)
    return found


def _monitoring_page(failed: ReminderForm | None = None, failed_unit: str | None = None, status: int = 200):
    config = current_app.config
    return render_template(
        "admin/monitoring.html",
        **_findings(),
        reason_labels=REMINDER_REASON_LABELS,
        fresh=ReminderForm(formdata=None),
        failed=failed,
        failed_unit=failed_unit,
        offline_minutes=OFFLINE_MINUTES,
        silent_days=SILENT_DAYS,
        target_days=TARGET_DAYS,
        target_index=config["TARGET_INDEX"],
        target_rate=config["TARGET_ON_TIME_RATE"],
        min_sample=config["MIN_SAMPLE"],
    ), status


@bp.get("/admin/monitoring")
@access("province")
def monitoring():
    return _monitoring_page()


@bp.post("/admin/monitoring/remind/<unit>")
@access("province")
def monitoring_remind(unit: str):
    row = unit_by_code(unit)
    if row is None:
        abort(404)
    require_scope(row.id)
    form = ReminderForm()
    if not form.submit(lambda: send_reminder(g.actor, row, reasons=form.reasons.data, note=form.note.data or "")):
        return _monitoring_page(failed=form, failed_unit=row.code, status=422)
    flash(_("Đã gửi lời nhắc tới %(unit)s.", unit=row.name))
    return redirect(url_for("admin.monitoring"))
