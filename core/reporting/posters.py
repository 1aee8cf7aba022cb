"""Printable QR posters for reception points and sheets of one-time visit slips.

Shared by the survey door's CLI (`qr-poster`, `visit-codes`) and the admin area's downloads, so it
lives in the core. Drawn with matplotlib's object API (never pyplot: no global figure state in a
web worker), imported lazily so processes that never print a poster do not pay for matplotlib.
Text stays text (TrueType fonts embedded with a Unicode map) so the PDF is searchable and its
Vietnamese diacritics survive copy and paste; DejaVu Sans, shipped with matplotlib, has them all.
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from core.isolation import isolated
from core.links import survey_url, visit_url
from core.models import Point

SLOGAN = "Dân vào niềm nở – Hướng dẫn tận tình – Dân về vui vẻ"
INSTRUCTION = "Quét mã QR bằng điện thoại để đánh giá mức độ hài lòng"
TYPE_HINT = "hoặc gõ địa chỉ:"
PRIVACY_NOTE = "Ẩn danh, không cần cài đặt ứng dụng, chỉ mất khoảng 30 giây."
SLIP_TITLE = "Phiếu đánh giá mức độ hài lòng"
SLIP_NOTE = "Mã dùng một lần"
SLIP_INSTRUCTION = "quét mã để đánh giá mức độ hài lòng"

FORMATS = ("png", "svg", "pdf")
MIME_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}

A4_INCHES = (8.27, 11.69)
ACCENT = "#0b5cad"
PNG_DPI = 200
SLIP_COLUMNS, SLIP_ROWS = 2, 4  # eight slips per A4 page: big enough to scan, small enough to staple

# rcParams are process-global and matplotlib is not thread-safe: one drawing at a time per process
# (posters and the competition's documents share it).
DRAWING = threading.Lock()
_RC = {
    "pdf.fonttype": 42,  # TrueType, not Type 3 outlines: real, extractable text
    "ps.fonttype": 42,
    "svg.fonttype": "none",  # <text> elements instead of paths
    "font.family": "DejaVu Sans",
    "pdf.compression": 9,
}


@dataclass(frozen=True)
class Printed:
    """What a poster or a slip prints of a point: plain data, read before drawing starts (the
    drawing may run in a child process that must not touch the database)."""

    code: str
    name: str
    unit_name: str

    @classmethod
    def of(cls, point: Point) -> Printed:
        return cls(point.code, point.name, point.unit.name)


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR modules (True = dark) without the quiet zone; level Q survives a worn, taped poster."""
    import qrcode
    import qrcode.constants

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def poster_bytes(points: Point | Sequence[Point], fmt: str) -> bytes:
    """One A4 poster per point. png and svg take exactly one point; pdf takes one or more (a page each).

    Needs an app context (the QR carries PUBLIC_BASE_URL + /s/<token>).
    """
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"unknown poster format {fmt!r}; use one of {', '.join(FORMATS)}")
    items = [points] if isinstance(points, Point) else list(points)
    if not items:
        raise ValueError("no reception point to print")
    if fmt != "pdf" and len(items) > 1:
        raise ValueError("several posters need the pdf format (one page each)")
    pages = [(_poster_figure, (Printed.of(point), survey_url(point))) for point in items]
    return _render(pages, fmt)


def visit_slips_pdf(point: Point, codes: Iterable[str]) -> bytes:
    """A4 pages of cut-out slips, each with a QR of /v/<code> and the code in text."""
    codes = list(codes)
    if not codes:
        raise ValueError("no visit code to print")
    per_page = SLIP_COLUMNS * SLIP_ROWS
    printed = Printed.of(point)
    pages = [
        (_slips_figure, (printed, [(code, visit_url(code)) for code in codes[start : start + per_page]]))
        for start in range(0, len(codes), per_page)
    ]
    return _render(pages, "pdf")


def display_url(url: str) -> str:
    """What a citizen types: browsers add the scheme themselves."""
    for prefix in ("https://", "http://"):
        if url.startswith(prefix):
            return url[len(prefix) :]
    return url


def _render(pages, fmt: str) -> bytes:
    """The pages' bytes; during a request drawn in a child process (core.isolation), so the web
    worker never imports matplotlib."""
    return isolated(_draw_pages, pages, fmt)


def _draw_pages(pages, fmt: str) -> bytes:
    import matplotlib

    buffer = io.BytesIO()
    with DRAWING, matplotlib.rc_context(_RC):
        if fmt == "pdf":
            from matplotlib.backends.backend_pdf import PdfPages

            # No creation date: the same input gives the same bytes, which makes posters cacheable.
            metadata = {"Title": "Mã QR khảo sát mức độ hài lòng", "Creator": "hai-long", "CreationDate": None}
            with PdfPages(buffer, metadata=metadata) as pdf:
                for draw, args in pages:
                    pdf.savefig(draw(*args))
        else:
            draw, args = pages[0]
            figure = draw(*args)
            options = {"dpi": PNG_DPI, "metadata": {"Software": None}} if fmt == "png" else {"metadata": {"Date": None}}
            figure.savefig(buffer, format=fmt, **options)
    return buffer.getvalue()


def _draw_qr(ax, data: str, x: float, y: float, size: float) -> None:
    """Dark modules as one vector path (crisp at any print size), merged into runs along each row.

    (x, y) is the lower-left corner and size the side, in the axes' page units (inches).
    """
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    matrix = qr_matrix(data)
    count = len(matrix)
    module = size / count
    vertices: list[tuple[float, float]] = []
    codes: list[int] = []
    for row_index, row in enumerate(matrix):
        top = y + size - row_index * module
        column = 0
        while column < count:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < count and row[column]:
                column += 1
            left, right = x + start * module, x + column * module
            vertices += [(left, top), (right, top), (right, top - module), (left, top - module), (left, top)]
            codes += [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY]
    ax.add_patch(PathPatch(Path(vertices, codes), facecolor="black", edgecolor="none", antialiased=False))


def _page(width: float, height: float):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    return figure, ax


def _lines(ax, text: str, x: float, y: float, width_chars: int, size: float, step: float, **style) -> float:
    """Centred, wrapped text from y downwards; returns the y below the last line."""
    for line in textwrap.wrap(text, width_chars) or [""]:
        ax.text(x, y, line, ha="center", va="top", fontsize=size, **style)
        y -= step
    return y


def _poster_figure(point: Printed, url: str):
    from matplotlib.patches import Rectangle

    width, height = A4_INCHES
    figure, ax = _page(width, height)
    centre = width / 2
    ax.add_patch(Rectangle((0, height - 0.35), width, 0.35, facecolor=ACCENT, edgecolor="none"))
    y = height - 0.8
    y = _lines(ax, point.unit_name.upper(), centre, y, 34, 22, 0.42, fontweight="bold", color=ACCENT)
    y = _lines(ax, point.name, centre, y - 0.05, 44, 18, 0.34)
    y = _lines(ax, SLOGAN, centre, y - 0.2, 60, 13.5, 0.28, style="italic", color="#333333")

    qr_size = 5.6
    qr_top = y - 0.3
    _draw_qr(ax, url, centre - qr_size / 2, qr_top - qr_size, qr_size)
    y = qr_top - qr_size - 0.45
    y = _lines(ax, INSTRUCTION, centre, y, 64, 15, 0.34, fontweight="bold")
    y = _lines(ax, TYPE_HINT, centre, y - 0.05, 64, 12, 0.26, color="#333333")
    _lines(ax, display_url(url), centre, y - 0.02, 60, 14, 0.32, family="DejaVu Sans Mono", fontweight="bold")
    ax.text(centre, 0.75, PRIVACY_NOTE, ha="center", va="bottom", fontsize=11, color="#555555")
    # The point code lets staff match a poster to its desk; it is not a secret.
    ax.text(width - 0.4, 0.35, point.code, ha="right", va="bottom", fontsize=8, color="#777777")
    ax.add_patch(Rectangle((0, 0), width, 0.2, facecolor=ACCENT, edgecolor="none"))
    return figure


def _slips_figure(point: Printed, slips: list[tuple[str, str]]):
    from matplotlib.lines import Line2D

    width, height = A4_INCHES
    figure, ax = _page(width, height)
    margin = 0.3
    cell_w = (width - 2 * margin) / SLIP_COLUMNS
    cell_h = (height - 2 * margin) / SLIP_ROWS
    cut = {"color": "#999999", "linewidth": 0.6, "linestyle": (0, (4, 3))}
    for column in range(SLIP_COLUMNS + 1):
        x = margin + column * cell_w
        ax.add_line(Line2D([x, x], [margin, height - margin], **cut))
    for row in range(SLIP_ROWS + 1):
        y = margin + row * cell_h
        ax.add_line(Line2D([margin, width - margin], [y, y], **cut))
    for index, (code, url) in enumerate(slips):
        column, row = index % SLIP_COLUMNS, index // SLIP_COLUMNS
        left = margin + column * cell_w
        top = height - margin - row * cell_h
        centre = left + cell_w / 2
        y = _lines(ax, SLIP_TITLE, centre, top - 0.15, 40, 10.5, 0.2, fontweight="bold", color=ACCENT)
        y = _lines(ax, f"{point.unit_name} – {point.name}", centre, y, 52, 7.5, 0.15) - 0.05
        qr_size = 1.55
        _draw_qr(ax, url, centre - qr_size / 2, y - 0.08 - qr_size, qr_size)
        y = y - 0.08 - qr_size - 0.12
        ax.text(
            centre, y, _grouped(code), ha="center", va="top", fontsize=12, family="DejaVu Sans Mono", fontweight="bold"
        )
        ax.text(
            centre,
            y - 0.24,
            display_url(url),
            ha="center",
            va="top",
            fontsize=6.5,
            family="DejaVu Sans Mono",
            color="#333333",
        )
        ax.text(
            centre, y - 0.4, f"{SLIP_NOTE} · {SLIP_INSTRUCTION}", ha="center", va="top", fontsize=6.5, color="#555555"
        )
    return figure


def _grouped(code: str) -> str:
    """Groups of five are easier to read aloud and type; the site ignores the dashes."""
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))
