"""Spreadsheet imports of units, groups and points: CSV (UTF-8, BOM or not) or XLSX.

All or nothing: every row is checked first and every bad row is reported with its line number;
only a clean file changes the database. Existing codes are updated, so an import can be re-run.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa

from core.extensions import db
from core.models import CompetitionGroup, Point, Unit

UNIT_COLUMNS = ("code", "name", "kind", "parent", "group")
POINT_COLUMNS = ("code", "name", "unit")
GROUP_COLUMNS = ("code", "name", "leader_unit")


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    notes: list[str] = field(default_factory=list)


def read_rows(data: bytes, filename: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows as (line number, {column: stripped text}); raises ImportFailed on a bad file."""
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
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = [str(cell).strip() if cell is not None else "" for cell in cells]
        if not any(values):
            continue
        values += [""] * (len(header) - len(values))
        rows.append((number, {name: values[i] for i, name in enumerate(header) if name}))
    return rows


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


def _required(rows, names: tuple[str, ...], errors: list[str], limit: int = 255) -> None:
    for number, row in rows:
        for name in names:
            if not row.get(name):
                errors.append(f"line {number}: {name} is empty")
            elif len(row[name]) > limit:
                errors.append(f"line {number}: {name} is longer than {limit} characters")


def import_units(data: bytes, filename: str) -> ImportResult:
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
        if _has_cycle(row["code"], parents, existing):
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
    db.session.commit()
    return result


def _has_cycle(code: str, parents: dict[str, str], existing: dict[str, Unit]) -> bool:
    seen = {code}
    current = parents.get(code)
    while current:
        if current in seen:
            return True
        seen.add(current)
        if current in parents:
            current = parents[current]
        else:
            unit = existing.get(current)
            current = unit.parent.code if unit is not None and unit.parent is not None else None
    return False


def import_points(data: bytes, filename: str) -> ImportResult:
    rows = read_rows(data, filename, POINT_COLUMNS)
    errors: list[str] = []
    _required(rows, POINT_COLUMNS, errors)
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
    db.session.commit()
    return result


def import_groups(data: bytes, filename: str) -> ImportResult:
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
    db.session.commit()
    return result


def new_point_token() -> str:
    """The poster secret: 128 random bits, short enough to type from the poster."""
    return secrets.token_urlsafe(16)
