"""Documents in the form of Nghị định 30/2020/NĐ-CP (Phụ lục I): the one place for the layout the
office files, shared by the meeting report and the competition's score sheets.

A document is described once (`Document`: the kind of text, its title, a body of paragraphs, tables
and page breaks) and rendered twice from that description, so the PDF and the DOCX always carry the
same words and figures:

- `pdf_bytes`: A4 pages drawn with matplotlib's PDF backend, fonts embedded as TrueType (text can be
  searched and copied), tables wrapped inside their cells with their header repeated on each page;
- `docx_bytes`: the same with python-docx, for the office to number, sign and file.

Around the body sit the parts the decree prescribes: the issuing body (cơ quan chủ quản above, cơ
quan ban hành in bold below), "Số:      /BC-…" left blank to fill in, Quốc hiệu and Tiêu ngữ (the
motto underlined), "Quảng Nam, ngày … tháng … năm …", the title, "Nơi nhận:" and the signature
block. Who issues and signs comes from the settings (`Letterhead`). Figures are written with
`core.numbers` (1.234; 83,3).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from core.isolation import isolated
from core.numbers import vn_number
from core.timeutil import LOCAL_TZ

NATION = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
RECIPIENTS_HEADING = "Nơi nhận:"


def number(value: float | int | None, digits: int = 1) -> str:
    """A figure in a document: "." between thousands, "," before decimals (83,3; 1.234,50)."""
    return vn_number(value, digits)


def count(value: int | None) -> str:
    """A count in a document: 1.234."""
    return vn_number(value, 0)


# --- Who issues, where, who signs --------------------------------------------------------------


@dataclass(frozen=True)
class Letterhead:
    parent: str  # cơ quan chủ quản, e.g. UBND TỈNH QUẢNG NAM
    issuer: str  # cơ quan ban hành, e.g. THANH TRA TỈNH
    place: str
    symbol: str  # the issuer's abbreviation after the kind: /BC-TTr
    signer_title: str
    signer_name: str  # empty: the line stays blank to sign by hand
    recipients: tuple[str, ...]

    @classmethod
    def from_config(cls, config) -> Letterhead:
        recipients = tuple(part.strip() for part in (config.get("DOCUMENT_RECIPIENTS") or "").split(";"))
        return cls(
            parent=(config.get("DOCUMENT_ISSUER_PARENT") or "").strip(),
            issuer=(config.get("DOCUMENT_ISSUER") or "").strip(),
            place=(config.get("DOCUMENT_PLACE") or "").strip(),
            symbol=(config.get("DOCUMENT_SYMBOL") or "").strip(),
            # "KT. CHÁNH THANH TRA;PHÓ CHÁNH THANH TRA": one line each, as a deputy signs.
            signer_title="\n".join(
                part.strip() for part in (config.get("DOCUMENT_SIGNER_TITLE") or "").split(";") if part.strip()
            ),
            signer_name=(config.get("DOCUMENT_SIGNER_NAME") or "").strip(),
            recipients=tuple(part for part in recipients if part),
        )


def letterhead() -> Letterhead:
    """The running app's settings; outside an app, the environment with config.py's defaults."""
    from flask import current_app, has_app_context

    if has_app_context():
        return Letterhead.from_config(current_app.config)
    from core.config import from_environment

    return Letterhead.from_config(from_environment("."))


def place_and_date(moment: datetime, place: str) -> str:
    """As Nghị định 30/2020 writes a document's date: a zero before days under 10 and months 1, 2."""
    local = moment.astimezone(LOCAL_TZ)
    month = f"{local.month:02d}" if local.month < 3 else str(local.month)
    return f"{place}, ngày {local.day:02d} tháng {month} năm {local.year}"


def number_line(kind: str, symbol: str) -> str:
    """ "Số:      /BC-TTr": the number itself is left blank for the office's register."""
    return f"Số:{' ' * 8}/{kind}-{symbol}" if symbol else f"Số:{' ' * 8}/{kind}"


def recipient_lines(head: Letterhead) -> list[str]:
    """ "- UBND tỉnh (b/c);" … and a full stop after the last, as the decree lists them."""
    items = list(head.recipients)
    return [f"- {item}{'.' if n == len(items) - 1 else ';'}" for n, item in enumerate(items)]


# --- What a document holds ----------------------------------------------------------------------


@dataclass
class Text:
    """A paragraph. `role`: heading (bold section titles), body, unit (bold, keeps with what follows),
    note (small print)."""

    text: str
    role: str = "body"
    bold: bool = False
    italic: bool = False
    align: str = "left"  # left | center | justify
    keep_with_next: bool = False


@dataclass
class Grid:
    """A table: headers repeated on every page, widths as shares of the text width, the columns in
    `numeric` right-aligned."""

    headers: list[str]
    rows: list[list[str]]
    widths: Sequence[float]
    numeric: frozenset[int] = frozenset()
    size: str = "table"  # table | small (a wide table)


@dataclass
class PageBreak:
    pass


@dataclass
class Document:
    kind: str  # the document type's symbol in the number: BC (báo cáo)
    title: str
    subtitles: list[str]
    body: list[Text | Grid | PageBreak]
    generated: datetime
    head: Letterhead = field(default_factory=letterhead)
    metadata_title: str = ""


# --- PDF ----------------------------------------------------------------------------------------

PAGE_W, PAGE_H = 8.27, 11.69  # A4 portrait, inches
# Margins after the decree (top and bottom 20 mm, left 30 mm for the binding, right 15 mm).
LEFT, RIGHT, TOP, BOTTOM = 1.18, 0.59, 0.79, 0.79
WIDTH = PAGE_W - LEFT - RIGHT
FONT_FAMILY = "DejaVu Serif"
PDF_SIZES = {"heading": 10.0, "body": 10.0, "unit": 9.5, "note": 8.5, "table": 8.0, "small": 7.0}
PAD = 0.04


@dataclass
class Block:
    """A piece of a page: its height (inches) and how to draw it with its top at y."""

    height: float
    draw: Callable
    header: Block | None = None  # a table row: its header, repeated at the top of a new page
    keep: float = 0.0  # the height of what must follow it on the same page
    keep_with_next: bool = False
    new_page: bool = False


def _line_height(size: float) -> float:
    return size * 1.32 / 72


@lru_cache(maxsize=8192)
def _advance(char: str, size: float, bold: bool, italic: bool) -> float:
    from matplotlib.font_manager import FontProperties, findfont, get_font

    weight, style = "bold" if bold else "normal", "italic" if italic else "normal"
    font = get_font(findfont(FontProperties(family=FONT_FAMILY, weight=weight, style=style)))
    font.set_size(size, 72)
    return font.load_char(ord(char)).linearHoriAdvance / 65536 / 72


def text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """The printed width of a text in inches: the sum of its characters' advances in the document's
    font (laying out each text with FreeType costs milliseconds; a few thousand cells add up)."""
    return sum(_advance(char, size, bold, italic) for char in text)


def wrap(text: str, width: float, size: float, bold: bool = False, italic: bool = False) -> list[str]:
    """Words on lines no wider than `width` inches; nothing is ever cut (a too-long word stays whole)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        start = len(lines)
        for word in paragraph.split():
            candidate = f"{lines[-1]} {word}" if len(lines) > start else word
            if len(lines) > start and text_width(candidate, size, bold, italic) <= width:
                lines[-1] = candidate
            else:
                lines.append(word)
        if len(lines) == start:
            lines.append("")
    return lines or [""]


def _style(size: float, bold: bool = False, italic: bool = False) -> dict:
    return {"fontsize": size, "fontweight": "bold" if bold else "normal", "style": "italic" if italic else "normal"}


def _centred_lines(ax, x: float, top: float, lines: list[tuple[str, dict]]) -> float:
    """Draw lines centred on x from `top` down; the y below the last one."""
    y = top
    for text, style in lines:
        y -= _line_height(style["fontsize"])
        ax.text(x, y + 0.03, text, ha="center", va="baseline", **style)
    return y


def _rule(ax, x: float, y: float, width: float) -> None:
    ax.plot([x - width / 2, x + width / 2], [y, y], color="black", linewidth=0.6)


def _header_block(doc: Document) -> Block:
    """Issuing body and number (left), Quốc hiệu, Tiêu ngữ and place and date (right)."""
    head = doc.head
    left_w, right_w = 2.55, WIDTH - 2.55
    left_x, right_x = LEFT + left_w / 2, LEFT + left_w + right_w / 2
    size = 9.5
    left_lines = [(line, _style(size)) for line in wrap(head.parent, left_w - 0.1, size)] if head.parent else []
    left_lines += [(line, _style(size, bold=True)) for line in wrap(head.issuer, left_w - 0.1, size, bold=True)]
    issuer_width = max((text_width(t, size, True) for t, s in left_lines if s["fontweight"] == "bold"), default=0.0)
    date_line = place_and_date(doc.generated, head.place)
    height = max(len(left_lines) * _line_height(size) + 0.45, 3 * _line_height(10.5) + 0.5)

    def draw(ax, top):
        y = _centred_lines(ax, left_x, top, left_lines)
        _rule(ax, left_x, y - 0.04, max(0.6, issuer_width / 2.5))
        ax.text(left_x, y - 0.3, number_line(doc.kind, head.symbol), ha="center", **_style(10))
        y = _centred_lines(ax, right_x, top, [(NATION, _style(size, bold=True)), (MOTTO, _style(10.5, bold=True))])
        _rule(ax, right_x, y - 0.04, text_width(MOTTO, 10.5, True))
        ax.text(right_x, y - 0.3, date_line, ha="center", **_style(10, italic=True))

    return Block(height, draw)


def _title_block(doc: Document) -> Block:
    lines = [(doc.title, _style(13, bold=True))]
    for subtitle in doc.subtitles:
        lines += [(line, _style(11, bold=True)) for line in wrap(subtitle, WIDTH - 0.4, 11, bold=True)]
    height = sum(_line_height(style["fontsize"]) for _text, style in lines)

    def draw(ax, top):
        y = _centred_lines(ax, LEFT + WIDTH / 2, top, lines)
        _rule(ax, LEFT + WIDTH / 2, y - 0.1, 1.4)

    return Block(height + 0.25, draw)


def _text_block(item: Text) -> Block:
    size = PDF_SIZES[item.role]
    bold = item.bold or item.role in ("heading", "unit")
    lines = wrap(item.text, WIDTH, size, bold, item.italic)
    spacing = _line_height(size)
    before = {"heading": 0.12, "unit": 0.08}.get(item.role, 0.02)

    def draw(ax, top):
        for n, line in enumerate(lines):
            x = LEFT + WIDTH / 2 if item.align == "center" else LEFT
            y = top - before - (n + 0.8) * spacing
            ax.text(x, y, line, ha="center" if item.align == "center" else "left", **_style(size, bold, item.italic))

    return Block(
        before + len(lines) * spacing + 0.03, draw, keep_with_next=item.keep_with_next or item.role == "heading"
    )


def _row_block(texts: list[str], widths: list[float], numeric: frozenset[int], size: float, bold: bool, fill):
    wrapped = [wrap(text, width - 2 * PAD, size, bold) for text, width in zip(texts, widths, strict=True)]
    line = _line_height(size)
    height = max(len(lines) for lines in wrapped) * line + 2 * PAD

    def draw(ax, top):
        from matplotlib.collections import LineCollection
        from matplotlib.patches import Rectangle

        # One artist for the row's borders: thousands of cell patches would slow a long report down.
        edges = [0.0, *(sum(widths[: n + 1]) for n in range(len(widths)))]
        if fill:
            ax.add_artist(Rectangle((LEFT, top - height), edges[-1], height, facecolor=fill, edgecolor="none"))
        segments = [[(LEFT + e, top), (LEFT + e, top - height)] for e in edges]
        segments += [[(LEFT, y), (LEFT + edges[-1], y)] for y in (top, top - height)]
        ax.add_artist(LineCollection(segments, colors="#444", linewidths=0.4))
        x = LEFT
        for column, (lines, width) in enumerate(zip(wrapped, widths, strict=True)):
            right = column in numeric and not bold
            for n, text in enumerate(lines):
                if not text:
                    continue
                ax.text(
                    x + width - PAD if right else x + PAD,
                    top - PAD - (n + 0.78) * line,
                    text,
                    ha="right" if right else "left",
                    **_style(size, bold),
                )
            x += width

    return Block(height, draw)


def _grid_blocks(grid: Grid) -> list[Block]:
    size = PDF_SIZES[grid.size]
    total = sum(grid.widths)
    widths = [WIDTH * share / total for share in grid.widths]
    header = _row_block(grid.headers, widths, grid.numeric, size, True, "#e4e4e4")
    rows = [_row_block(cells, widths, grid.numeric, size, False, None) for cells in grid.rows]
    for block in rows:
        block.header = header
    header.keep = rows[0].height if rows else 0.0
    return [header, *rows, Block(0.1, lambda ax, top: None)]


def _closing_block(head: Letterhead) -> Block:
    """ "Nơi nhận:" (left) and the signature (right), side by side as the decree places them."""
    recipients = recipient_lines(head)
    left_w = 2.9
    right_x = LEFT + left_w + (WIDTH - left_w) / 2
    left_lines = [line for item in recipients for line in wrap(item, left_w - 0.1, 8.5)]
    left_height = (len(left_lines) + 1) * _line_height(8.5) + 0.3
    titles = wrap(head.signer_title, WIDTH - left_w, 10.5, bold=True) if head.signer_title else []

    def draw(ax, top):
        y = top - 0.3
        ax.text(LEFT, y, RECIPIENTS_HEADING, **_style(9.5, bold=True, italic=True))
        for line in left_lines:
            y -= _line_height(8.5)
            ax.text(LEFT, y, line, **_style(8.5))
        y = _centred_lines(ax, right_x, top - 0.15, [(title, _style(10.5, bold=True)) for title in titles])
        if head.signer_name:
            ax.text(right_x, y - 0.95, head.signer_name, ha="center", **_style(10.5, bold=True))

    return Block(max(left_height, 0.15 + len(titles) * _line_height(10.5) + 1.15), draw)


def _blocks(doc: Document) -> list[Block]:
    blocks = [_header_block(doc), _title_block(doc)]
    for item in doc.body:
        if isinstance(item, PageBreak):
            blocks.append(Block(0.0, lambda ax, top: None, new_page=True))
        elif isinstance(item, Grid):
            blocks += _grid_blocks(item)
        else:
            blocks.append(_text_block(item))
    blocks.append(_closing_block(doc.head))
    # A heading, a unit's name, a table's header: never alone at the foot of a page.
    for n in range(len(blocks) - 2, -1, -1):
        if blocks[n].keep_with_next:
            blocks[n].keep = blocks[n + 1].height + blocks[n + 1].keep
    return blocks


def paginate(blocks: list[Block]) -> list[list[tuple[Block, float]]]:
    pages: list[list[tuple[Block, float]]] = [[]]
    y = PAGE_H - TOP
    for block in blocks:
        if block.new_page:
            if pages[-1]:
                pages.append([])
                y = PAGE_H - TOP
            continue
        if y - block.height - block.keep < BOTTOM and pages[-1]:
            pages.append([])
            y = PAGE_H - TOP
            if block.header is not None:
                pages[-1].append((block.header, y))
                y -= block.header.height
        pages[-1].append((block, y))
        y -= block.height
    return pages


def pdf_bytes(doc: Document) -> bytes:
    """The PDF; during a request drawn in a child process (core.isolation), so the web worker never
    imports matplotlib."""
    return isolated(_pdf_bytes, doc)


def _pdf_bytes(doc: Document) -> bytes:
    """A4 portrait; fonts embedded as TrueType (FontFile2), so the text can be searched and copied.
    Pages from the second on carry their number at the top centre, as the decree numbers them."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    from core.reporting.posters import DRAWING

    buffer = io.BytesIO()
    settings = {"pdf.fonttype": 42, "font.family": FONT_FAMILY, "pdf.compression": 9}
    metadata = {"Title": doc.metadata_title or doc.title, "Author": doc.head.issuer, "Creator": "hai-long"}
    with DRAWING, matplotlib.rc_context(settings), PdfPages(buffer, metadata=metadata) as pdf:
        pages = paginate(_blocks(doc))  # measures with the shared FreeType fonts: under the lock too
        for page_number, page in enumerate(pages, start=1):
            figure = Figure(figsize=(PAGE_W, PAGE_H))
            ax = figure.add_axes((0, 0, 1, 1))
            ax.set_xlim(0, PAGE_W)
            ax.set_ylim(0, PAGE_H)
            ax.set_axis_off()
            for block, top in page:
                block.draw(ax, top)
            if page_number > 1:
                ax.text(LEFT + WIDTH / 2, PAGE_H - 0.5, str(page_number), ha="center", fontsize=10)
            pdf.savefig(figure)
    return buffer.getvalue()


# --- DOCX ---------------------------------------------------------------------------------------

DOCX_FONT = "Times New Roman"
DOCX_SIZES = {"heading": 13, "body": 13, "unit": 12, "note": 11, "table": 10, "small": 8}


def _font(run, size: float, bold: bool = False, italic: bool = False, underline: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = DOCX_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.underline = underline
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), DOCX_FONT)


def _paragraph(container, text: str, size: float, *, bold=False, italic=False, underline=False, align="left"):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = container.add_paragraph()
    paragraph.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }.get(align, WD_ALIGN_PARAGRAPH.LEFT)
    paragraph.paragraph_format.space_after = Pt(2)
    paragraph.paragraph_format.space_before = Pt(0)
    if text:
        _font(paragraph.add_run(text), size, bold, italic, underline)
    return paragraph


def _cell(table, row: int, column: int):
    cell = table.cell(row, column)
    cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    return cell


def _set_widths(table, widths_in: Sequence[float]) -> None:
    from docx.shared import Inches

    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_in, strict=True):
            cell.width = Inches(width)


def write_header(document, doc: Document) -> None:
    """The decree's head: issuing body and number beside Quốc hiệu, Tiêu ngữ and the date."""
    head = doc.head
    table = document.add_table(rows=1, cols=2)
    _set_widths(table, (2.6, DOCX_WIDTH - 2.6))
    left, right = _cell(table, 0, 0), _cell(table, 0, 1)
    if head.parent:
        _paragraph(left, head.parent, 12, align="center")
    _paragraph(left, head.issuer, 12, bold=True, align="center")
    _paragraph(left, "", 6, align="center")
    _paragraph(left, number_line(doc.kind, head.symbol), 13, align="center")
    _paragraph(right, NATION, 12, bold=True, align="center")
    _paragraph(right, MOTTO, 13, bold=True, underline=True, align="center")
    _paragraph(right, "", 6, align="center")
    _paragraph(right, place_and_date(doc.generated, head.place), 13, italic=True, align="center")
    _paragraph(document, "", 8)


def write_title(document, doc: Document) -> None:
    _paragraph(document, doc.title, 14, bold=True, align="center")
    for subtitle in doc.subtitles:
        _paragraph(document, subtitle, 13, bold=True, align="center")
    _paragraph(document, "", 8)


def write_grid(document, grid: Grid) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Inches

    size = DOCX_SIZES[grid.size]
    total = sum(grid.widths)
    widths = [Inches(DOCX_WIDTH * share / total) for share in grid.widths]
    table = document.add_table(rows=1, cols=len(grid.headers))
    table.style = "Table Grid"
    table.autofit = False
    # The header row repeats at the top of every page the table runs onto.
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)

    def fill(cells, texts, bold):
        for n, (cell, text) in enumerate(zip(cells, texts, strict=True)):
            cell.width = widths[n]
            paragraph = cell.paragraphs[0]
            if n in grid.numeric and not bold:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(paragraph.add_run(text), size, bold=bold)

    # Row by row (`table.cell(r, c)` walks the whole grid on every call).
    fill(table.rows[0].cells, grid.headers, True)
    for texts in grid.rows:
        fill(table.add_row().cells, texts, False)
    _paragraph(document, "", 4)


def write_text(document, item: Text) -> None:
    paragraph = _paragraph(
        document,
        item.text,
        DOCX_SIZES[item.role],
        bold=item.bold or item.role in ("heading", "unit"),
        italic=item.italic,
        align=item.align,
    )
    if item.keep_with_next or item.role in ("heading", "unit"):
        paragraph.paragraph_format.keep_with_next = True


def write_closing(document, head: Letterhead) -> None:
    """ "Nơi nhận:" and the signature block, side by side."""
    _paragraph(document, "", 8)
    table = document.add_table(rows=1, cols=2)
    _set_widths(table, (3.0, DOCX_WIDTH - 3.0))
    left, right = _cell(table, 0, 0), _cell(table, 0, 1)
    _paragraph(left, RECIPIENTS_HEADING, 12, bold=True, italic=True)
    for line in recipient_lines(head):
        _paragraph(left, line, 11)
    _paragraph(right, head.signer_title, 13, bold=True, align="center")
    for _ in range(4):
        _paragraph(right, "", 13, align="center")
    _paragraph(right, head.signer_name, 13, bold=True, align="center")


DOCX_WIDTH = 6.5  # inches between the margins below (A4, 30 mm left, 15 mm right)


def write_page_numbers(section) -> None:
    """Nghị định 30/2020 numbers the pages at the top centre from the second page on: a PAGE field,
    which Word fills in as it lays the document out, and none on the first page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field)


def docx_bytes(doc: Document) -> bytes:
    """The DOCX; during a request written in a child process (core.isolation), so the web worker
    never imports python-docx."""
    return isolated(_docx_bytes, doc)


def _docx_bytes(doc: Document) -> bytes:
    from docx import Document as WordDocument
    from docx.shared import Mm

    document = WordDocument()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    document.core_properties.title = doc.metadata_title or doc.title
    document.core_properties.author = doc.head.issuer
    write_page_numbers(section)
    write_header(document, doc)
    write_title(document, doc)
    for item in doc.body:
        if isinstance(item, PageBreak):
            document.add_page_break()
        elif isinstance(item, Grid):
            write_grid(document, item)
        else:
            write_text(document, item)
    write_closing(document, doc.head)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
