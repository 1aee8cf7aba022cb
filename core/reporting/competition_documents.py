"""The competition's score sheet as documents for the award council: an XLSX workbook (a sheet per
competition group, the items' details, bonus and penalty lines, evidence), and an A4 PDF and a DOCX
in the form of Nghị định 30/2020/NĐ-CP (`core.reporting.official`: issuing body, number, Quốc hiệu,
place and date, title, a table per group, proposals, evidence, Nơi nhận, signature).

Both take the sheet's rows exactly as the API answers them (`SheetRow.as_dict()` or a frozen
review's stored sheet) and compute nothing: every figure of a unit is the one of the API and the
screens. Names of codes are written in Vietnamese here, as the office files the documents as they
are (screens translate the codes themselves).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from core.reporting import official
from core.reporting.exports import INTEGER, Table, xlsx_bytes
from core.timeutil import LOCAL_TZ

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
    head: official.Letterhead = field(default_factory=official.letterhead)

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


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TZ)


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
        ["Cơ quan", f"{doc.head.parent} – {doc.head.issuer}".strip(" –")],
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
    headers += [f"Mục {item} (tối đa {official.number(maxima.get(item), 0)})" for item in ITEMS]
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


# --- PDF and DOCX (Nghị định 30/2020) -----------------------------------------------------------

# Rank, unit, items 1-6, bonus, penalty, score, class, proposal: shares of the text width.
COLUMNS = (0.36, 1.6, *(0.42,) * 6, 0.4, 0.4, 0.5, 0.78, 0.66)
FIGURE_COLUMNS = frozenset(range(2, 11))


def _cells(doc: SheetDocument, row: dict) -> list[str]:
    decision = doc.decisions.get(row["unit"], (None, ""))[0]
    rank = str(row["rank"]) if row.get("rank") else "–"
    name = row["name"] + (" (*)" if row.get("close_to_previous") else "")
    return [
        rank,
        name,
        *(official.number(row["items"][item]["points"], 2) for item in ITEMS),
        official.number(row["bonus"], 2),
        official.number(row["penalty"], 2),
        official.number(row["score"], 2),
        _class_label(doc, row),
        DECISION_SHORT.get(decision, ""),
    ]


def _group_body(doc: SheetDocument, name: str, rows: list[dict]) -> list:
    maxima = doc.item_max()
    headers = ["Hạng", "Đơn vị"]
    headers += [f"Mục {item} ({official.number(maxima.get(item), 0)}đ)" for item in ITEMS]
    headers += ["Điểm cộng", "Điểm trừ", "Tổng điểm", "Xếp loại", "Đề xuất"]
    return [
        official.Text(f"Khối, cụm: {name}", role="heading"),
        official.Grid(headers, [_cells(doc, row) for row in rows], COLUMNS, FIGURE_COLUMNS, size="small"),
    ]


def _footnotes(doc: SheetDocument) -> list[official.Text]:
    notes = [
        "Ghi chú: điểm các mục theo bảng điểm của đợt thi đua; xếp hạng trong từng khối, cụm, đơn vị bằng điểm "
        "cùng hạng.",
        f"Đơn vị có dưới {official.count(doc.min_sample)} lượt đánh giá: {NOT_RANKED.lower()}, không xếp hạng, "
        "không xếp loại.",
        f"(*) {CLOSE_NOTE}: với số câu trả lời hiện có, chỉ số hài lòng của hai đơn vị chưa phân biệt được.",
    ]
    notes.append("; ".join(f"Mục {item}: {ITEM_NAMES[item]}" for item in ITEMS) + ".")
    return [official.Text(note, role="note") for note in notes]


def _listing(title: str, entries: list[str]) -> list[official.Text]:
    if not entries:
        return []
    return [official.Text(title, role="heading")] + [official.Text(entry, role="note") for entry in entries]


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


def sheet_document(doc: SheetDocument) -> official.Document:
    """The sheet as an official document; the PDF and the DOCX are both drawn from it."""
    body: list = []
    for name, rows in doc.groups():
        body += _group_body(doc, name, rows)
    if not doc.rows:
        body.append(official.Text("Không có đơn vị nào trong bảng."))
    body += _footnotes(doc)
    body += _listing("ĐỀ XUẤT KHEN THƯỞNG, PHÊ BÌNH", _decision_entries(doc))
    body += _listing("DANH MỤC MINH CHỨNG", _evidence_entries(doc))
    subtitles = [
        f"{doc.period_name} · {doc.stage_name}",
        _span(doc) + (f" · {doc.group_name}" if doc.group_name else ""),
    ]
    return official.Document(
        kind="BC",
        title=TITLE,
        subtitles=subtitles,
        body=body,
        generated=doc.generated,
        head=doc.head,
        metadata_title=f"{TITLE} – {doc.period_name} – {doc.stage_name}",
    )


def sheet_pdf(doc: SheetDocument) -> bytes:
    """A4 portrait, fonts embedded as TrueType, so the text can be searched and extracted."""
    return official.pdf_bytes(sheet_document(doc))


def sheet_docx(doc: SheetDocument) -> bytes:
    return official.docx_bytes(sheet_document(doc))
