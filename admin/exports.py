"""Downloads of the reports: the XLSX workbook, a CSV per table, and the meeting PDF. Each holds
exactly the figures of the screens, for the same filter and scope."""

from __future__ import annotations

from flask import Response, abort, g

from admin import bp
from admin.access import access
from admin.report_filter import ReportFilter, report_filter
from admin.reports import VIEWS, collect, comment_filters, criteria_columns, milestones_for, min_sample, table_for
from core.reporting import exports
from core.reporting import queries as reports
from core.timeutil import utcnow

# openpyxl writes about 100,000 cells a second: past this many answers the workbook's raw sheet
# keeps the newest ones and points to the raw CSV, which has them all.
RAW_XLSX_LIMIT = 20_000
RAW_CSV_LIMIT = 1_000_000


def _filename(f: ReportFilter, stem: str, ext: str) -> str:
    scope = f.unit.code if f.unit is not None else ("tinh" if g.scope is None else "don-vi")
    return f"bao-cao-{stem}-{scope}-{f.first.isoformat()}-{f.last.isoformat()}.{ext}"


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def workbook_tables(f: ReportFilter) -> list[exports.Table]:
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
        *(table_for(view, collect(view, f)) for view in VIEWS if view != "comments"),
        exports.comment_table(comment_rows),
        exports.raw_table(raw, criteria_columns()),
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
        filters = comment_filters()
        _total, rows = reports.comments(
            f.first, f.last, f.scope, score=filters["score"], point_code=filters["point"], limit=100_000
        )
        table = exports.comment_table(rows)
    else:
        table = table_for(view, collect(view, f))
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
            min_sample=min_sample(),
            milestones=milestones_for(f),
            generated=utcnow(),
        ),
    )
    return _download(data, "application/pdf", _filename(f, "hop", "pdf"))
