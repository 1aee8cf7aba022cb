"""Report screens and charts. Every figure comes from `core.reporting.queries` / `core.ratings.scoring`,
always for the filter's scope (the caller's units, or one unit of them)."""

from __future__ import annotations

import dataclasses
import hashlib

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from admin import bp
from admin.access import access
from admin.formatting import WEEKDAY_LABELS
from admin.forms import ResponseFlagForm
from admin.report_filter import ReportFilter, report_filter, unit_tree
from core.errors import ValidationFailed
from core.extensions import db
from core.models import CompetitionGroup, CompetitionPeriod, Criterion, Milestone, Point, Reason, Survey, Unit
from core.models import Response as StoredResponse
from core.ratings.flags import change_flag
from core.reporting import exports
from core.reporting import queries as reports
from core.reporting.labels import CHANNEL_NAMES

VIEWS = {
    "units": _l("Theo đơn vị"),
    "ranking": _l("Xếp hạng khối, cụm"),
    "points": _l("Theo điểm tiếp nhận"),
    "criteria": _l("Theo tiêu chí"),
    "reasons": _l("Lý do chưa hài lòng"),
    "heatmap": _l("Giờ × ngày trong tuần"),
    "trend": _l("Xu hướng theo tuần"),
    "channels": _l("Theo kênh"),
    "comments": _l("Ý kiến người dân"),
}
CHARTS = ("trend", "reasons", "heatmap", "channels", "criteria", "units")
COMMENTS_PER_PAGE = 50
MAX_PAGE = 100_000


def min_sample() -> int:
    return current_app.config["MIN_SAMPLE"]


def criteria_columns() -> list[tuple[str, str]]:
    """(code, Vietnamese label) in the report order: the columns of the exported documents."""
    labels = reports.criterion_labels()
    return [(code, labels.get(code, code)) for code in reports.criterion_order()]


def _labels_in_english(model) -> dict[str, str]:
    # The active survey's wins (ordered last); an empty English label falls back to Vietnamese.
    rows = db.session.execute(sa.select(model.code, model.label_en).join(Survey).order_by(Survey.active, Survey.id))
    return {code: label for code, label in rows if label}


def shown_labels() -> tuple[dict[str, str], dict[str, str]]:
    """({criterion code: label}, {reason code: label}) in the reader's language, for the screens."""
    if str(get_locale() or "vi").startswith("vi"):
        return {}, {}
    return _labels_in_english(Criterion), _labels_in_english(Reason)


def milestones_for(f: ReportFilter) -> list[tuple[str, str]]:
    query = sa.select(Milestone.due_date, Milestone.name).order_by(Milestone.due_date)
    if f.period is not None:
        query = query.where(Milestone.period_id == f.period.id)
    else:
        query = query.where(Milestone.due_date >= f.first, Milestone.due_date <= f.last)
    return [(when.isoformat(), name) for when, name in db.session.execute(query)]


def unit_rows(f: ReportFilter) -> list[reports.UnitSatisfaction]:
    """Units in the filter's scope, each ranked against its whole group (the query ranks among
    every unit first, then cuts the rows to the scope)."""
    return reports.satisfaction_by_unit(f.first, f.last, f.scope, min_sample())


def ranking_rows(f: ReportFilter) -> list[reports.UnitSatisfaction]:
    """Every unit of the province, by group and rank: aggregate figures only, which every account
    may compare itself against (no point, comment or answer of another unit is behind them)."""
    rows = reports.satisfaction_by_unit(f.first, f.last, None, min_sample())
    return sorted(rows, key=lambda r: (r.group or "~", r.rank or 10_000, -(r.index or -1.0), r.unit))


def comment_filters() -> dict:
    """The comment list's own filters: `score` (1–5), `point` (a code) and `page`."""
    fields = {}
    score = request.args.get("score") or None
    if score is not None:
        if not score.isdigit() or not 1 <= int(score) <= 5:
            fields["score"] = "1..5"
        else:
            score = int(score)
    page = request.args.get("page") or "1"
    if not page.isdigit() or not 1 <= int(page) <= MAX_PAGE:
        fields["page"] = "a positive integer"
    point = (request.args.get("point") or "").strip() or None
    if fields:
        raise ValidationFailed(_l("Bộ lọc ý kiến không hợp lệ."), fields)
    return {"score": score, "point": point, "page": int(page)}


def collect(view: str, f: ReportFilter):
    if view == "units":
        return unit_rows(f)
    if view == "ranking":
        return ranking_rows(f)
    if view == "points":
        return reports.satisfaction_by_point(f.first, f.last, f.scope, min_sample())
    queries = {
        "criteria": reports.criteria_summary,
        "reasons": reports.reason_counts,
        "heatmap": reports.heatmap,
        "trend": reports.weekly_trend,
        "channels": reports.channel_figures,
    }
    return queries[view](f.first, f.last, f.scope)


def group_names() -> dict[str, str]:
    """{group code: group name}: what a person reads where the data holds a group's code."""
    return dict(db.session.execute(sa.select(CompetitionGroup.code, CompetitionGroup.name)).all())


def table_for(view: str, data) -> exports.Table:
    if view in ("units", "ranking"):
        table = exports.unit_table(data, criteria_columns(), group_names())
        if view == "ranking":
            table.title = "Xếp hạng"
        return table
    if view == "points":
        return exports.point_table(data, criteria_columns())
    if view == "trend":
        return exports.group_table("Xu hướng tuần", "Tuần bắt đầu", data)
    if view == "channels":
        return exports.group_table("Kênh", "Kênh đánh giá", data, CHANNEL_NAMES)
    tables = {"criteria": exports.criteria_table, "reasons": exports.reason_table, "heatmap": exports.heatmap_table}
    return tables[view](data)


def _context(f: ReportFilter, view: str | None = None) -> dict:
    periods = db.session.scalars(sa.select(CompetitionPeriod).order_by(CompetitionPeriod.start_date.desc()))
    criterion_names, reason_names = shown_labels()
    return {
        "f": f,
        "view": view,
        "views": VIEWS,
        "periods": list(periods),
        "tree": unit_tree(g.scope),
        "criteria": [(code, criterion_names.get(code, label)) for code, label in criteria_columns()],
        "criterion_names": criterion_names,
        "reason_names": reason_names,
        "min_sample": min_sample(),
    }


@bp.get("/admin/")
@access("read")
def index():
    f = report_filter()
    summary = reports.scope_summary(f.first, f.last, f.scope)
    weeks = reports.weekly_trend(f.first, f.last, f.scope)
    channels = reports.channel_figures(f.first, f.last, f.scope)
    return render_template(
        "admin/dashboard.html", summary=summary, weeks=weeks, channels=channels, **_context(f, "dashboard")
    )


def _comments_page(f: ReportFilter, context: dict):
    filters = comment_filters()
    total, rows = reports.comments(
        f.first,
        f.last,
        f.scope,
        score=filters["score"],
        point_code=filters["point"],
        limit=COMMENTS_PER_PAGE,
        offset=(filters["page"] - 1) * COMMENTS_PER_PAGE,
    )
    point_query = sa.select(Point.code, Point.name).order_by(Point.code)
    if f.scope is not None:
        point_query = point_query.where(Point.unit_id.in_(f.scope))
    pages = max(1, -(-total // COMMENTS_PER_PAGE))
    return render_template(
        "admin/report_comments.html",
        rows=rows,
        total=total,
        pages=pages,
        filters=filters,
        points=db.session.execute(point_query).all(),
        **context,
    )


@bp.post("/admin/responses/<uuid:response_id>/flag")
@access("province")
def response_flag(response_id):
    """Leave one answer out of every figure (or count it again): the rollups follow in the same
    transaction, and the audit log keeps the reason."""
    form = ResponseFlagForm()
    if db.session.get(StoredResponse, response_id) is None:
        abort(404)
    flag = form.flag.data if form.flag.data != "none" else None
    if form.submit(lambda: change_flag(g.actor, response_id, flag, form.reason.data)):
        flash(_("Đã loại câu trả lời khỏi số liệu.") if flag else _("Đã tính lại câu trả lời vào số liệu."))
    else:
        flash(_("Chưa đổi được: %(problem)s", problem="; ".join(_form_errors(form))), "error")
    return redirect(url_for("admin.report", view="comments"))


def _form_errors(form) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors] or [str(e) for e in form.form_errors]


def _view_extras(view: str, f: ReportFilter, data) -> dict:
    extra = {}
    if view == "heatmap":
        extra["grid"] = _heat_grid(data)
    if view == "reasons":
        extra["total"] = sum(r.count for r in data)
    if view == "trend":
        extra["milestones"] = milestones_for(f)
    if view in ("units", "ranking"):
        extra["groups"] = group_names()
    if view == "ranking":
        query = sa.select(Unit.code)
        if f.scope is not None:
            query = query.where(Unit.id.in_(f.scope))
        extra["mine"] = set(db.session.scalars(query))
    return extra


@bp.get("/admin/reports/<view>")
@access("read")
def report(view: str):
    if view not in VIEWS:
        abort(404)
    f = report_filter()
    context = _context(f, view)
    if view == "comments":
        return _comments_page(f, context)
    data = collect(view, f)
    return render_template(f"admin/report_{view}.html", rows=data, **_view_extras(view, f, data), **context)


def _heat_grid(cells: list[reports.HeatCell]) -> dict:
    hours = sorted({c.hour for c in cells})
    span = list(range(hours[0], hours[-1] + 1)) if hours else []
    values = {(c.weekday, c.hour): c for c in cells}
    peak = max((c.responses for c in cells), default=0)
    return {"hours": span, "cells": values, "peak": peak, "weekdays": WEEKDAY_LABELS}


def _draw(charts, name: str, fmt: str, f: ReportFilter) -> bytes:
    if name == "trend":
        return charts.render(charts.draw_trend, fmt, collect("trend", f), milestones_for(f))
    if name == "units":
        rows = unit_rows(f)
        return charts.render(charts.draw_units, fmt, rows, min_sample(), width=8, height=charts.units_height(len(rows)))
    if name == "heatmap":
        return charts.render(charts.draw_heatmap, fmt, collect("heatmap", f), width=9, height=3.6)
    data = collect(name, f)
    if name in ("criteria", "reasons"):
        data = _in_readers_language(name, data)
    return charts.render(getattr(charts, f"draw_{name}"), fmt, data)


def _in_readers_language(view: str, rows: list) -> list:
    """Criterion or reason rows with their labels in the reader's language (as the screens show them)."""
    criteria, reasons = shown_labels()
    labels = criteria if view == "criteria" else reasons
    return [dataclasses.replace(row, label=labels.get(row.code, row.label)) for row in rows]


@bp.get("/admin/charts/<name>.<fmt>")
@access("read")
def chart(name: str, fmt: str):
    from core.reporting import charts

    if name not in CHARTS or fmt not in charts.FORMATS:
        abort(404)
    f = report_filter()
    version = reports.answers_version(f.scope)
    locale = str(get_locale() or "vi")
    key = (name, fmt, locale, f.first, f.last, f.period.code if f.period else None, f.scope_key, version)
    etag = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(charts.cached(key, lambda: _draw(charts, name, fmt, f)), mimetype=charts.FORMATS[fmt])
    response.set_etag(etag)
    # Revalidate every time: a new answer changes the ETag, an unchanged scope answers 304.
    response.headers["Cache-Control"] = "private, no-cache"
    return response
