"""Spreadsheet imports of units, groups and points: CSV (UTF-8, BOM or not) or XLSX.

All or nothing: every row is checked first and every bad row is reported with its line number;
only a clean file changes the database. Existing codes are updated, so an import can be re-run.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field

import sqlalchemy as sa

from core import audit
from core.audit import Actor
from core.extensions import db
from core.inputs import clean_text, text_problem
from core.models import CompetitionGroup, Point, Unit
from core.org.points import new_point_token
from core.org.units import parent_chain_loops


def _length(column: sa.Column) -> int:
    return column.type.length


# Each column's limit is its database column's, so a value that fits the check fits the table.
UNIT_COLUMNS = {
    "code": _length(Unit.__table__.c.code),
    "name": _length(Unit.__table__.c.name),
    "kind": _length(Unit.__table__.c.kind),
    "parent": _length(Unit.__table__.c.code),
    "group": _length(CompetitionGroup.__table__.c.code),
}
POINT_COLUMNS = {
    "code": _length(Point.__table__.c.code),
    "name": _length(Point.__table__.c.name),
    "unit": _length(Unit.__table__.c.code),
}
GROUP_COLUMNS = {
    "code": _length(CompetitionGroup.__table__.c.code),
    "name": _length(CompetitionGroup.__table__.c.name),
    "leader_unit": _length(Unit.__table__.c.code),
}
# Codes are identifiers: a control character or an unpaired surrogate in one is refused, while
# names, typed by people, are cleaned like any free text.
CODE_COLUMNS = {"code", "parent", "group", "unit", "leader_unit", "kind"}


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    notes: list[str] = field(default_factory=list)


def read_rows(data: bytes, filename: str, columns: dict[str, int]) -> list[tuple[int, dict[str, str]]]:
    """Rows as (line number, {column: stripped text}), each value within its column's length and
    storable; raises ImportFailed on a bad file, naming every bad line."""
    extension = os.path.splitext(filename)[1].lower()
    if extension == ".xlsx":
        table = _xlsx_table(data)
    elif extension in (".csv", ".txt", ""):
        table = _csv_table(data)
    else:
        raise ImportFailed([f"unsupported file type {extension!r}: use .csv or .xlsx"])
    if not table:
        raise ImportFailed(["line 1: the file is empty; expected a header row " + ",".join(columns)])
    header = [str(cell or "").strip().lower() for cell in table[0]]
    missing = [c for c in columns if c not in header]
    unknown = [c for c in header if c and c not in columns]
    if missing or unknown:
        raise ImportFailed(
            [f"line 1: expected columns {','.join(columns)}; missing {missing or 'none'}, unknown {unknown or 'none'}"]
        )
    rows, errors = [], []
    for number, cells in enumerate(table[1:], start=2):
        values = [str(cell).strip() if cell is not None else "" for cell in cells]
        if not any(values):
            continue
        values += [""] * (len(header) - len(values))
        row = {name: values[i] for i, name in enumerate(header) if name}
        errors.extend(_guard_row(number, row, columns))
        rows.append((number, row))
    if errors:
        raise ImportFailed(errors)
    return rows


def _guard_row(number: int, row: dict[str, str], columns: dict[str, int]) -> list[str]:
    """Clean names, refuse codes that cannot be stored, and refuse values past their column."""
    errors = []
    for name, value in row.items():
        problem = text_problem(value)
        if problem and name in CODE_COLUMNS:
            errors.append(f"line {number}: {name} {problem}")
            continue
        row[name] = value = clean_text(value).strip()
        if len(value) > columns[name]:
            errors.append(f"line {number}: {name} is longer than {columns[name]} characters")
    return errors


def _csv_table(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed([f"line {line}: the file is not UTF-8 text (save it as CSV UTF-8)"]) from None
    return list(csv.reader(io.StringIO(text, newline="")))


def _xlsx_table(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ImportFailed(["line 1: the file is not a readable .xlsx workbook"]) from None
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _duplicates(rows, errors: list[str]) -> None:
    seen: dict[str, int] = {}
    for number, row in rows:
        code = row["code"]
        if code in seen:
            errors.append(f"line {number}: duplicate code {code!r} (first on line {seen[code]})")
        else:
            seen[code] = number


def _required(rows, names: tuple[str, ...], errors: list[str]) -> None:
    for number, row in rows:
        for name in names:
            if not row.get(name):
                errors.append(f"line {number}: {name} is empty")


def _audit(actor: Actor, what: str, filename: str, result: ImportResult) -> ImportResult:
    changes = {"created": result.created, "updated": result.updated}
    audit.record(actor, f"import.{what}", clean_text(filename)[:255], changes)
    return result


def import_units(actor: Actor, data: bytes, filename: str) -> ImportResult:
    rows = read_rows(data, filename, UNIT_COLUMNS)
    errors: list[str] = []
    _required(rows, ("code", "name", "kind"), errors)
    _duplicates(rows, errors)
    existing = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    groups = {g.code: g for g in db.session.scalars(sa.select(CompetitionGroup))}
    in_file = {row["code"] for _, row in rows}
    parents = {row["code"]: row["parent"] for _, row in rows}
    for number, row in rows:
        parent = row["parent"]
        if parent and parent not in in_file and parent not in existing:
            errors.append(f"line {number}: unknown parent {parent!r}")
        if parent == row["code"]:
            errors.append(f"line {number}: a unit cannot be its own parent")
    for number, row in rows:
        if parent_chain_loops(row["code"], lambda code: _parent_of(code, parents, existing)):
            errors.append(f"line {number}: parent chain of {row['code']!r} loops")
    if errors:
        raise ImportFailed(errors)

    result = ImportResult()
    for _, row in rows:
        group_code = row.get("group") or ""
        if group_code and group_code not in groups:
            groups[group_code] = CompetitionGroup(code=group_code, name=group_code)
            db.session.add(groups[group_code])
            result.notes.append(f"created competition group {group_code!r} (name it with import-groups)")
        unit = existing.get(row["code"])
        if unit is None:
            unit = Unit(code=row["code"])
            db.session.add(unit)
            existing[row["code"]] = unit
            result.created += 1
        else:
            result.updated += 1
        unit.name, unit.kind = row["name"], row["kind"]
        unit.group = groups[group_code] if group_code else None
    db.session.flush()
    for _, row in rows:
        existing[row["code"]].parent = existing[row["parent"]] if row["parent"] else None
    db.session.flush()
    return _audit(actor, "units", filename, result)


def _parent_of(code: str, parents: dict[str, str], existing: dict[str, Unit]) -> str | None:
    """A unit's parent code: the file's when the file names the unit, the database's otherwise."""
    if code in parents:
        return parents[code] or None
    unit = existing.get(code)
    return unit.parent.code if unit is not None and unit.parent is not None else None


def import_points(actor: Actor, data: bytes, filename: str) -> ImportResult:
    rows = read_rows(data, filename, POINT_COLUMNS)
    errors: list[str] = []
    _required(rows, tuple(POINT_COLUMNS), errors)
    _duplicates(rows, errors)
    units = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    for number, row in rows:
        if row["unit"] and row["unit"] not in units:
            errors.append(f"line {number}: unknown unit {row['unit']!r}")
    if errors:
        raise ImportFailed(errors)
    existing = {p.code: p for p in db.session.scalars(sa.select(Point))}
    result = ImportResult()
    for _, row in rows:
        point = existing.get(row["code"])
        if point is None:
            point = Point(code=row["code"], public_token=new_point_token())
            db.session.add(point)
            result.created += 1
        else:
            result.updated += 1
        point.name, point.unit = row["name"], units[row["unit"]]
    db.session.flush()
    return _audit(actor, "points", filename, result)


def import_groups(actor: Actor, data: bytes, filename: str) -> ImportResult:
    rows = read_rows(data, filename, GROUP_COLUMNS)
    errors: list[str] = []
    _required(rows, ("code", "name"), errors)
    _duplicates(rows, errors)
    units = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    for number, row in rows:
        if row["leader_unit"] and row["leader_unit"] not in units:
            errors.append(f"line {number}: unknown leader unit {row['leader_unit']!r}")
    if errors:
        raise ImportFailed(errors)
    existing = {g.code: g for g in db.session.scalars(sa.select(CompetitionGroup))}
    result = ImportResult()
    for _, row in rows:
        group = existing.get(row["code"])
        if group is None:
            group = CompetitionGroup(code=row["code"])
            db.session.add(group)
            result.created += 1
        else:
            result.updated += 1
        group.name = row["name"]
        group.leader = units.get(row["leader_unit"]) if row["leader_unit"] else None
    db.session.flush()
    return _audit(actor, "groups", filename, result)
