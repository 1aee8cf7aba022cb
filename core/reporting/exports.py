"""Report tables as spreadsheets: XLSX (openpyxl: a sheet per view, Vietnamese headers, number
formats, frozen header rows) and CSV in UTF-8 with a BOM so Excel reads the diacritics.

A person reads names, never codes: group, unit and point names, reason labels and flag labels sit
beside (or instead of) the codes. XLSX cells hold real numbers; their display formats ("#,##0",
"0.0") use Excel's placeholders for the grouping and decimal separators, which Excel draws in the
reader's locale: 20.427 and 83,5 on a Vietnamese Windows, 20,427 and 83.5 on an English one. CSV is
for machines: dot decimals, no grouping.

Every table is built here from the report dataclasses of `core.reporting.queries`, so a spreadsheet shows
the same figures as the screen; no figure is computed twice. Contact details never appear.

Two workbooks are made of these tables (admin/exports.py): the report's, of aggregate tables only
(its size does not grow with the answers), and the raw data's, the comments and every answer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from core.isolation import isolated
from core.reporting.labels import CHANNEL_NAMES, SIPAS_ELEMENT_NAMES, WEEKDAY_NAMES
from core.reporting.queries import (
    CommentRow,
    CriterionSummary,
    GroupFigures,
    HeatCell,
    PointRow,
    RawAnswer,
    ReasonCount,
    UnitSatisfaction,
)
from core.timeutil import LOCAL_TZ

# Excel format codes: "," and "." are placeholders, drawn as the reader's locale separators.
PERCENT = "0.0"
INTEGER = "#,##0"
MEAN = "0.00"
DATETIME = "dd/mm/yyyy hh:mm"
FLAG_LABELS = {None: "", "misuse": "Bấm liên tục (loại)", "repeat": "Lặp lại (loại)", "clock": "Sai giờ (loại)"}
# The report workbook's pointer to what it no longer holds (its overview's last line).
RAW_DATA_NOTE = ("Ý kiến và từng câu trả lời", "Tệp “Dữ liệu thô” (Excel hoặc CSV) trên trang báo cáo")


@dataclass
class Table:
    """One sheet: a title (the sheet name), headers, rows of cells, and a number format per column."""

    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    formats: dict[int, str] = field(default_factory=dict)
    widths: dict[int, int] = field(default_factory=dict)


def _local(moment: datetime | None) -> datetime | None:
    # Excel has no time zones: write the local wall-clock time without an offset.
    return moment.astimezone(LOCAL_TZ).replace(tzinfo=None) if moment else None


def summary_table(first: date, last: date, scope_name: str, summary: GroupFigures) -> Table:
    table = Table("Tổng hợp", ["Nội dung", "Giá trị"], widths={0: 36, 1: 40})
    table.rows = [
        ["Phạm vi", scope_name],
        ["Từ ngày", first.strftime("%d/%m/%Y")],
        ["Đến ngày", last.strftime("%d/%m/%Y")],
        ["Số lượt đánh giá được tính", summary.responses],
        ["Số lượt bị loại (bấm liên tục, lặp lại, sai giờ)", summary.flagged],
        ["Chỉ số hài lòng (%)", summary.index],
    ]
    return table


def unit_table(
    rows: Sequence[UnitSatisfaction], criteria: Sequence[tuple[str, str]], groups: dict[str, str] | None = None
) -> Table:
    """`groups` names the competition groups by code ({code: name})."""
    headers = ["Mã đơn vị", "Tên đơn vị", "Khối, cụm thi đua", "Số lượt", "Bị loại", "Chỉ số hài lòng (%)"]
    for _code, label in criteria:
        headers += [f"{label} (%)", f"{label}: cận dưới 95%", f"{label}: cận trên 95%"]
    headers += ["Đủ mẫu để xếp hạng", "Hạng trong khối, cụm"]
    table = Table("Đơn vị", headers, widths={1: 40, 2: 40})
    for row in rows:
        group = (groups or {}).get(row.group or "", row.group or "")
        cells = [row.unit, row.name, group, row.responses, row.flagged, row.index]
        for code, _label in criteria:
            figures = row.criteria.get(code)
            ci = figures.ci95 if figures else None
            cells += [figures.index if figures else None, ci[0] if ci else None, ci[1] if ci else None]
        cells += ["Có" if row.ranked else "Chưa đủ mẫu", row.rank]
        table.rows.append(cells)
    table.formats = dict.fromkeys(range(5, 6 + 3 * len(criteria)), PERCENT)
    table.formats.update({3: INTEGER, 4: INTEGER, len(headers) - 1: INTEGER})
    return table


def point_table(rows: Sequence[PointRow], criteria: Sequence[tuple[str, str]]) -> Table:
    headers = ["Mã điểm", "Tên điểm tiếp nhận", "Mã đơn vị", "Tên đơn vị", "Số lượt", "Bị loại", "Chỉ số hài lòng (%)"]
    headers += [f"{label} (%)" for _code, label in criteria]
    table = Table("Điểm tiếp nhận", headers, widths={1: 34, 3: 34})
    for row in rows:
        cells = [row.point, row.name, row.unit, row.unit_name, row.responses, row.flagged, row.index]
        cells += [row.criteria[c].index if c in row.criteria else None for c, _label in criteria]
        table.rows.append(cells)
    table.formats = {4: INTEGER, 5: INTEGER, **dict.fromkeys(range(6, 7 + len(criteria)), PERCENT)}
    return table


def criteria_table(rows: Sequence[CriterionSummary], scale: Sequence[int] = (1, 2, 3, 4, 5)) -> Table:
    headers = [
        "Mã tiêu chí",
        "Tiêu chí",
        "Yếu tố SIPAS",
        "Số câu trả lời",
        "Hài lòng trở lên",
        "Chỉ số hài lòng (%)",
        "Cận dưới 95%",
        "Cận trên 95%",
        "Điểm trung bình",
    ]
    headers += [f"Số câu {score} điểm" for score in scale]
    table = Table("Tiêu chí", headers, widths={1: 40})
    for row in rows:
        f = row.figures
        cells = [
            row.code,
            row.label,
            SIPAS_ELEMENT_NAMES.get(row.element or "", ""),
            f.answers,
            f.satisfied,
            f.index,
            f.ci95[0] if f.ci95 else None,
            f.ci95[1] if f.ci95 else None,
            f.mean,
        ]
        cells += [row.distribution.get(score, 0) for score in scale]
        table.rows.append(cells)
    table.formats = {3: INTEGER, 4: INTEGER, 5: PERCENT, 6: PERCENT, 7: PERCENT, 8: MEAN}
    table.formats.update(dict.fromkeys(range(9, 9 + len(scale)), INTEGER))
    return table


def reason_table(rows: Sequence[ReasonCount]) -> Table:
    table = Table("Lý do", ["Mã lý do", "Lý do", "Số lần được chọn", "Tỷ lệ cộng dồn (%)"], widths={1: 34})
    total = sum(r.count for r in rows)
    running = 0
    for row in rows:
        running += row.count
        table.rows.append([row.code, row.label, row.count, 100.0 * running / total if total else None])
    table.formats = {2: INTEGER, 3: PERCENT}
    return table


def group_table(title: str, key_header: str, rows: Sequence[GroupFigures], names: dict | None = None) -> Table:
    table = Table(title, [key_header, "Số lượt", "Bị loại", "Chỉ số hài lòng (%)"], widths={0: 24})
    for row in rows:
        table.rows.append([(names or {}).get(row.label, row.label), row.responses, row.flagged, row.index])
    table.formats = {1: INTEGER, 2: INTEGER, 3: PERCENT}
    return table


def heatmap_table(cells: Sequence[HeatCell]) -> Table:
    table = Table("Giờ × ngày", ["Ngày trong tuần", "Giờ", "Số lượt", "Chỉ số hài lòng câu chính (%)"], widths={0: 18})
    for cell in cells:
        table.rows.append([WEEKDAY_NAMES[cell.weekday], cell.hour, cell.responses, cell.index])
    table.formats = {2: INTEGER, 3: PERCENT}
    return table


def comment_table(rows: Sequence[CommentRow]) -> Table:
    table = Table(
        "Ý kiến",
        [
            "Thời gian",
            "Mã điểm",
            "Điểm tiếp nhận",
            "Mã đơn vị",
            "Tên đơn vị",
            "Kênh",
            "Điểm câu chính (câu hỏi hài lòng chung, 1–5)",
            "Ý kiến",
        ],
        widths={0: 18, 2: 30, 4: 34, 7: 80},
    )
    for row in rows:
        table.rows.append(
            [
                _local(row.answered_at),
                row.point,
                row.point_name,
                row.unit,
                row.unit_name,
                CHANNEL_NAMES.get(row.channel, row.channel),
                row.score,
                row.comment,
            ]
        )
    table.formats = {0: DATETIME}
    return table


def raw_table(rows: Sequence[RawAnswer], criteria: Sequence[tuple[str, str]]) -> Table:
    """Every stored response, counted or not, with its scores; never a name or phone number."""
    headers = ["Mã câu trả lời", "Thời gian", "Mã điểm", "Mã đơn vị", "Kênh", "Loại khỏi số liệu"]
    headers += [label for _code, label in criteria] + ["Lý do", "Ý kiến"]
    table = Table("Câu trả lời", headers, widths={0: 38, 1: 18, len(headers) - 1: 60})
    for row in rows:
        cells = [
            row.response_id,
            _local(row.answered_at),
            row.point,
            row.unit,
            CHANNEL_NAMES.get(row.channel, row.channel),
            FLAG_LABELS.get(row.flag, row.flag),
        ]
        cells += [row.scores.get(code) for code, _label in criteria]
        cells += [", ".join(sorted(row.reason_labels or row.reasons)), row.comment or ""]
        table.rows.append(cells)
    table.formats = {1: DATETIME}
    return table


def xlsx_bytes(tables: Sequence[Table]) -> bytes:
    """The workbook of these tables; during a request written in a child process (core.isolation),
    so the web worker never imports openpyxl."""
    return isolated(_xlsx_bytes, tables)


def _xlsx_bytes(tables: Sequence[Table]) -> bytes:
    """Write-only mode streams rows: a raw sheet of a million answers stays small in memory."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE8F5")
    wrap = Alignment(wrap_text=True, vertical="top")
    for table in tables:
        sheet = workbook.create_sheet(table.title[:31])
        for column in range(len(table.headers)):
            width = table.widths.get(column, max(12, min(28, len(str(table.headers[column])) + 2)))
            sheet.column_dimensions[get_column_letter(column + 1)].width = width
        sheet.freeze_panes = "A2"
        last = get_column_letter(max(1, len(table.headers)))
        sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
        header = []
        for title in table.headers:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font, cell.fill, cell.alignment = bold, fill, wrap
            header.append(cell)
        sheet.append(header)
        formats = table.formats
        for row in table.rows:
            values = []
            for column, value in enumerate(row):
                value = _excel_safe(value)
                number_format = formats.get(column)
                if number_format is not None and value is not None:
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = number_format
                    values.append(cell)
                else:
                    values.append(value)
            sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _excel_safe(value):
    # A citizen's comment starting with "=" must stay text, never become a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    text = str(value)
    if text[:1] in ("=", "+", "-", "@"):
        return "'" + text
    return text


def csv_bytes(table: Table) -> bytes:
    """UTF-8 with BOM, comma separated, CRLF lines: what Excel opens correctly in Vietnamese."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


# Excel holds 1,048,576 rows a sheet: the header and this many data rows.
SHEET_ROWS = 1_048_575


def split_sheets(table: Table, limit: int | None = None) -> list[Table]:
    """The table as one sheet, or as several when it is longer than a sheet may be: "Câu trả lời",
    "Câu trả lời (2)", ... each with the headers, so no row is ever cut."""
    limit = limit or SHEET_ROWS
    chunks = [table.rows[i : i + limit] for i in range(0, len(table.rows), limit)] or [[]]
    return [
        Table(
            table.title if number == 1 else f"{table.title[:25]} ({number})",
            table.headers,
            rows,
            dict(table.formats),
            dict(table.widths),
        )
        for number, rows in enumerate(chunks, start=1)
    ]
