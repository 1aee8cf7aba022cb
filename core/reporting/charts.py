"""Report charts drawn with matplotlib: `Figure()` into `BytesIO`, never pyplot, imported only when
a chart is actually drawn so web workers that never draw stay small. Labels and figures follow the
reader's language and locale (DejaVu Sans, bundled with matplotlib, carries every diacritic). PNG
for screens, SVG for print.

Charts are cached in-process under a key that includes the reader's language and the scope's
answer count and latest receipt, so a cached picture lives exactly until a new answer arrives.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

from flask import has_request_context
from flask_babel import format_decimal
from flask_babel import gettext as _

from core.isolation import isolated
from core.numbers import vn_number
from core.reporting.labels import CHANNEL_NAMES, WEEKDAY_NAMES
from core.reporting.queries import CriterionSummary, GroupFigures, HeatCell, ReasonCount

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
COLOURS = {"bar": "#0b5cad", "line": "#d35400", "muted": "#9aa5b1", "grid": "#dddddd"}

_cache: OrderedDict[tuple, bytes] = OrderedDict()
_cache_lock = threading.Lock()
# Per worker process: at most this many pictures and this many bytes (a meeting PDF is ~0.3 MB).
CACHE_SIZE = 256
CACHE_BYTES = 32 * 1024 * 1024


def cached(key: tuple, draw: Callable[[], bytes]) -> bytes:
    """The picture stored under `key`, drawn once; the least recently used pictures are dropped."""
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    data = draw()
    with _cache_lock:
        _cache[key] = data
        while len(_cache) > CACHE_SIZE or (len(_cache) > 1 and sum(map(len, _cache.values())) > CACHE_BYTES):
            _cache.popitem(last=False)
    return data


def cache_clear() -> None:
    with _cache_lock:
        _cache.clear()


def _figure(width: float = 8.0, height: float = 4.0):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return figure


def _save(figure, fmt: str) -> bytes:
    if fmt == "svg":
        import matplotlib

        # Text stays text in an SVG: selectable, searchable and sharp in print (set once, idempotent).
        matplotlib.rcParams["svg.fonttype"] = "none"
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else None
    figure.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def _no_data(axes, title: str) -> None:
    axes.set_title(title)
    axes.text(
        0.5,
        0.5,
        _("Chưa có dữ liệu trong khoảng thời gian này"),
        ha="center",
        va="center",
        transform=axes.transAxes,
        color=COLOURS["muted"],
    )
    axes.set_axis_off()


def _number(value: float, digits: int = 0) -> str:
    """A figure in the reader's locale on a screen (20.427 / 83,5 in Vietnamese, 20,427 / 83.5 in
    English); Vietnamese notation where no request tells the reader."""
    if not has_request_context():
        return vn_number(value, digits)
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""))


def _tick(value: float, _position=None) -> str:
    """A tick label in Vietnamese notation: "1.225", "2,5" (one decimal only when needed)."""
    return _number(value, 0 if abs(value - round(value)) < 1e-9 else 1)


def vn_axis(axis) -> None:
    """Vietnamese thousands and decimal separators on one axis's tick labels."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(_tick))


def _style(axes) -> None:
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color=COLOURS["grid"], linewidth=0.6)
    axes.set_axisbelow(True)
    vn_axis(axes.yaxis)


def _date_axis(axes, first, last) -> None:
    """At most about eight dates, dd/mm (dd/mm/yyyy over a year or more), slanted: never overlapping."""
    from matplotlib import dates as mdates

    axes.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=8))
    pattern = "%d/%m/%Y" if (last - first).days > 300 or first.year != last.year else "%d/%m"
    axes.xaxis.set_major_formatter(mdates.DateFormatter(pattern))
    axes.tick_params(axis="x", labelrotation=30, labelsize=8)


def draw_trend(figure, weeks: Sequence[GroupFigures], milestones: Sequence[tuple[str, str]] = ()) -> None:
    """Weekly answers (bars) and index (line); milestones (ISO date, name) as dashed lines."""
    from datetime import date

    axes = figure.add_subplot()
    title = _("Xu hướng theo tuần")
    if not weeks:
        _no_data(axes, title)
        return
    days = [date.fromisoformat(w.key) for w in weeks]
    axes.bar(days, [w.responses for w in weeks], width=5, color=COLOURS["muted"], label=_("Số lượt đánh giá"))
    axes.set_ylabel(_("Số lượt đánh giá"))
    _style(axes)
    line_axes = axes.twinx()
    points = [(d, w.index) for d, w in zip(days, weeks, strict=True) if w.index is not None]
    if points:
        line_axes.plot([p[0] for p in points], [p[1] for p in points], marker="o", color=COLOURS["line"])
    line_axes.set_ylim(0, 100)
    line_axes.set_ylabel(_("Chỉ số hài lòng (%)"))
    vn_axis(line_axes.yaxis)
    line_axes.spines[["top"]].set_visible(False)
    first, last = min(days), max(days)
    for when, name in milestones:
        moment = date.fromisoformat(when)
        if first.toordinal() - 7 <= moment.toordinal() <= last.toordinal() + 7:
            axes.axvline(moment, color="#444", linestyle="--", linewidth=1)
            axes.annotate(
                name, (moment, 1), xycoords=("data", "axes fraction"), rotation=90, va="top", ha="right", fontsize=8
            )
    _date_axis(axes, first, last)
    axes.set_title(title)


def draw_reasons(figure, reasons: Sequence[ReasonCount]) -> None:
    """Pareto: reasons by frequency with the cumulative share."""
    axes = figure.add_subplot()
    title = _("Lý do chưa hài lòng (Pareto)")
    reasons = [r for r in reasons if r.count > 0]
    if not reasons:
        _no_data(axes, title)
        return
    labels = [r.label for r in reasons]
    counts = [r.count for r in reasons]
    total = sum(counts)
    positions = range(len(reasons))
    axes.bar(positions, counts, color=COLOURS["bar"])
    axes.set_xticks(list(positions), labels, rotation=20, ha="right")
    axes.set_ylabel(_("Số lần được chọn"))
    _style(axes)
    cumulative, running = [], 0
    for count in counts:
        running += count
        cumulative.append(100.0 * running / total)
    share = axes.twinx()
    share.plot(list(positions), cumulative, marker="o", color=COLOURS["line"])
    share.set_ylim(0, 105)
    share.set_ylabel(_("Tỷ lệ cộng dồn (%)"))
    vn_axis(share.yaxis)
    share.spines[["top"]].set_visible(False)
    axes.set_title(title)


def draw_heatmap(figure, cells: Sequence[HeatCell]) -> None:
    """Answers by local hour of day × weekday."""
    axes = figure.add_subplot()
    title = _("Số lượt đánh giá theo giờ và ngày trong tuần")
    if not cells:
        _no_data(axes, title)
        return
    hours = sorted({c.hour for c in cells})
    first, last = min(hours), max(hours)
    columns = list(range(first, last + 1))
    grid = [[0] * len(columns) for _day in range(7)]
    for cell in cells:
        grid[cell.weekday][cell.hour - first] = cell.responses
    image = axes.imshow(grid, aspect="auto", cmap="Blues")
    # The names are msgids of the screens' own weekday labels (admin/formatting.py).
    axes.set_yticks(range(7), [_(name) for name in WEEKDAY_NAMES])
    axes.set_xticks(range(len(columns)), [f"{h}h" for h in columns])
    peak = max(max(row) for row in grid) or 1
    for y, row in enumerate(grid):
        for x, value in enumerate(row):
            if value:
                axes.text(
                    x,
                    y,
                    _number(value),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if value > peak / 2 else "#222",
                )
    colorbar = figure.colorbar(image, ax=axes, label=_("Số lượt"))
    vn_axis(colorbar.ax.yaxis)
    axes.set_title(title)


def draw_channels(figure, channels: Sequence[GroupFigures]) -> None:
    axes = figure.add_subplot()
    title = _("So sánh theo kênh đánh giá")
    if not any(c.responses for c in channels):
        _no_data(axes, title)
        return
    labels = [_(CHANNEL_NAMES[c.key]) if c.key in CHANNEL_NAMES else c.key for c in channels]
    values = [c.index or 0 for c in channels]
    bars = axes.bar(labels, values, color=COLOURS["bar"])
    for bar, channel in zip(bars, channels, strict=True):
        text = _("%(n)s lượt", n=_number(channel.responses))
        if channel.index is not None:
            text = f"{_number(channel.index, 1)}%\n{text}"
        axes.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom", fontsize=8)
    axes.set_ylim(0, 115)
    axes.set_ylabel(_("Chỉ số hài lòng (%)"))
    _style(axes)
    axes.set_title(title)


def draw_criteria(figure, criteria: Sequence[CriterionSummary]) -> None:
    """Each criterion's index with its 95% Wilson interval."""
    axes = figure.add_subplot()
    title = _("Chỉ số hài lòng theo tiêu chí (khoảng tin cậy 95%)")
    rows = [c for c in criteria if c.figures.index is not None]
    if not rows:
        _no_data(axes, title)
        return
    labels = [c.label for c in rows][::-1]
    values = [c.figures.index for c in rows][::-1]
    lows = [max(0.0, c.figures.index - c.figures.ci95[0]) for c in rows][::-1]
    highs = [max(0.0, c.figures.ci95[1] - c.figures.index) for c in rows][::-1]
    axes.barh(labels, values, xerr=[lows, highs], color=COLOURS["bar"], ecolor="#333", capsize=3)
    axes.set_xlim(0, 100)
    axes.set_xlabel(_("Chỉ số hài lòng (%)"))
    vn_axis(axes.xaxis)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(title)


def draw_units(figure, rows: Sequence, min_sample: int) -> None:
    """Units' indices, highest first; units below the minimum sample in grey."""
    axes = figure.add_subplot()
    title = _("Chỉ số hài lòng theo đơn vị")
    rows = sorted([r for r in rows if r.index is not None], key=lambda r: r.index)
    if not rows:
        _no_data(axes, title)
        return
    colours = [COLOURS["bar"] if r.ranked else COLOURS["muted"] for r in rows]
    axes.barh([r.name for r in rows], [r.index for r in rows], color=colours)
    axes.set_xlim(0, 100)
    axes.set_xlabel(_("Chỉ số hài lòng (%%) — màu xám: chưa đủ mẫu (< %(n)s lượt)", n=_number(min_sample)))
    vn_axis(axes.xaxis)
    axes.tick_params(axis="y", labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(title)


def render(draw: Callable, fmt: str, *args, width: float = 8.0, height: float = 4.0) -> bytes:
    """The chart's bytes; during a request drawn in a child process (core.isolation), so the web
    worker never imports matplotlib."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {fmt!r}")
    return isolated(_render, draw, fmt, args, width, height)


def _render(draw: Callable, fmt: str, args: tuple, width: float, height: float) -> bytes:
    figure = _figure(width, height)
    draw(figure, *args)
    return _save(figure, fmt)


def units_height(count: int) -> float:
    return max(3.0, min(14.0, 0.28 * count + 1.2))
