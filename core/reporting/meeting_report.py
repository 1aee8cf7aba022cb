"""The report for the sơ kết / tổng kết meetings, in the form of Nghị định 30/2020/NĐ-CP
(`core.reporting.official`), as an A4 PDF and as a DOCX drawn from one description:

I.   the scope's overall figures and its criteria;
II.  a table per competition group (full group names), ranked as the ranking screen ranks;
III. a short section per unit with answers, named by its unit (several to a page), and the units
     without answers in one line;
then "Nơi nhận" and the signature. Every figure is one of `core.reporting.queries`; nothing is
computed here beyond writing it down.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa

from core.extensions import db
from core.models import CompetitionGroup, Unit
from core.reporting import official
from core.reporting import queries as reports
from core.timeutil import LOCAL_TZ

TITLE = "BÁO CÁO"
SUBJECT = "Kết quả đánh giá mức độ hài lòng của người dân"
NO_GROUP = "Đơn vị không thuộc khối, cụm thi đua"
NOT_ENOUGH = "chưa đủ mẫu"
CLOSE = "(*)"
# Rank, unit, counted, flagged, index, interval, note: shares of the text width.
COLUMNS = (0.45, 2.35, 0.75, 0.6, 0.62, 1.0, 1.2)


def _percent(value: float | None) -> str:
    return official.number(value, 1)


def _interval(ci: tuple[float, float] | None) -> str:
    return f"{_percent(ci[0])} – {_percent(ci[1])}" if ci else "–"


def _rank(row: reports.UnitSatisfaction) -> str:
    return str(row.rank) if row.rank else "–"


def _note(row: reports.UnitSatisfaction) -> str:
    if not row.ranked:
        return NOT_ENOUGH if row.responses else "chưa có đánh giá"
    return CLOSE if row.close_to_previous else ""


def _order(row: reports.UnitSatisfaction) -> tuple:
    return (row.rank or 10_000, -(row.index if row.index is not None else -1), row.name)


def _grouped(
    rows: list[reports.UnitSatisfaction], group_names: dict[str, str]
) -> list[tuple[str, list[reports.UnitSatisfaction]]]:
    """(full group name, its rows by rank) by group name; units without a group last."""
    groups: dict[str | None, list[reports.UnitSatisfaction]] = {}
    for row in rows:
        groups.setdefault(row.group, []).append(row)
    keys = sorted(groups, key=lambda key: (key is None, group_names.get(key or "", key or "")))
    return [(group_names.get(key, key) if key else NO_GROUP, sorted(groups[key], key=_order)) for key in keys]


def _criteria_line(criteria: dict[str, reports.CriterionFigures], labels: dict[str, str], order: list[str]) -> str:
    parts = [
        f"{labels.get(code, code)} {_percent(figures.index)}% ({official.count(figures.answers)} câu trả lời)"
        for code in order
        if (figures := criteria.get(code)) is not None and figures.answers
    ]
    return "Theo tiêu chí: " + "; ".join(parts) + "." if parts else ""


def _overview(
    summary: reports.GroupFigures,
    criteria: list[reports.CriterionSummary],
    scope_name: str,
    min_sample: int,
    generated: datetime,
) -> list:
    by_criterion = "; ".join(
        f"{c.label} {_percent(c.figures.index)}%" for c in criteria if c.figures.answers and c.figures.index is not None
    )
    body = [
        official.Text("I. KẾT QUẢ CHUNG", role="heading"),
        official.Text(f"Phạm vi báo cáo: {scope_name}."),
        official.Text(
            f"Chỉ số hài lòng chung: {_percent(summary.index)}%; số lượt đánh giá được tính: "
            f"{official.count(summary.responses)}; số lượt bị loại: {official.count(summary.flagged)}."
        ),
    ]
    if by_criterion:
        body.append(official.Text(f"Chỉ số hài lòng theo tiêu chí: {by_criterion}."))
    body.append(
        official.Text(
            f"Đơn vị có dưới {official.count(min_sample)} lượt được tính: {NOT_ENOUGH}, không xếp hạng. "
            f"{CLOSE}: chỉ số không khác biệt có ý nghĩa thống kê so với đơn vị xếp ngay trên. "
            f"KTC 95%: khoảng tin cậy 95% của chỉ số. Số liệu lập lúc "
            f"{generated.astimezone(LOCAL_TZ):%H:%M ngày %d/%m/%Y}.",
            role="note",
        )
    )
    return body


def _group_tables(groups: list[tuple[str, list[reports.UnitSatisfaction]]]) -> list:
    body: list = [official.Text("II. XẾP HẠNG THEO KHỐI, CỤM THI ĐUA", role="heading")]
    headers = ["Hạng", "Đơn vị", "Lượt được tính", "Lượt bị loại", "Chỉ số (%)", "KTC 95% (%)", "Ghi chú"]
    for number, (name, rows) in enumerate(groups, start=1):
        body.append(official.Text(f"{number}. {name}", role="unit"))
        cells = [
            [
                _rank(r),
                r.name,
                official.count(r.responses),
                official.count(r.flagged),
                _percent(r.index),
                _interval(r.index_ci95),
                _note(r),
            ]
            for r in rows
        ]
        body.append(official.Grid(headers, cells, COLUMNS, frozenset({2, 3, 4, 5})))
    return body


def _unit_sections(
    groups: list[tuple[str, list[reports.UnitSatisfaction]]], labels: dict[str, str], order: list[str]
) -> list:
    body: list = [official.PageBreak(), official.Text("III. KẾT QUẢ TỪNG ĐƠN VỊ", role="heading")]
    silent = []
    for name, rows in groups:
        for row in rows:
            if not row.responses:
                silent.append(row.name)
                continue
            place = f"hạng {row.rank} trong {name}" if row.rank else f"{name}, {NOT_ENOUGH} để xếp hạng"
            if row.ranked and not row.rank:
                place = name
            body.append(official.Text(row.name, role="unit"))
            body.append(
                official.Text(
                    f"{place[0].upper()}{place[1:]}. Chỉ số hài lòng {_percent(row.index)}% "
                    f"(KTC 95%: {_interval(row.index_ci95)}); {official.count(row.responses)} lượt được tính, "
                    f"{official.count(row.flagged)} lượt bị loại.",
                    role="note",
                )
            )
            line = _criteria_line(row.criteria, labels, order)
            if line:
                body.append(official.Text(line, role="note"))
    if silent:
        body.append(official.Text("Đơn vị chưa có lượt đánh giá", role="unit"))
        body.append(official.Text(", ".join(silent) + ".", role="note"))
    return body


def meeting_document(
    *,
    title: str,
    first: date,
    last: date,
    scope: set[int] | None,
    scope_name: str,
    min_sample: int,
    milestones: Sequence[tuple[str, str]] = (),
    generated: datetime,
) -> official.Document:
    """The report as an official document; `milestones` are the charts' and are not printed."""
    del milestones
    all_rows = reports.satisfaction_by_unit(first, last, None, min_sample)
    ids = dict(db.session.execute(sa.select(Unit.code, Unit.id)).all())
    rows = [r for r in all_rows if scope is None or ids.get(r.unit) in scope]
    group_names = dict(db.session.execute(sa.select(CompetitionGroup.code, CompetitionGroup.name)).all())
    groups = _grouped(rows, group_names)
    labels = reports.criterion_labels()
    order = reports.criterion_order()
    body = _overview(
        reports.scope_summary(first, last, scope),
        reports.criteria_summary(first, last, scope),
        scope_name,
        min_sample,
        generated,
    )
    body += _group_tables(groups)
    body += _unit_sections(groups, labels, order)
    subtitles = [SUBJECT]
    if title and not title.lower().startswith("báo cáo"):
        subtitles.append(title)
    subtitles.append(f"Từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}")
    return official.Document(
        kind="BC",
        title=TITLE,
        subtitles=subtitles,
        body=body,
        generated=generated,
        metadata_title=f"{SUBJECT} – {title} – {scope_name}",
    )


def meeting_report_pdf(**arguments) -> bytes:
    """The report as an A4 PDF; takes the keyword arguments of `meeting_document`."""
    return official.pdf_bytes(meeting_document(**arguments))


def meeting_report_docx(**arguments) -> bytes:
    """The same report as DOCX, for the office to number, sign and file."""
    return official.docx_bytes(meeting_document(**arguments))
