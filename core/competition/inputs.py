"""What the sheet is computed from besides answers and cases: the units' self-assessed figures of
items 1-3 and the office's review of them, evidence files, dossier counts imported from the
one-stop-shop system, and bonus and penalty lines. Figures are only added, never changed, so a
frozen review can be recomputed from the entries that existed when it was frozen."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from core import audit, transactions
from core.audit import Actor
from core.errors import ValidationFailed
from core.extensions import db
from core.inputs import clean_text
from core.models import (
    ASSESSED_ITEMS,
    AssessmentEntry,
    CompetitionPeriod,
    DossierCount,
    EvidenceFile,
    ScoreAdjustment,
    Unit,
)
from core.org.imports import ImportFailed, read_rows
from core.org.periods import period_by_code
from core.org.units import require_visible, unit_by_code
from core.timeutil import utcnow

NOTE_LENGTH = 2000
REASON_LENGTH = ScoreAdjustment.__table__.c.reason.type.length
# What a file must start with to be what its name says; the browser's content type is not trusted.
EVIDENCE_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}
ORIGINAL_NAME_LENGTH = EvidenceFile.__table__.c.original_name.type.length


def _check_figure(item: int, value, note: str, *, note_required: bool) -> dict[str, str]:
    fields: dict[str, str] = {}
    if item not in ASSESSED_ITEMS:
        fields["item"] = "one of items 1, 2, 3"
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        fields["value"] = "a percentage from 0 to 100"
    if note_required and not note:
        fields["note"] = "a reason is required"
    if len(note) > NOTE_LENGTH:
        fields["note"] = f"at most {NOTE_LENGTH} characters"
    return fields


def _entry(actor: Actor, period: CompetitionPeriod, unit: Unit, item: int, kind: str, value: float, note: str):
    entry = AssessmentEntry(
        period_id=period.id,
        unit_id=unit.id,
        item=item,
        kind=kind,
        value=float(value),
        note=note,
        user_id=actor.user.id if actor.user else None,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def self_assess(
    actor: Actor, period: CompetitionPeriod, unit: Unit, item: int, value, note: str = ""
) -> AssessmentEntry:
    """A unit's own figure for item 1, 2 or 3 (a percentage)."""
    require_visible(actor, unit.id)
    note = clean_text(note or "").strip()
    fields = _check_figure(item, value, note, note_required=False)
    if fields:
        raise ValidationFailed(_l("Số liệu tự đánh giá không hợp lệ."), fields)
    entry = _entry(actor, period, unit, item, "self", value, note)
    audit.record(
        actor, "assessment.self", f"{period.code} {unit.code} item {item}", {"value": float(value), "note": note}
    )
    return entry


def review(
    actor: Actor, period: CompetitionPeriod, unit: Unit, item: int, value=None, note: str = ""
) -> AssessmentEntry:
    """The office's figure: None accepts the unit's latest own figure; another value adjusts it and
    needs a written reason."""
    require_visible(actor, unit.id)
    note = clean_text(note or "").strip()
    current = latest_entries(period.id, None).get((unit.id, item), {})
    own = current.get("self")
    if value is None:
        if own is None:
            raise ValidationFailed(_l("Đơn vị chưa tự đánh giá mục này."), {"value": "nothing to accept"})
        value, adjusted = own.value, False
    else:
        adjusted = own is None or abs(float(value) - own.value) > 1e-9
    fields = _check_figure(item, value, note, note_required=adjusted)
    if fields:
        raise ValidationFailed(_l("Số liệu thẩm định không hợp lệ."), fields)
    entry = _entry(actor, period, unit, item, "review", value, note)
    changes = {"value": [own.value if own else None, float(value)], "note": note}
    audit.record(
        actor,
        "assessment.adjust" if adjusted else "assessment.accept",
        f"{period.code} {unit.code} item {item}",
        changes,
    )
    return entry


def latest_entries(period_id: int, as_of: datetime | None) -> dict[tuple[int, int], dict[str, AssessmentEntry]]:
    """{(unit id, item): {"self": entry, "review": entry}}: the latest of each kind (as of a moment)."""
    query = sa.select(AssessmentEntry).where(AssessmentEntry.period_id == period_id).order_by(AssessmentEntry.id)
    if as_of is not None:
        query = query.where(AssessmentEntry.at <= as_of)
    latest: dict[tuple[int, int], dict[str, AssessmentEntry]] = {}
    for entry in db.session.scalars(query):
        latest.setdefault((entry.unit_id, entry.item), {})[entry.kind] = entry
    return latest


def latest_dossiers(period_id: int, as_of: datetime | None) -> dict[int, DossierCount]:
    query = sa.select(DossierCount).where(DossierCount.period_id == period_id).order_by(DossierCount.id)
    if as_of is not None:
        query = query.where(DossierCount.at <= as_of)
    return {row.unit_id: row for row in db.session.scalars(query)}


def adjustments(period_id: int, as_of: datetime | None) -> dict[int, list[ScoreAdjustment]]:
    """The bonus and penalty lines in force (as of a moment), by unit."""
    query = sa.select(ScoreAdjustment).where(ScoreAdjustment.period_id == period_id).order_by(ScoreAdjustment.id)
    if as_of is None:
        query = query.where(ScoreAdjustment.withdrawn_at.is_(None))
    else:
        query = query.where(
            ScoreAdjustment.at <= as_of,
            sa.or_(ScoreAdjustment.withdrawn_at.is_(None), ScoreAdjustment.withdrawn_at > as_of),
        )
    lines: dict[int, list[ScoreAdjustment]] = {}
    for row in db.session.scalars(query):
        lines.setdefault(row.unit_id, []).append(row)
    return lines


def add_adjustment(actor: Actor, period: CompetitionPeriod, unit: Unit, points, reason: str) -> ScoreAdjustment:
    """A bonus (points > 0), e.g. +10 for a Cờ thi đua, or a penalty (points < 0), with its reason."""
    require_visible(actor, unit.id)
    reason = clean_text(reason or "").strip()
    fields: dict[str, str] = {}
    if isinstance(points, bool) or not isinstance(points, int | float) or points == 0 or not -100 <= points <= 100:
        fields["points"] = "a number of points, not zero, from -100 to 100"
    if not reason or len(reason) > REASON_LENGTH:
        fields["reason"] = f"a reason of 1 to {REASON_LENGTH} characters"
    if fields:
        raise ValidationFailed(_l("Không thêm được điểm thưởng, điểm trừ."), fields)
    line = ScoreAdjustment(
        period_id=period.id,
        unit_id=unit.id,
        points=float(points),
        reason=reason,
        user_id=actor.user.id if actor.user else None,
    )
    db.session.add(line)
    db.session.flush()
    audit.record(actor, "adjustment.add", f"{period.code} {unit.code}", {"points": float(points), "reason": reason})
    return line


def withdraw_adjustment(actor: Actor, line: ScoreAdjustment) -> None:
    require_visible(actor, line.unit_id)
    if line.withdrawn_at is not None:
        return
    line.withdrawn_at = utcnow()
    db.session.flush()
    audit.record(actor, "adjustment.withdraw", f"adjustment {line.id}", {"points": line.points, "reason": line.reason})


# --- Evidence files ---------------------------------------------------------------------------


def evidence_folder() -> Path:
    return Path(current_app.config["EVIDENCE_DIR"])


def _name_problem(name: str) -> str | None:
    if not name or name != os.path.basename(name) or "\\" in name or name.startswith(".") or ".." in name:
        return "a plain file name, not a path"
    if any(ord(ch) < 32 for ch in name) or len(name) > ORIGINAL_NAME_LENGTH:
        return f"a file name of at most {ORIGINAL_NAME_LENGTH} characters"
    return None


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def add_evidence(actor: Actor, period: CompetitionPeriod, unit: Unit, item: int, upload: Upload) -> EvidenceFile:
    """Keep a PDF or image under the instance folder by a generated name. The name the browser
    sent is kept as a label only, never used as a path."""
    require_visible(actor, unit.id)
    name = clean_text(upload.name or "").strip()
    extension = os.path.splitext(name)[1].lower()
    limit = int(current_app.config["EVIDENCE_MAX_BYTES"])
    fields: dict[str, str] = {}
    if item not in ASSESSED_ITEMS:
        fields["item"] = "one of items 1, 2, 3"
    problem = _name_problem(upload.name or "")
    if problem:
        fields["file"] = problem
    elif extension not in EVIDENCE_TYPES or not upload.data.startswith(EVIDENCE_TYPES[extension][1]):
        fields["file"] = "a PDF, PNG or JPEG file"
    elif not 0 < len(upload.data) <= limit:
        fields["file"] = f"at most {limit // (1024 * 1024)} MiB"
    if fields:
        raise ValidationFailed(_l("Tệp minh chứng không hợp lệ."), fields)
    stored = secrets.token_hex(16) + extension
    folder = evidence_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / stored
    path.write_bytes(upload.data)
    transactions.on_rollback(lambda: path.unlink(missing_ok=True))
    row = EvidenceFile(
        period_id=period.id,
        unit_id=unit.id,
        item=item,
        original_name=name,
        stored_name=stored,
        content_type=EVIDENCE_TYPES[extension][0],
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        user_id=actor.user.id if actor.user else None,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor, "evidence.add", f"{period.code} {unit.code} item {item}", {"file": name, "size": len(upload.data)}
    )
    return row


def evidence_path(row: EvidenceFile) -> Path:
    return evidence_folder() / row.stored_name


def evidence_of(period_id: int, unit_ids: set[int] | None = None) -> list[EvidenceFile]:
    query = sa.select(EvidenceFile).where(EvidenceFile.period_id == period_id).order_by(EvidenceFile.id)
    if unit_ids is not None:
        query = query.where(EvidenceFile.unit_id.in_(unit_ids))
    return list(db.session.scalars(query))


# --- Imports ----------------------------------------------------------------------------------

ASSESSMENT_COLUMNS = {"period": 64, "unit": 64, "item": 8, "value": 32, "note": NOTE_LENGTH}
DOSSIER_COLUMNS = {"unit": 64, "period": 64, "on_time": 16, "late": 16}


def _number(text: str, *, integer: bool):
    value = float(text.replace(",", "."))
    if integer:
        if value != int(value):
            raise ValueError
        return int(value)
    return value


def _row_refs(number: int, row: dict, errors: list[str]) -> tuple[CompetitionPeriod | None, Unit | None]:
    period = period_by_code(row["period"])
    unit = unit_by_code(row["unit"])
    if period is None:
        errors.append(f"line {number}: unknown period {row['period']!r}")
    if unit is None:
        errors.append(f"line {number}: unknown unit {row['unit']!r}")
    return period, unit


def import_assessments(actor: Actor, data: bytes, filename: str) -> int:
    """Figures the office received (columns period,unit,item,value,note), recorded as reviewed."""
    rows = read_rows(data, filename, ASSESSMENT_COLUMNS)
    errors: list[str] = []
    parsed = []
    for number, row in rows:
        period, unit = _row_refs(number, row, errors)
        try:
            item, value = _number(row["item"], integer=True), _number(row["value"], integer=False)
        except ValueError:
            errors.append(f"line {number}: item must be 1, 2 or 3 and value a number")
            continue
        problems = _check_figure(item, value, row["note"], note_required=False)
        errors.extend(f"line {number}: {field} must be {problem}" for field, problem in problems.items())
        if period and unit and not problems:
            parsed.append((period, unit, item, value, row["note"]))
    if errors:
        raise ImportFailed(errors)
    for period, unit, item, value, note in parsed:
        require_visible(actor, unit.id)
        _entry(actor, period, unit, item, "review", value, note or "imported")
    audit.record(actor, "import.assessments", clean_text(filename)[:255], {"figures": len(parsed)})
    return len(parsed)


def import_dossiers(actor: Actor, data: bytes, filename: str) -> int:
    """Dossier counts from the one-stop-shop system (columns unit,period,on_time,late), for item 3."""
    rows = read_rows(data, filename, DOSSIER_COLUMNS)
    errors: list[str] = []
    parsed = []
    for number, row in rows:
        period, unit = _row_refs(number, row, errors)
        try:
            on_time, late = _number(row["on_time"], integer=True), _number(row["late"], integer=True)
        except ValueError:
            errors.append(f"line {number}: on_time and late must be whole numbers")
            continue
        if on_time < 0 or late < 0 or on_time + late > 10_000_000:
            errors.append(f"line {number}: on_time and late must be counts of dossiers")
        elif period and unit:
            parsed.append((period, unit, on_time, late))
    if errors:
        raise ImportFailed(errors)
    for period, unit, on_time, late in parsed:
        require_visible(actor, unit.id)
        db.session.add(DossierCount(period_id=period.id, unit_id=unit.id, on_time=on_time, late=late))
    db.session.flush()
    audit.record(actor, "import.dossiers", clean_text(filename)[:255], {"units": len(parsed)})
    return len(parsed)
