"""The competition's score sheet as documents for the award council: an XLSX workbook (a sheet per
competition group, the items' details, bonus and penalty lines, evidence) and an A4 PDF in the
form of an administrative document (issuing body, national motto, place and date, title, a table
per group, proposals, evidence, signatures).

Both take the sheet's rows exactly as the API answers them (`SheetRow.as_dict()` or a frozen
review's stored sheet) and compute nothing: every figure of a unit is the one of the API and the
screens. Names of codes are written in Vietnamese here, as the office files the documents as they
are (screens translate the codes themselves).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from core.reporting.exports import INTEGER, Table, xlsx_bytes
from core.timeutil import LOCAL_TZ

ISSUER = "THANH TRA TỈNH QUẢNG NAM"
PLACE = "Quảng Nam"
NATION = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TITLE = "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA"
ITEMS = ("1", "2", "3", "4", "5", "6")
ITEM_NAMES = {
    "1": "Công khai thông tin, chính sách",
    "2": "Niêm yết công khai thủ tục hành chính",
    "3": "Giải quyết hồ sơ đúng hạn",
    "4": "Trả lời phản ánh, kiến nghị đúng hạn",
    "5": "Chất lượng tiếp đón, hướng dẫn",
    "6": "Công sở, cán bộ",
}
SOURCE_NAMES = {
    "self": "tự đánh giá",
    "review": "đã thẩm định",
    "none": "chưa có số liệu",
    "dossiers": "số liệu một cửa",
    "cases": "phản ánh",
    "no_case_due": "không có phản ánh đến hạn",
    "answers": "câu trả lời",
    "no_answers": "chưa có câu trả lời",
}
STAGE_NAMES = {"so_ket": "Sơ kết", "tong_ket": "Tổng kết", None: "Số liệu tạm tính"}
DECISION_NAMES = {"award": "Đề nghị khen thưởng", "criticise": "Phê bình"}
DECISION_SHORT = {"award": "Khen thưởng", "criticise": "Phê bình"}
NOT_RANKED = "Chưa đủ câu trả lời"
CLOSE_NOTE = "Không khác biệt có ý nghĩa thống kê so với đơn vị xếp trên"
NO_GROUP = "Không thuộc khối, cụm thi đua"
POINTS = "0.00"
PERCENT = "0.0"


@dataclass
class SheetDocument:
    """One sheet to print: its rows (dicts as the API answers them) and what the office adds."""

    period_code: str
    period_name: str
    stage: str | None  # None: the live sheet, up to `last`
    first: date
    last: date
    rows: list[dict]
    class_labels: dict[str, str]
    min_sample: int
    generated: datetime
    frozen_at: datetime | None = None
    published: bool = False
    # unit code -> (decision code, reason), from a frozen tổng kết
    decisions: dict[str, tuple[str, str]] = field(default_factory=dict)
    # unit code -> [(item, original file name)]
    evidence: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    group_name: str | None = None  # the one group printed, when not all

    @property
    def stage_name(self) -> str:
        return STAGE_NAMES.get(self.stage, self.stage or "")

    def groups(self) -> list[tuple[str, list[dict]]]:
        """(group name, rows) in the rows' order; units without a group last."""
        grouped: dict[str | None, tuple[str, list[dict]]] = {}
        for row in self.rows:
            key = row.get("group")
            name = row.get("group_name") or key or NO_GROUP
            grouped.setdefault(key, (name, []))[1].append(row)
        keys = sorted(grouped, key=lambda k: k is None)
        return [grouped[key] for key in keys]

    def item_max(self) -> dict[str, float]:
        first = self.rows[0]["items"] if self.rows else {}
        return {item: first[item]["max"] for item in ITEMS if item in first}


def _num(value: float | None, digits: int = 2) -> str:
    """Vietnamese decimal comma: 86,50."""
    if value is None:
        return "–"
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TZ)


def place_and_date(moment: datetime, place: str = PLACE) -> str:
    """As Nghị định 30/2020 writes a document's date: a zero before days under 10 and months 1, 2."""
    local = _local(moment)
    month = f"{local.month:02d}" if local.month < 3 else str(local.month)
    return f"{place}, ngày {local.day:02d} tháng {month} năm {local.year}"


def _class_label(doc: SheetDocument, row: dict) -> str:
    if not row.get("ranked"):
        return NOT_RANKED
    code = row.get("class")
    return doc.class_labels.get(code, code or "")


def _notes(row: dict) -> str:
    notes = []
    if not row.get("ranked"):
        notes.append(NOT_RANKED)
    if row.get("close_to_previous"):
        notes.append(CLOSE_NOTE)
    return "; ".join(notes)


def _span(doc: SheetDocument) -> str:
    if doc.stage is None:
        return f"Số liệu tạm tính từ ngày {_day(doc.first)} đến ngày {_day(doc.last)}"
    span = f"{doc.stage_name}: từ ngày {_day(doc.first)} đến ngày {_day(doc.last)}"
    if doc.frozen_at is not None:
        span += f" · chốt lúc {_local(doc.frozen_at):%H:%M %d/%m/%Y}"
    return span


# --- XLSX ---------------------------------------------------------------------------------------


def _fit(number: int, name: str, *, tail: bool) -> str:
    """`n. name` within a worksheet name's 31 characters, cut at a word: its head, or its tail."""
    clean = re.sub(r"[\[\]:*?/\\]", " ", name).strip()
    title = f"{number}. {clean}"
    if len(title) <= 31:
        return title
    room = 31 - len(f"{number}. …")
    if tail:
        words = clean[-room:].split(" ", 1)
        return f"{number}. …{(words[-1] if len(words) > 1 else words[0]).lstrip(' ,.-')}"
    return f"{number}. {clean[: room + 1].rsplit(' ', 1)[0].rstrip(' ,.-')}…"


def sheet_titles(names: list[str]) -> list[str]:
    """Worksheet names for the groups: the start of each name, or its end where starts coincide
    ("Cụm thi đua Thanh tra các huyện đồng bằng" and "... miền núi")."""
    heads = [_fit(n, name, tail=False).split(". ", 1)[1] for n, name in enumerate(names, start=1)]
    return [
        _fit(n, name, tail=heads.count(head) > 1)
        for n, (name, head) in enumerate(zip(names, heads, strict=True), start=1)
    ]


def overview_table(doc: SheetDocument) -> Table:
    table = Table("Thông tin", ["Nội dung", "Giá trị"], widths={0: 34, 1: 70})
    table.rows = [
        ["Cơ quan", ISSUER],
        ["Văn bản", TITLE],
        ["Đợt thi đua", f"{doc.period_name} ({doc.period_code})"],
        ["Giai đoạn", doc.stage_name],
        ["Từ ngày", _day(doc.first)],
        ["Đến ngày", _day(doc.last)],
        ["Chốt lúc", f"{_local(doc.frozen_at):%H:%M %d/%m/%Y}" if doc.frozen_at else "Chưa chốt (số liệu tạm tính)"],
        ["Công bố", "Đã công bố" if doc.published else "Chưa công bố"],
        ["Khối, cụm", doc.group_name or "Tất cả"],
        ["Lập lúc", f"{_local(doc.generated):%H:%M %d/%m/%Y}"],
        ["Xếp hạng", f"Trong từng khối, cụm; đơn vị dưới {doc.min_sample} lượt đánh giá: {NOT_RANKED.lower()}"],
    ]
    table.rows += [[f"Mục {item}", ITEM_NAMES[item]] for item in ITEMS]
    return table


def group_table(doc: SheetDocument, title: str, rows: list[dict]) -> Table:
    maxima = doc.item_max()
    headers = ["Hạng", "Mã đơn vị", "Đơn vị", "Khối, cụm"]
    headers += [f"Mục {item} (tối đa {_num(maxima.get(item), 0)})" for item in ITEMS]
    headers += [
        "Điểm cộng",
        "Điểm trừ",
        "Tổng điểm",
        "Xếp loại",
        "Số lượt đánh giá",
        "Chỉ số hài lòng (%)",
        "KTC 95%: cận dưới",
        "KTC 95%: cận trên",
        "Ghi chú",
        "Đề xuất",
        "Lý do đề xuất",
    ]
    table = Table(title, headers, widths={2: 36, 3: 30, 18: 40, 19: 22, 20: 40})
    for row in rows:
        ci = row.get("ci95")
        decision, reason = doc.decisions.get(row["unit"], (None, ""))
        cells = [row.get("rank"), row["unit"], row["name"], row.get("group_name") or row.get("group") or NO_GROUP]
        cells += [row["items"][item]["points"] for item in ITEMS]
        cells += [
            row["bonus"],
            row["penalty"],
            row["score"],
            _class_label(doc, row) if row.get("ranked") else "",
            row.get("responses"),
            row.get("index"),
            ci[0] if ci else None,
            ci[1] if ci else None,
            _notes(row),
            DECISION_NAMES.get(decision, ""),
            reason,
        ]
        table.rows.append(cells)
    table.formats = {0: INTEGER, **dict.fromkeys(range(4, 13), POINTS), 14: INTEGER}
    table.formats.update(dict.fromkeys((15, 16, 17), PERCENT))
    return table


def items_table(doc: SheetDocument) -> Table:
    headers = ["Mã đơn vị", "Đơn vị", "Mục", "Nội dung", "Điểm", "Tối đa", "Tỷ lệ (%)", "Nguồn số liệu"]
    table = Table("Chi tiết các mục", headers, widths={1: 36, 3: 36, 7: 26})
    for row in doc.rows:
        for item in ITEMS:
            figure = row["items"][item]
            source = SOURCE_NAMES.get(figure["source"], figure["source"])
            cells = [row["unit"], row["name"], int(item), ITEM_NAMES[item], figure["points"], figure["max"]]
            table.rows.append([*cells, figure["value"], source])
    table.formats = {4: POINTS, 5: POINTS, 6: PERCENT}
    return table


def adjustments_table(doc: SheetDocument) -> Table:
    table = Table("Điểm cộng, điểm trừ", ["Mã đơn vị", "Đơn vị", "Điểm", "Lý do"], widths={1: 36, 3: 60})
    for row in doc.rows:
        for line in row.get("adjustments") or ():
            table.rows.append([row["unit"], row["name"], line["points"], line["reason"]])
    table.formats = {2: POINTS}
    return table


def evidence_table(doc: SheetDocument) -> Table:
    table = Table("Minh chứng", ["Mã đơn vị", "Đơn vị", "Mục", "Tệp minh chứng"], widths={1: 36, 3: 60})
    for row in doc.rows:
        for item, name in doc.evidence.get(row["unit"], ()):
            table.rows.append([row["unit"], row["name"], item, name])
    return table


def sheet_tables(doc: SheetDocument) -> list[Table]:
    grouped = doc.groups()
    titles = sheet_titles([name for name, _rows in grouped])
    groups = [group_table(doc, title, rows) for title, (_name, rows) in zip(titles, grouped, strict=True)]
    return [overview_table(doc), *groups, items_table(doc), adjustments_table(doc), evidence_table(doc)]


def sheet_xlsx(doc: SheetDocument) -> bytes:
    return xlsx_bytes(sheet_tables(doc))


# --- PDF ----------------------------------------------------------------------------------------

PAGE_W, PAGE_H = 8.27, 11.69  # A4 portrait, inches
LEFT, RIGHT, TOP, BOTTOM = 0.6, 0.5, 0.55, 0.65
WIDTH = PAGE_W - LEFT - RIGHT
FONT = 7.0
LINE = 0.125  # inches per line of table text
PAD = 0.04
# Rank, unit, items 1-6, bonus, penalty, score, class, proposal: 7.17 inches.
COLUMNS = (0.36, 1.81, *(0.42,) * 6, 0.38, 0.38, 0.5, 0.62, 0.6)
HEADER_FILL = "#dde8f5"


@dataclass
class _Block:
    """A piece of the document: its height (inches) and how to draw it with its top at y."""

    height: float
    draw: Callable
    header: _Block | None = None  # a table row: its header, repeated at the top of a new page
    keep: float = 0.0  # the height of what must follow it on the same page


@lru_cache(maxsize=4096)
def _text_width(text: str, size: float, bold: bool = False) -> float:
    """The printed width of a text in inches, measured with the document's font."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    font = FontProperties(family="DejaVu Sans", size=size, weight="bold" if bold else "normal")
    width, _height, _descent = TextToPath().get_text_width_height_descent(text, font, ismath=False)
    return width / 72


def _wrap(text: str, width: float, size: float = FONT, bold: bool = False) -> list[str]:
    """Words on lines no wider than `width` inches (a word longer than a line stays whole)."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and _text_width(candidate, size, bold) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines or [""]


def _text_block(lines: list[tuple[str, dict]], spacing: float = 0.19) -> _Block:
    def draw(ax, top):
        for number, (text, style) in enumerate(lines):
            options = {key: value for key, value in style.items() if key != "indent"}
            x = LEFT + style.get("indent", 0.0)
            ax.text(x, top - number * spacing - 0.13, text, va="baseline", **options)

    return _Block(len(lines) * spacing + 0.06, draw)


def _title_block(doc: SheetDocument) -> _Block:
    left_x, right_x = LEFT + 1.45, LEFT + WIDTH - 1.75

    def draw(ax, top):
        ax.text(left_x, top - 0.15, ISSUER, ha="center", fontsize=9.5, fontweight="bold")
        ax.plot([left_x - 0.5, left_x + 0.5], [top - 0.23, top - 0.23], color="black", linewidth=0.6)
        ax.text(right_x, top - 0.15, NATION, ha="center", fontsize=9.5, fontweight="bold")
        ax.text(right_x, top - 0.33, MOTTO, ha="center", fontsize=10, fontweight="bold")
        ax.plot([right_x - 0.85, right_x + 0.85], [top - 0.40, top - 0.40], color="black", linewidth=0.6)
        ax.text(right_x, top - 0.62, place_and_date(doc.generated), ha="center", fontsize=9.5, style="italic")
        ax.text(PAGE_W / 2, top - 1.0, TITLE, ha="center", fontsize=13, fontweight="bold")
        ax.text(PAGE_W / 2, top - 1.22, f"{doc.period_name} · {doc.stage_name}", ha="center", fontsize=10.5)
        subtitle = _span(doc) + (f" · {doc.group_name}" if doc.group_name else "")
        ax.text(PAGE_W / 2, top - 1.42, subtitle, ha="center", fontsize=9)

    return _Block(1.6, draw)


def _cells(doc: SheetDocument, row: dict) -> list[str]:
    decision = doc.decisions.get(row["unit"], (None, ""))[0]
    rank = str(row["rank"]) if row.get("rank") else "–"
    name = row["name"] + (" (*)" if row.get("close_to_previous") else "")
    return [
        rank,
        name,
        *(_num(row["items"][item]["points"]) for item in ITEMS),
        _num(row["bonus"]),
        _num(row["penalty"]),
        _num(row["score"]),
        _class_label(doc, row),
        DECISION_SHORT.get(decision, ""),
    ]


def _row_block(texts: list[str], *, bold: bool = False, fill: str | None = None) -> _Block:
    wrapped = [_wrap(text, width - 2 * PAD, bold=bold) for text, width in zip(texts, COLUMNS, strict=True)]
    height = max(len(lines) for lines in wrapped) * LINE + 2 * PAD

    def draw(ax, top):
        from matplotlib.patches import Rectangle

        x = LEFT
        for lines, width in zip(wrapped, COLUMNS, strict=True):
            ax.add_patch(
                Rectangle((x, top - height), width, height, facecolor=fill or "none", edgecolor="#555", linewidth=0.4)
            )
            for number, line in enumerate(lines):
                # Names and texts left-aligned, figures right-aligned (the first two columns are text).
                numeric = x > LEFT + COLUMNS[0] + COLUMNS[1] - 1e-6 and x < LEFT + sum(COLUMNS[:11]) - 1e-6
                ax.text(
                    x + width - PAD if numeric else x + PAD,
                    top - PAD - (number + 0.8) * LINE,
                    line,
                    ha="right" if numeric else "left",
                    fontsize=FONT,
                    fontweight="bold" if bold else "normal",
                )
            x += width

    return _Block(height, draw)


def _group_blocks(doc: SheetDocument, name: str, rows: list[dict]) -> list[_Block]:
    maxima = doc.item_max()
    header = _row_block(
        ["Hạng", "Đơn vị"]
        + [f"Mục {item} ({_num(maxima.get(item), 0)}đ)" for item in ITEMS]
        + ["Điểm cộng", "Điểm trừ", "Tổng điểm", "Xếp loại", "Đề xuất"],
        bold=True,
        fill=HEADER_FILL,
    )
    row_blocks = [_row_block(_cells(doc, row)) for row in rows]
    for block in row_blocks:
        block.header = header
    header.keep = row_blocks[0].height if row_blocks else 0.0
    heading = _text_block([(f"Khối, cụm: {name}", {"fontsize": 10, "fontweight": "bold"})], spacing=0.24)
    heading.keep = header.height + header.keep
    return [heading, header, *row_blocks, _Block(0.15, lambda ax, top: None)]


def _notes_blocks(doc: SheetDocument) -> list[_Block]:
    notes = [
        "Ghi chú: điểm các mục theo bảng điểm của đợt thi đua; xếp hạng trong từng khối, cụm, đơn vị bằng điểm "
        "cùng hạng.",
        f"Đơn vị có dưới {doc.min_sample} lượt đánh giá: {NOT_RANKED.lower()}, không xếp hạng, không xếp loại.",
        f"(*) {CLOSE_NOTE}: với số câu trả lời hiện có, chỉ số hài lòng của hai đơn vị chưa phân biệt được.",
    ]
    notes += [f"Mục {item}: {ITEM_NAMES[item]}." for item in ITEMS]
    lines = [(line, {"fontsize": 7.5}) for note in notes for line in _wrap(note, WIDTH, 7.5)]
    return [_text_block(lines, spacing=0.15)]


def _list_blocks(title: str, entries: list[str]) -> list[_Block]:
    if not entries:
        return []
    heading = _text_block([(title, {"fontsize": 10, "fontweight": "bold"})], spacing=0.24)
    blocks = []
    for entry in entries:
        lines = _wrap(entry, WIDTH - 0.2, 8)
        blocks.append(
            _text_block(
                [(line, {"fontsize": 8, "indent": 0.0 if n == 0 else 0.2}) for n, line in enumerate(lines)], 0.16
            )
        )
    heading.keep = blocks[0].height
    return [_Block(0.12, lambda ax, top: None), heading, *blocks]


def _decision_entries(doc: SheetDocument) -> list[str]:
    names = {row["unit"]: row["name"] for row in doc.rows}
    return [
        f"{names[unit]}: {DECISION_NAMES.get(decision, decision)}. Lý do: {reason}"
        for unit, (decision, reason) in doc.decisions.items()
        if unit in names
    ]


def _evidence_entries(doc: SheetDocument) -> list[str]:
    entries = []
    for row in doc.rows:
        files = doc.evidence.get(row["unit"])
        if files:
            listed = "; ".join(f"mục {item}: {name}" for item, name in files)
            entries.append(f"{row['name']} — {listed}")
    return entries


def _signature_block() -> _Block:
    left_x, right_x = LEFT + 1.45, LEFT + WIDTH - 1.75

    def draw(ax, top):
        for x, title, hint in (
            (left_x, "NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)"),
            (right_x, "THỦ TRƯỞNG ĐƠN VỊ", "(Ký tên, đóng dấu)"),
        ):
            ax.text(x, top - 0.3, title, ha="center", fontsize=10, fontweight="bold")
            ax.text(x, top - 0.48, hint, ha="center", fontsize=8.5, style="italic")

    return _Block(1.5, draw)


def _blocks(doc: SheetDocument) -> list[_Block]:
    blocks = [_title_block(doc)]
    for name, rows in doc.groups():
        blocks += _group_blocks(doc, name, rows)
    if not doc.rows:
        blocks.append(_text_block([("Không có đơn vị nào trong bảng.", {"fontsize": 9})]))
    blocks += _notes_blocks(doc)
    blocks += _list_blocks("ĐỀ XUẤT KHEN THƯỞNG, PHÊ BÌNH", _decision_entries(doc))
    blocks += _list_blocks("DANH MỤC MINH CHỨNG", _evidence_entries(doc))
    blocks.append(_signature_block())
    return blocks


def _paginate(blocks: list[_Block]) -> list[list[tuple[_Block, float]]]:
    pages: list[list[tuple[_Block, float]]] = [[]]
    y = PAGE_H - TOP
    for block in blocks:
        if y - block.height - block.keep < BOTTOM and pages[-1]:
            pages.append([])
            y = PAGE_H - TOP
            if block.header is not None:
                pages[-1].append((block.header, y))
                y -= block.header.height
        pages[-1].append((block, y))
        y -= block.height
    return pages


def sheet_pdf(doc: SheetDocument) -> bytes:
    """A4 portrait; fonts embedded as TrueType, so the text can be searched and extracted."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    from core.reporting.posters import DRAWING

    pages = _paginate(_blocks(doc))
    buffer = io.BytesIO()
    settings = {"pdf.fonttype": 42, "font.family": "DejaVu Sans", "pdf.compression": 9}
    metadata = {"Title": f"{TITLE} – {doc.period_name} – {doc.stage_name}", "Creator": "hai-long"}
    with DRAWING, matplotlib.rc_context(settings), PdfPages(buffer, metadata=metadata) as pdf:
        for number, page in enumerate(pages, start=1):
            figure = Figure(figsize=(PAGE_W, PAGE_H))
            ax = figure.add_axes((0, 0, 1, 1))
            ax.set_xlim(0, PAGE_W)
            ax.set_ylim(0, PAGE_H)
            ax.set_axis_off()
            for block, top in page:
                block.draw(ax, top)
            ax.text(PAGE_W - RIGHT, 0.35, f"Trang {number}/{len(pages)}", ha="right", fontsize=7)
            ax.text(LEFT, 0.35, f"{doc.period_name} · {doc.stage_name}", ha="left", fontsize=7, color="#555")
            pdf.savefig(figure)
    return buffer.getvalue()
