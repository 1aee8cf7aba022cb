"""Downloads of the reports: the XLSX workbook of the report's tables, a CSV per table, the raw
data (the citizens' comments and every stored answer, as XLSX or CSV), and the meeting report (PDF
and DOCX). Each holds exactly the figures of the screens, for the same filter and scope.

The report workbook (`report.xlsx`) holds the aggregate tables only, each read from the rollups by
`core.reporting.queries`: its size does not grow with the answers, and its time follows the number
of rollup rows (counters per point and local day), not of answers (bench/report_scale.py). What
grows with every answer, the comments and the answers themselves, is the raw-data export
(`raw.xlsx`, and `raw.csv` as before), so nothing that the workbook once held is lost.

The report pages POST to these addresses: that queues a background job (`core.reporting.jobs`,
built by `flask run-exports`) and opens its progress page, which offers the file when it is ready.
A GET of the same address still answers the file at once, for scripts and the API's users. Both
build it with the same functions below, registered as the jobs' builders.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Response, abort, g, jsonify, redirect, render_template, send_file, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from admin import bp
from admin.access import access
from admin.formatting import num
from admin.report_filter import ReportFilter, report_filter
from admin.reports import VIEWS, collect, comment_filters, criteria_columns, milestones_for, min_sample, table_for
from core.models import ExportJob
from core.numbers import vn_number
from core.org.periods import period_by_code
from core.org.units import can_see, subtree_ids, unit_by_code, visible_unit_ids
from core.reporting import exports, jobs
from core.reporting import queries as reports
from core.timeutil import utcnow

RAW_CSV_LIMIT = 10_000_000
COMMENT_LIMIT = 10_000_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MIMETYPES = {".xlsx": XLSX, ".csv": "text/csv; charset=utf-8", ".pdf": "application/pdf", ".docx": DOCX}
KIND_LABELS = {
    "xlsx": _l("Excel (các bảng số liệu)"),
    "csv": _l("CSV"),
    "meeting_pdf": _l("Báo cáo PDF cho cuộc họp"),
    "meeting_docx": _l("Báo cáo Word cho cuộc họp"),
}
STATUS_LABELS = {
    "queued": _l("Đang chờ"),
    "running": _l("Đang tạo tệp"),
    "done": _l("Sẵn sàng"),
    "failed": _l("Không tạo được"),
}
MEETING_KINDS = {"meeting_pdf": ("pdf", "admin.start_export_pdf"), "meeting_docx": ("docx", "admin.start_export_docx")}

Progress = Callable[[int, str], None]


def _quiet(_progress: int, _message: str) -> None:
    """The synchronous downloads report to nobody."""


def _filename(f: ReportFilter, stem: str, ext: str) -> str:
    scope = f.unit.code if f.unit is not None else ("tinh" if g.scope is None else "don-vi")
    return f"bao-cao-{stem}-{scope}-{f.first.isoformat()}-{f.last.isoformat()}.{ext}"


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- What is built: one function per download, used by the GET and by the job ----------------------


def _steps(progress: Progress, steps: int) -> Callable[[int], None]:
    def step(done: int) -> None:
        progress(40 * done // steps, _("Đang lấy số liệu (%(done)d/%(total)d)", done=done, total=steps))

    return step


def workbook_tables(f: ReportFilter, progress: Progress = _quiet) -> list[exports.Table]:
    """The report workbook: the overview and every report table but the comments, each from its
    aggregate query, so its size does not grow with the answers. The overview says where
    the comments and the answers are: the raw-data export (`raw_tables`)."""
    views = [view for view in VIEWS if view != "comments"]
    step = _steps(progress, len(views) + 1)
    step(0)
    summary = reports.scope_summary(f.first, f.last, f.scope)
    overview = exports.summary_table(f.first, f.last, f.scope_name, summary)
    overview.rows.append(list(exports.RAW_DATA_NOTE))
    tables = []
    for number, view in enumerate(views, start=1):
        step(number)
        tables.append(table_for(view, collect(view, f)))
    return [overview, *tables]


def raw_tables(f: ReportFilter, progress: Progress = _quiet) -> list[exports.Table]:
    """The raw-data workbook: the overview (with the counted and flagged totals the answers add up
    to), the comments, and every stored answer, counted or flagged. A raw sheet longer than Excel
    allows continues on "Câu trả lời (2)" and so on, and the overview says how many rows each holds."""
    step = _steps(progress, 3)
    step(0)
    summary = reports.scope_summary(f.first, f.last, f.scope)
    overview = exports.summary_table(f.first, f.last, f.scope_name, summary)
    step(1)
    _total, comment_rows = reports.comments(f.first, f.last, f.scope, limit=COMMENT_LIMIT)
    step(2)
    raw = reports.raw_answers(f.first, f.last, f.scope, limit=RAW_CSV_LIMIT)
    raw_sheets = exports.split_sheets(exports.raw_table(raw, criteria_columns()))
    comments = exports.comment_table(comment_rows)
    overview.rows.append([f"Số ý kiến ở sheet “{comments.title}”", len(comments.rows)])
    for sheet in raw_sheets:
        overview.rows.append([f"Số lượt ở sheet “{sheet.title}”", len(sheet.rows)])
    if len(raw_sheets) > 1:
        overview.rows.append(
            [
                "Ghi chú",
                f"Một sheet Excel chứa tối đa {vn_number(exports.SHEET_ROWS)} dòng: các câu trả lời tiếp tục ở "
                + ", ".join(f"“{sheet.title}”" for sheet in raw_sheets[1:]),
            ]
        )
    return [overview, comments, *raw_sheets]


def _write_rows(tables: list[exports.Table], progress: Progress) -> None:
    def report(done: int, total: int) -> None:
        share = 40 + 59 * done // max(total, 1)
        progress(share, _("Đang ghi %(done)s/%(total)s dòng", done=num(done), total=num(total)))

    jobs.track_rows(tables, report)


def xlsx_data(f: ReportFilter, progress: Progress = _quiet) -> bytes:
    tables = workbook_tables(f, progress)
    _write_rows(tables, progress)
    return exports.xlsx_bytes(tables)


def raw_xlsx_data(f: ReportFilter, progress: Progress = _quiet) -> bytes:
    tables = raw_tables(f, progress)
    _write_rows(tables, progress)
    return exports.xlsx_bytes(tables)


def csv_table(view: str, f: ReportFilter, score: int | None = None, point: str | None = None) -> exports.Table:
    if view == "raw":
        return exports.raw_table(reports.raw_answers(f.first, f.last, f.scope, limit=RAW_CSV_LIMIT), criteria_columns())
    if view == "comments":
        _total, rows = reports.comments(f.first, f.last, f.scope, score=score, point_code=point, limit=COMMENT_LIMIT)
        return exports.comment_table(rows)
    return table_for(view, collect(view, f))


def csv_data(view: str, f: ReportFilter, progress: Progress = _quiet, **filters) -> bytes:
    progress(5, _("Đang lấy số liệu (%(done)d/%(total)d)", done=1, total=1))
    table = csv_table(view, f, **filters)
    _write_rows([table], progress)
    return exports.csv_bytes(table)


def meeting_kwargs(f: ReportFilter) -> dict:
    return {
        "title": f.period.name if f.period is not None else "Báo cáo mức độ hài lòng",
        "first": f.first,
        "last": f.last,
        "scope": f.scope,
        "scope_name": f.scope_name,
        "min_sample": min_sample(),
        "milestones": milestones_for(f),
        "generated": utcnow(),
    }


def meeting_data(kind: str, f: ReportFilter, progress: Progress = _quiet) -> bytes:
    # Imported when a report is drawn: matplotlib and python-docx stay out of the web workers.
    from core.reporting import meeting_report

    progress(5, _("Đang vẽ báo cáo"))
    if kind == "meeting_docx":
        return meeting_report.meeting_report_docx(**meeting_kwargs(f))
    return meeting_report.meeting_report_pdf(**meeting_kwargs(f))


# --- The synchronous downloads (GET) -------------------------------------------------------------


def _csv_view(view: str) -> str:
    if view not in VIEWS and view != "raw":
        abort(404)
    return view


def _comment_args(view: str) -> dict:
    if view != "comments":
        return {}
    filters = comment_filters()
    return {"score": filters["score"], "point": filters["point"]}


@bp.get("/admin/exports/report.xlsx")
@access("read")
def export_xlsx():
    f = report_filter()
    return _download(xlsx_data(f), XLSX, _filename(f, "hai-long", "xlsx"))


@bp.get("/admin/exports/raw.xlsx")
@access("read")
def export_raw_xlsx():
    f = report_filter()
    return _download(raw_xlsx_data(f), XLSX, _filename(f, "du-lieu-tho", "xlsx"))


@bp.get("/admin/exports/<view>.csv")
@access("read")
def export_csv(view: str):
    view = _csv_view(view)
    f = report_filter()
    data = csv_data(view, f, **_comment_args(view))
    return _download(data, MIMETYPES[".csv"], _filename(f, view, "csv"))


@bp.get("/admin/exports/report.pdf")
@access("read")
def export_pdf():
    from core.reporting.charts import cached

    f = report_filter()
    kwargs = meeting_kwargs(f)
    key = ("meeting-pdf", kwargs["title"], f.first, f.last, f.scope_key, f.scope_name, reports.answers_version(f.scope))
    data = cached(key, lambda: meeting_data("meeting_pdf", f))
    return _download(data, "application/pdf", _filename(f, "hop", "pdf"))


@bp.get("/admin/exports/report.docx")
@access("read")
def export_docx():
    f = report_filter()
    return _download(meeting_data("meeting_docx", f), DOCX, _filename(f, "hop", "docx"))


# --- Asking for a download in the background (POST) -------------------------------------------------


def _params(f: ReportFilter, view: str | None = None, **filters) -> dict:
    return {
        "first": f.first.isoformat(),
        "last": f.last.isoformat(),
        "period": f.period.code if f.period is not None else None,
        "unit": f.unit.code if f.unit is not None else None,
        "explicit": f.explicit_dates,
        "view": view,
        **filters,
        "locale": str(get_locale() or "vi"),
    }


def _start(kind: str, f: ReportFilter, filename: str, view: str | None = None, **filters):
    job, _new = jobs.enqueue(g.user, kind, _params(f, view, **filters), f.scope, filename)
    return redirect(url_for("admin.export_job", job_id=job.id), code=303)


@bp.post("/admin/exports/report.xlsx")
@access("read")
def start_export_xlsx():
    f = report_filter()
    return _start("xlsx", f, _filename(f, "hai-long", "xlsx"))


@bp.post("/admin/exports/raw.xlsx")
@access("read")
def start_export_raw_xlsx():
    f = report_filter()
    return _start("xlsx", f, _filename(f, "du-lieu-tho", "xlsx"), "raw")


@bp.post("/admin/exports/<view>.csv")
@access("read")
def start_export_csv(view: str):
    view = _csv_view(view)
    f = report_filter()
    return _start("csv", f, _filename(f, view, "csv"), view, **_comment_args(view))


@bp.post("/admin/exports/report.pdf")
@access("read")
def start_export_pdf():
    f = report_filter()
    return _start("meeting_pdf", f, _filename(f, "hop", "pdf"))


@bp.post("/admin/exports/report.docx")
@access("read")
def start_export_docx():
    f = report_filter()
    return _start("meeting_docx", f, _filename(f, "hop", "docx"))


# --- The job, built by the worker ---------------------------------------------------------------------


def _filter_of(job: ExportJob) -> ReportFilter:
    """The report filter the user chose, in the account's scope as it is now: a unit it may no
    longer see, or a scope that changed since the click, fails the job instead of widening it."""
    params = job.params
    period = period_by_code(params["period"]) if params.get("period") else None
    if params.get("period") and period is None:
        raise LookupError("the competition period no longer exists")
    unit, scope = None, g.scope
    if params.get("unit"):
        unit = unit_by_code(params["unit"])
        if unit is None or not can_see(g.scope, unit.id):
            raise PermissionError("the unit is outside the account's scope")
        scope = subtree_ids(unit.id)
    if (sorted(scope) if scope is not None else None) != job.scope:
        raise PermissionError("the account's units changed since the export was asked for")
    first, last = date.fromisoformat(params["first"]), date.fromisoformat(params["last"])
    return ReportFilter(first, last, period, unit, scope, bool(params.get("explicit")))


def build_job(job: ExportJob, progress: Progress) -> bytes:
    """The builder the worker calls for every kind below: the caller is the user who asked."""
    user = job.user
    if not user.active:
        raise PermissionError("the account is no longer active")
    g.user, g.scope = user, visible_unit_ids(user)
    with force_locale(job.params.get("locale") or "vi"):
        f = _filter_of(job)
        if job.kind == "xlsx":
            # The kind is the format; `view` "raw" asks for the raw data, as for the CSV.
            return raw_xlsx_data(f, progress) if job.params.get("view") == "raw" else xlsx_data(f, progress)
        if job.kind == "csv":
            params = job.params
            filters = (
                {"score": params.get("score"), "point": params.get("point")} if params["view"] == "comments" else {}
            )
            return csv_data(params["view"], f, progress, **filters)
        return meeting_data(job.kind, f, progress)


for _kind in KIND_LABELS:
    jobs.register(_kind, build_job)


# --- The user's jobs: progress, file, list ----------------------------------------------------------


def _own_job(job_id: str) -> ExportJob:
    job = jobs.job_of(g.user, job_id)
    if job is None:
        abort(404)
    return job


def describe(job: ExportJob) -> str:
    """What the job builds, as a person reads it: "CSV: Theo đơn vị"."""
    view = job.params.get("view")
    if job.kind == "xlsx" and view == "raw":
        return _("Dữ liệu thô (Excel)")
    label = str(KIND_LABELS.get(job.kind, job.kind))
    if job.kind == "csv" and view:
        label += ": " + (str(VIEWS[view]) if view in VIEWS else _("Mọi câu trả lời"))
    return label


def retry_url(job: ExportJob) -> str:
    """Where the same export is asked for again: its report filters, as the report links carry them."""
    params = job.params
    args = {}
    if params.get("period"):
        args["period"] = params["period"]
    if params.get("explicit") or not params.get("period"):
        args["from"], args["to"] = params["first"], params["last"]
    for name in ("unit", "score", "point"):
        if params.get(name) not in (None, ""):
            args[name] = params[name]
    if job.kind == "csv":
        return url_for("admin.start_export_csv", view=params["view"], **args)
    if job.kind == "xlsx" and params.get("view") == "raw":
        return url_for("admin.start_export_raw_xlsx", **args)
    endpoint = {"xlsx": "admin.start_export_xlsx", **{k: e for k, (_x, e) in MEETING_KINDS.items()}}[job.kind]
    return url_for(endpoint, **args)


def _status(job: ExportJob) -> dict:
    done = job.status == "done"
    return {
        "id": job.id,
        "status": job.status,
        "status_label": str(STATUS_LABELS.get(job.status, job.status)),
        "progress": 100 if done else job.progress,
        "message": job.message,
        "file_name": job.file_name,
        "size": job.size,
        "download_url": url_for("admin.export_job_file", job_id=job.id) if done else None,
    }


@bp.get("/admin/exports/jobs")
@access("read")
def export_jobs():
    return render_template(
        "admin/export_jobs.html", jobs=jobs.recent_jobs(g.user), describe=describe, status_labels=STATUS_LABELS
    )


@bp.get("/admin/exports/jobs/<job_id>")
@access("read")
def export_job(job_id: str):
    job = _own_job(job_id)
    return render_template(
        "admin/export_job.html",
        job=job,
        status=_status(job),
        what=describe(job),
        retry=retry_url(job),
    )


@bp.get("/admin/exports/jobs/<job_id>/status")
@access("read")
def export_job_status(job_id: str):
    response = jsonify(_status(_own_job(job_id)))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/admin/exports/jobs/<job_id>/file")
@access("read")
def export_job_file(job_id: str):
    job = _own_job(job_id)
    path = jobs.file_path(job)
    if job.status != "done" or path is None or not path.is_file():
        abort(404)
    suffix = path.suffix
    response = send_file(
        path,
        mimetype=MIMETYPES.get(suffix, "application/octet-stream"),
        as_attachment=True,
        download_name=job.file_name,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
