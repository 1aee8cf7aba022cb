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
from core.competition.memberships import follow_unit
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


def _unknown(rows, column: str, known, label: str, errors: list[str]) -> None:
    for number, row in rows:
        if row[column] and row[column] not in known:
            errors.append(f"line {number}: unknown {label} {row[column]!r}")


def _upsert(rows, existing: dict, create, apply, result: ImportResult) -> None:
    """Create the rows whose code is new, update the others, counting both."""
    for _, row in rows:
        item = existing.get(row["code"])
        if item is None:
            item = existing[row["code"]] = create(row["code"])
            db.session.add(item)
            result.created += 1
        else:
            result.updated += 1
        apply(item, row)


def _groups_for(rows, result: ImportResult) -> dict[str, CompetitionGroup]:
    """Existing groups, plus those the file names for the first time (named by their code)."""
    groups = {g.code: g for g in db.session.scalars(sa.select(CompetitionGroup))}
    for _, row in rows:
        code = row["group"]
        if code and code not in groups:
            groups[code] = CompetitionGroup(code=code, name=code)
            db.session.add(groups[code])
            result.notes.append(f"created competition group {code!r} (name it with import-groups)")
    return groups


def import_units(actor: Actor, data: bytes, filename: str) -> ImportResult:
    rows = read_rows(data, filename, UNIT_COLUMNS)
    errors: list[str] = []
    _required(rows, ("code", "name", "kind"), errors)
    _duplicates(rows, errors)
    existing = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    parents = {row["code"]: row["parent"] for _, row in rows}
    _unknown(rows, "parent", parents.keys() | existing.keys(), "parent", errors)
    for number, row in rows:
        if row["parent"] == row["code"]:
            errors.append(f"line {number}: a unit cannot be its own parent")
        elif parent_chain_loops(row["code"], lambda code: _parent_of(code, parents, existing)):
            errors.append(f"line {number}: parent chain of {row['code']!r} loops")
    if errors:
        raise ImportFailed(errors)

    result = ImportResult()
    groups = _groups_for(rows, result)

    def apply(unit: Unit, row: dict[str, str]) -> None:
        unit.name, unit.kind = row["name"], row["kind"]
        unit.group = groups[row["group"]] if row["group"] else None

    _upsert(rows, existing, lambda code: Unit(code=code), apply, result)
    db.session.flush()
    for _, row in rows:
        existing[row["code"]].parent = existing[row["parent"]] if row["parent"] else None
    db.session.flush()
    for _, row in rows:
        follow_unit(existing[row["code"]])
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
    _unknown(rows, "unit", units, "unit", errors)
    if errors:
        raise ImportFailed(errors)
    existing = {p.code: p for p in db.session.scalars(sa.select(Point))}
    result = ImportResult()

    def apply(point: Point, row: dict[str, str]) -> None:
        point.name, point.unit = row["name"], units[row["unit"]]

    _upsert(rows, existing, lambda code: Point(code=code, public_token=new_point_token()), apply, result)
    db.session.flush()
    return _audit(actor, "points", filename, result)


def import_groups(actor: Actor, data: bytes, filename: str) -> ImportResult:
    rows = read_rows(data, filename, GROUP_COLUMNS)
    errors: list[str] = []
    _required(rows, ("code", "name"), errors)
    _duplicates(rows, errors)
    units = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    _unknown(rows, "leader_unit", units, "leader unit", errors)
    if errors:
        raise ImportFailed(errors)
    existing = {g.code: g for g in db.session.scalars(sa.select(CompetitionGroup))}
    result = ImportResult()

    def apply(group: CompetitionGroup, row: dict[str, str]) -> None:
        group.name = row["name"]
        group.leader = units.get(row["leader_unit"]) if row["leader_unit"] else None

    _upsert(rows, existing, lambda code: CompetitionGroup(code=code), apply, result)
    db.session.flush()
    return _audit(actor, "groups", filename, result)
