"""The calendar of working days (province office): a year's exceptions to the Monday-to-Friday
week (days off, worked weekend days), the deadline rules they feed (read-only), and the forms to
set, remove and import days."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from admin import bp
from admin.access import access, posted_action
from admin.formatting import WEEKDAY_LABELS
from admin.forms import CASE_KIND_LABELS, CalendarDayForm, CalendarImportForm
from core.cases.calendar import import_days, remove_day, set_day
from core.extensions import db
from core.inputs import EARLIEST, LATEST
from core.models import CalendarDay, DeadlineRule
from core.org.imports import ImportFailed
from core.timeutil import local_today


def _year() -> int:
    value = (request.args.get("year") or "").strip()
    if value.isdigit() and EARLIEST.year <= int(value) <= LATEST.year:
        return int(value)
    return local_today().year


@bp.app_template_filter("weekday")
def weekday(day: date) -> str:
    return str(WEEKDAY_LABELS[day.weekday()])


def _calendar_page(
    year: int | None = None,
    day_form: CalendarDayForm | None = None,
    import_form: CalendarImportForm | None = None,
    import_errors: list[str] | None = None,
    status: int = 200,
):
    year = year or _year()
    days = db.session.scalars(
        sa.select(CalendarDay)
        .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
        .order_by(CalendarDay.day)
    ).all()
    rules = db.session.scalars(sa.select(DeadlineRule).order_by(DeadlineRule.kind, DeadlineRule.effective_from)).all()
    return render_template(
        "admin/calendar.html",
        year=year,
        prev_year=year - 1 if year > EARLIEST.year else None,
        next_year=year + 1 if year < LATEST.year else None,
        days=days,
        rules=rules,
        kind_labels=CASE_KIND_LABELS,
        day_form=day_form or CalendarDayForm(formdata=None),
        import_form=import_form or CalendarImportForm(formdata=None),
        import_errors=import_errors,
    ), status


@bp.get("/admin/calendar")
@access("province")
def calendar():
    return _calendar_page()


@bp.post("/admin/calendar/days")
@access("province")
def calendar_set():
    form = CalendarDayForm()
    saved = form.submit(lambda: set_day(g.actor, form.day.data, working=form.working.data == "1", name=form.name.data))
    if not saved:
        return _calendar_page(day_form=form, status=422)
    day = form.outcome
    flash(_("Đã lưu ngày %(day)s.", day=day.day.strftime("%d/%m/%Y")))
    return redirect(url_for("admin.calendar", year=day.day.year))


@bp.post("/admin/calendar/days/<day>/remove")
@access("province")
def calendar_remove(day: str):
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        abort(404)
    posted_action()
    if remove_day(g.actor, parsed):
        flash(
            _(
                "Đã bỏ ngày %(day)s khỏi bảng: ngày này tính như tuần làm việc thông thường.",
                day=parsed.strftime("%d/%m/%Y"),
            )
        )
    else:
        flash(_("Ngày %(day)s không có trong bảng.", day=parsed.strftime("%d/%m/%Y")))
    return redirect(url_for("admin.calendar", year=parsed.year))


@bp.post("/admin/calendar/import")
@access("province")
def calendar_import():
    form = CalendarImportForm()
    if form.validate_on_submit():
        try:
            count = import_days(g.actor, form.file.data.read())
        except ImportFailed as exc:
            form.form_errors.append(
                _("Không nhập được tệp %(name)s; chưa có ngày nào được lưu.", name=form.file.data.filename)
            )
            return _calendar_page(import_form=form, import_errors=exc.errors, status=422)
        flash(_("Đã nhập %(n)d ngày từ tệp %(name)s.", n=count, name=form.file.data.filename))
        return redirect(url_for("admin.calendar"))
    return _calendar_page(import_form=form, status=422)
