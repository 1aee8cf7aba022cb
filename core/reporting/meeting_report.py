"""The PDF report for the sơ kết / tổng kết meetings: one summary page for the scope (the province
or a unit subtree), then one page per unit with answers, with its charts. Drawn with matplotlib's
PDF backend (no pyplot), imported only when a report is printed; figures come from `core.reporting.queries`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa

from core.extensions import db
from core.models import CompetitionGroup, Unit
from core.reporting import charts
from core.reporting import queries as reports
from core.timeutil import LOCAL_TZ

A4 = (8.27, 11.69)
ROWS_PER_SUMMARY_PAGE = 34


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _count(value: int) -> str:
    """Vietnamese thousands separator: 12.345."""
    return f"{value:,}".replace(",", ".")


def _header(figure, title: str, subtitle: str) -> None:
    figure.text(0.5, 0.965, title, ha="center", va="top", fontsize=13, fontweight="bold", wrap=True)
    figure.text(0.5, 0.925, subtitle, ha="center", va="top", fontsize=10)


def _table(axes, headers: list[str], rows: list[list[str]], widths: list[float]) -> None:
    axes.set_axis_off()
    if not rows:
        axes.text(0.5, 0.9, charts.NO_DATA, ha="center", transform=axes.transAxes)
        return
    table = axes.table(cellText=rows, colLabels=headers, colWidths=widths, loc="upper center", cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(7.5)
    table.scale(1, 1.25)
    for (row, _col), cell in table.get_celld().items():
        if row == 0:
            cell.set_facecolor("#dde8f5")
            cell.set_text_props(fontweight="bold")


def meeting_report_pdf(
    *,
    title: str,
    first: date,
    last: date,
    scope: set[int] | None,
    scope_name: str,
    min_sample: int,
    milestones: Sequence[tuple[str, str]] = (),
    generated: datetime,
) -> bytes:
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    period_line = f"{scope_name} · từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}"
    all_rows = reports.satisfaction_by_unit(first, last, None, min_sample)
    ids = dict(db.session.execute(sa.select(Unit.code, Unit.id)).all())
    rows = [r for r in all_rows if scope is None or ids.get(r.unit) in scope]
    summary = reports.scope_summary(first, last, scope)
    # Every unit's page from two batched queries (and the unit rows' own criterion figures).
    trends = reports.weekly_trend_by_unit(first, last, scope)
    labels = reports.criterion_labels()
    group_names = dict(db.session.execute(sa.select(CompetitionGroup.code, CompetitionGroup.name)).all())
    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": title, "Subject": period_line, "Creator": "hai-long"}) as pdf:
        ordered = sorted(rows, key=lambda r: (r.group or "~", r.rank or 10_000, -(r.index or -1), r.unit))
        chunks = [ordered[i : i + ROWS_PER_SUMMARY_PAGE] for i in range(0, len(ordered), ROWS_PER_SUMMARY_PAGE)]
        for number, chunk in enumerate(chunks or [[]], start=1):
            figure = Figure(figsize=A4)
            _header(figure, title, period_line)
            if number == 1:
                figure.text(
                    0.08,
                    0.885,
                    f"Chỉ số hài lòng chung: {_fmt(summary.index)}%   ·   Số lượt đánh giá được tính: "
                    f"{_count(summary.responses)}   ·   Bị loại: {_count(summary.flagged)}",
                    fontsize=10,
                )
                figure.text(
                    0.08,
                    0.862,
                    f"Đơn vị có dưới {min_sample} lượt: “chưa đủ mẫu”, không xếp hạng. "
                    f"Lập lúc {generated.astimezone(LOCAL_TZ):%H:%M %d/%m/%Y}.",
                    fontsize=8,
                )
            axes = figure.add_axes((0.05, 0.05, 0.9, 0.79))
            _table(
                axes,
                ["Đơn vị", "Khối/cụm", "Số lượt", "Chỉ số (%)", "Hạng"],
                [
                    [
                        r.name[:48],
                        _short(group_names.get(r.group, r.group or "–"), 38),
                        str(r.responses),
                        _fmt(r.index),
                        str(r.rank) if r.rank else ("chưa đủ mẫu" if not r.ranked else "–"),
                    ]
                    for r in chunk
                ],
                [0.38, 0.32, 0.09, 0.09, 0.12],
            )
            figure.text(0.95, 0.02, f"Trang tổng hợp {number}/{len(chunks) or 1}", ha="right", fontsize=7)
            pdf.savefig(figure)
        if rows:
            figure = Figure(figsize=A4, layout="constrained")
            charts.draw_units(figure, rows, min_sample)
            pdf.savefig(figure)
        for row in rows:
            if row.responses == 0:
                continue
            # Constrained layout over three stacked subfigures: the header never overlaps a chart and
            # long criterion labels are not cut at the page edge.
            figure = Figure(figsize=A4, layout="constrained")
            head, top, bottom = figure.subfigures(3, 1, height_ratios=[0.13, 0.435, 0.435])
            group_name = group_names.get(row.group, row.group)
            rank = f"Hạng {row.rank} trong {group_name}" if row.rank else "Chưa đủ mẫu để xếp hạng"
            if row.ranked and not row.rank:
                rank = "Không thuộc khối/cụm thi đua"
            head.text(0.5, 0.95, row.name, ha="center", va="top", fontsize=13, fontweight="bold")
            head.text(0.5, 0.68, period_line, ha="center", va="top", fontsize=10)
            head.text(
                0.5,
                0.40,
                f"Chỉ số hài lòng: {_fmt(row.index)}%  ·  Số lượt được tính: {_count(row.responses)}"
                f"  ·  Bị loại: {_count(row.flagged)}",
                ha="center",
                va="top",
                fontsize=10,
            )
            head.text(0.5, 0.16, rank, ha="center", va="top", fontsize=10)
            criteria = [
                reports.CriterionSummary(code, labels.get(code, code), figures, {})
                for code, figures in row.criteria.items()
            ]
            charts.draw_criteria(top, criteria)
            charts.draw_trend(bottom, trends.get(ids[row.unit], []), milestones)
            pdf.savefig(figure)
    return buffer.getvalue()
