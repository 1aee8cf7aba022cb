"""Report screens, charts and exports. Every figure comes from `core.reporting.queries` / `core.ratings.scoring`."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask import Response, abort, current_app, g, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from admin import bp
from admin.auth import access
from admin.common import MAX_PAGE, ReportFilter, criteria_columns, milestones_for, periods, report_filter, unit_tree
from core.errors import ValidationFailed
from core.extensions import db
from core.models import CompetitionGroup, Point, Unit
from core.reporting import exports
from core.reporting import queries as reports
from core.timeutil import utcnow

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
# openpyxl writes about 100,000 cells a second: past this many answers the workbook's raw sheet
# keeps the newest ones and points to the raw CSV, which has them all.
RAW_XLSX_LIMIT = 20_000
RAW_CSV_LIMIT = 1_000_000


def _min_sample() -> int:
    return current_app.config["MIN_SAMPLE"]


def unit_rows(f: ReportFilter) -> list[reports.UnitSatisfaction]:
    """Units in the filter's scope, ranked against their whole group (aggregate ranks may be shown
    to every unit; only the rows of the scope are returned)."""
    rows = reports.satisfaction_by_unit(f.first, f.last, None, _min_sample())
    if f.scope is None:
        return rows
    codes = set(db.session.scalars(sa.select(Unit.code).where(Unit.id.in_(f.scope))))
    return [row for row in rows if row.unit in codes]


def _comment_filters(f: ReportFilter) -> dict:
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
        raise ValidationFailed("Bộ lọc ý kiến không hợp lệ.", fields)
    return {"score": score, "point": point, "page": int(page)}


def ranking_rows(f: ReportFilter) -> list[reports.UnitSatisfaction]:
    """Every unit of the province, by group and rank: aggregate figures only, which every account
    may compare itself against (no point, comment or answer of another unit is behind them)."""
    rows = reports.satisfaction_by_unit(f.first, f.last, None, _min_sample())
    return sorted(rows, key=lambda r: (r.group or "~", r.rank or 10_000, -(r.index or -1.0), r.unit))


def collect(view: str, f: ReportFilter):
    if view == "units":
        return unit_rows(f)
    if view == "ranking":
        return ranking_rows(f)
    if view == "points":
        return reports.satisfaction_by_point(f.first, f.last, f.scope, _min_sample())
    if view == "criteria":
        return reports.criteria_summary(f.first, f.last, f.scope)
    if view == "reasons":
        return reports.reason_counts(f.first, f.last, f.scope)
    if view == "heatmap":
        return reports.heatmap(f.first, f.last, f.scope)
    if view == "trend":
        return reports.weekly_trend(f.first, f.last, f.scope)
    if view == "channels":
        return reports.channel_figures(f.first, f.last, f.scope)
    raise ValueError(view)


def table_for(view: str, f: ReportFilter, data) -> exports.Table:
    criteria = criteria_columns()
    if view == "units":
        return exports.unit_table(data, criteria)
    if view == "ranking":
        table = exports.unit_table(data, criteria)
        table.title = "Xếp hạng"
        return table
    if view == "points":
        return exports.point_table(data, criteria)
    if view == "criteria":
        return exports.criteria_table(data)
    if view == "reasons":
        return exports.reason_table(data)
    if view == "heatmap":
        return exports.heatmap_table(data)
    if view == "trend":
        return exports.group_table("Xu hướng tuần", "Tuần bắt đầu", data)
    if view == "channels":
        return exports.group_table("Kênh", "Kênh đánh giá", data)
    raise ValueError(view)


def _context(f: ReportFilter, view: str | None = None) -> dict:
    return {
        "f": f,
        "view": view,
        "views": VIEWS,
        "periods": periods(),
        "tree": unit_tree(g.scope),
        "criteria": criteria_columns(),
        "min_sample": _min_sample(),
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


@bp.get("/admin/reports/<view>")
@access("read")
def report(view: str):
    if view not in VIEWS:
        abort(404)
    f = report_filter()
    context = _context(f, view)
    if view == "comments":
        filters = _comment_filters(f)
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
    data = collect(view, f)
    extra = {}
    if view == "heatmap":
        extra["grid"] = _heat_grid(data)
    if view == "reasons":
        extra["total"] = sum(r.count for r in data)
    if view == "trend":
        extra["milestones"] = milestones_for(f)
    if view in ("units", "ranking"):
        extra["groups"] = dict(db.session.execute(sa.select(CompetitionGroup.code, CompetitionGroup.name)).all())
    if view == "ranking":
        query = sa.select(Unit.code)
        if f.scope is not None:
            query = query.where(Unit.id.in_(f.scope))
        extra["mine"] = set(db.session.scalars(query))
    return render_template(f"admin/report_{view}.html", rows=data, **extra, **context)


def _heat_grid(cells: list[reports.HeatCell]) -> dict:
    hours = sorted({c.hour for c in cells})
    span = list(range(hours[0], hours[-1] + 1)) if hours else []
    values = {(c.weekday, c.hour): c for c in cells}
    peak = max((c.responses for c in cells), default=0)
    return {"hours": span, "cells": values, "peak": peak, "weekdays": reports.WEEKDAYS_VI}


@bp.get("/admin/charts/<name>.<fmt>")
@access("read")
def chart(name: str, fmt: str):
    from core.reporting import charts

    if name not in CHARTS or fmt not in charts.FORMATS:
        abort(404)
    f = report_filter()
    version = reports.answers_version(f.scope)
    key = (name, fmt, f.first, f.last, f.period.code if f.period else None, f.scope_key, version)
    etag = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:

        def draw() -> bytes:
            if name == "trend":
                return charts.render(charts.draw_trend, fmt, collect("trend", f), milestones_for(f))
            if name == "units":
                rows = unit_rows(f)
                return charts.render(
                    charts.draw_units, fmt, rows, _min_sample(), width=8, height=charts.units_height(len(rows))
                )
            if name == "heatmap":
                return charts.render(charts.draw_heatmap, fmt, collect("heatmap", f), width=9, height=3.6)
            return charts.render(getattr(charts, f"draw_{name}"), fmt, collect(name, f))

        response = Response(charts.cached(key, draw), mimetype=charts.FORMATS[fmt])
    response.set_etag(etag)
    # Revalidate every time: a new answer changes the ETag, an unchanged scope answers 304.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _filename(f: ReportFilter, stem: str, ext: str) -> str:
    scope = f.unit.code if f.unit is not None else ("tinh" if g.scope is None else "don-vi")
    return f"bao-cao-{stem}-{scope}-{f.first.isoformat()}-{f.last.isoformat()}.{ext}"


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def workbook_tables(f: ReportFilter) -> list[exports.Table]:
    criteria = criteria_columns()
    summary = reports.scope_summary(f.first, f.last, f.scope)
    _total, comment_rows = reports.comments(f.first, f.last, f.scope, limit=100_000)
    raw = reports.raw_answers(f.first, f.last, f.scope, limit=RAW_XLSX_LIMIT + 1)
    overview = exports.summary_table(f.first, f.last, f.scope_name, summary)
    if len(raw) > RAW_XLSX_LIMIT:
        raw = raw[1:]
        overview.rows.append(
            [
                "Sheet “Câu trả lời”",
                f"{RAW_XLSX_LIMIT:,} lượt gần nhất; tải “raw.csv” để có đủ mọi lượt".replace(",", "."),
            ]
        )
    return [
        overview,
        *(table_for(view, f, collect(view, f)) for view in VIEWS if view != "comments"),
        exports.comment_table(comment_rows),
        exports.raw_table(raw, criteria),
    ]


@bp.get("/admin/exports/report.xlsx")
@access("read")
def export_xlsx():
    f = report_filter()
    data = exports.xlsx_bytes(workbook_tables(f))
    return _download(
        data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _filename(f, "hai-long", "xlsx")
    )


@bp.get("/admin/exports/<view>.csv")
@access("read")
def export_csv(view: str):
    if view not in VIEWS and view != "raw":
        abort(404)
    f = report_filter()
    if view == "raw":
        table = exports.raw_table(
            reports.raw_answers(f.first, f.last, f.scope, limit=RAW_CSV_LIMIT), criteria_columns()
        )
    elif view == "comments":
        filters = _comment_filters(f)
        _total, rows = reports.comments(
            f.first, f.last, f.scope, score=filters["score"], point_code=filters["point"], limit=100_000
        )
        table = exports.comment_table(rows)
    else:
        table = table_for(view, f, collect(view, f))
    return _download(exports.csv_bytes(table), "text/csv; charset=utf-8", _filename(f, view, "csv"))


@bp.get("/admin/exports/report.pdf")
@access("read")
def export_pdf():
    from core.reporting.charts import cached
    from core.reporting.meeting_report import meeting_report_pdf

    f = report_filter()
    title = f.period.name if f.period is not None else "Báo cáo mức độ hài lòng"
    key = ("meeting-pdf", title, f.first, f.last, f.scope_key, f.scope_name, reports.answers_version(f.scope))
    data = cached(
        key,
        lambda: meeting_report_pdf(
            title=title,
            first=f.first,
            last=f.last,
            scope=f.scope,
            scope_name=f.scope_name,
            min_sample=_min_sample(),
            milestones=milestones_for(f),
            generated=utcnow(),
        ),
    )
    return _download(data, "application/pdf", _filename(f, "hop", "pdf"))


@bp.app_context_processor
def report_links():
    def report_url(endpoint: str, f: ReportFilter | None, **values):
        args = f.args() if f is not None else {}
        args.update({k: v for k, v in values.items() if v not in (None, "")})
        return url_for(endpoint, **args)

    return {"report_url": report_url}
