"""THE one way a rating enters the database, whatever the channel (kiosk, QR poster, visit code).

`record_response` validates the body against the survey version and stores the response, its
answers and reasons, idempotent on the client's UUID: the insert of the response row is
`ON CONFLICT (id) DO NOTHING`, so a concurrent duplicate meets the primary key in the database,
never a check-then-insert race, and needs no rollback. It commits nothing: the request that
called it does (see `core.transactions`). Ratings are not audited: each is its own record, and
its actor is an anonymous citizen.

The write path is the service's hottest: a kiosk answer costs its statements and little else. The
survey version comes from the per-process copy (`core.ratings.surveys.version_of`); the insert is
tried first (a replay is told by the conflict, not by a read before it), and a tablet's double-tap
check (misuse) is part of that insert; nothing is read back. `tests/test_ingest_statements.py`
holds the count of statements per answer.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from core import write_turn
from core.cases.operations import open_for_response
from core.driver_sql import DriverStatement
from core.errors import Conflict, Gone, ValidationFailed
from core.extensions import db
from core.inputs import INT32_MAX, clean_text
from core.models import CHANNELS, Answer, KioskDevice, Point, Response, ResponseReason, Survey, VisitCode
from core.ratings import rollups
from core.ratings.alerts import Window, evaluate, read_window
from core.ratings.stored import StoredAnswer
from core.ratings.surveys import SurveyVersion, active_version, version_of
from core.timeutil import parse_iso_datetime, utcnow

if TYPE_CHECKING:
    from core.org.points import PointRef

MAX_COMMENT = 2000
MAX_NAME = Response.__table__.c.contact_name.type.length
MAX_PHONE = Response.__table__.c.contact_phone.type.length
MAX_CONSENT = Response.__table__.c.contact_consent_text.type.length
# answered_at is trusted only inside this window around the time of receipt.
CLOCK_PAST = timedelta(days=7)
CLOCK_FUTURE = timedelta(minutes=5)


@dataclass(frozen=True)
class Recorded:
    id: uuid.UUID
    created: bool
    flag: str | None


@dataclass(frozen=True)
class CleanBody:
    answers: dict[str, int]
    reasons: list[str]
    comment: str | None
    contact: dict | None
    answered_at: datetime | None
    canonical: dict

    def digest(self, point: Point, channel: str) -> str:
        """SHA-256 of everything the client sent, with where it was sent from."""
        body = {**self.canonical, "point": point.id, "channel": channel}
        return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def parse_uuid(value) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str):
        raise ValidationFailed(_l("Mã câu trả lời không hợp lệ."), {"id": "must be a UUID string"})
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationFailed(_l("Mã câu trả lời không hợp lệ."), {"id": "must be a UUID string"}) from None


def _is_score(value, allowed: list[int]) -> bool:
    # bool is an int subclass in Python; True must not pass as a score of 1.
    return type(value) is int and value in allowed


def clean_body(
    survey: Survey | SurveyVersion, answers, reasons=None, comment=None, contact=None, answered_at=None
) -> CleanBody:
    """Check a body against a survey version; raise ValidationFailed naming every bad field."""
    survey = version_of(survey)
    fields: dict[str, str] = {}
    clean_answers = _clean_answers(survey, answers, fields)
    clean_reasons = _clean_reasons(survey, reasons, fields)
    clean_comment = _clean_comment(comment, fields)
    clean_contact = _clean_contact(contact, fields)
    parsed_at = _clean_moment(answered_at, fields)
    if fields:
        raise ValidationFailed(_l("Dữ liệu đánh giá không hợp lệ."), fields)
    canonical = {
        "survey": survey.id,
        "answers": dict(sorted(clean_answers.items())),
        "reasons": clean_reasons,
        "comment": clean_comment,
        "contact": clean_contact,
        "answered_at": parsed_at.isoformat() if parsed_at else None,
    }
    return CleanBody(clean_answers, clean_reasons, clean_comment, clean_contact, parsed_at, canonical)


def _clean_answers(survey: SurveyVersion, answers, fields: dict[str, str]) -> dict[str, int]:
    """Scores of the survey's scale by criterion code; a skipped optional criterion may be null."""
    if not isinstance(answers, dict):
        fields["answers"] = "must be an object of criterion code to score"
        return {}
    allowed = survey.scores
    known, required = survey.criterion_ids, survey.required
    clean: dict[str, int] = {}
    for code, score in answers.items():
        if code not in known:
            fields[f"answers.{code}"] = "unknown criterion"
        elif score is None and code not in required:
            continue
        elif not _is_score(score, allowed):
            fields[f"answers.{code}"] = f"must be one of {list(allowed)}"
        else:
            clean[code] = score
    for code in required:
        if code not in answers:
            fields[f"answers.{code}"] = "required"
    return clean


def _clean_reasons(survey: SurveyVersion, reasons, fields: dict[str, str]) -> list[str]:
    if reasons is None:
        return []
    if not isinstance(reasons, list):
        fields["reasons"] = "must be a list of reason codes"
        return []
    known = survey.reason_ids
    for code in reasons:
        if not isinstance(code, str) or code not in known:
            fields["reasons"] = f"unknown reason: {code!r}"
            return []
    return sorted(set(reasons))


def _clean_comment(comment, fields: dict[str, str]) -> str | None:
    if comment is None:
        return None
    if not isinstance(comment, str):
        fields["comment"] = "must be a string"
        return None
    clean = clean_text(comment).strip() or None
    if clean and len(clean) > MAX_COMMENT:
        fields["comment"] = f"at most {MAX_COMMENT} characters"
    return clean


def _clean_moment(answered_at, fields: dict[str, str]) -> datetime | None:
    if answered_at is None:
        return None
    try:
        return parse_iso_datetime(answered_at)
    except (ValueError, TypeError):
        fields["answered_at"] = "must be an ISO 8601 date-time"
        return None


def _clean_contact(contact, fields: dict[str, str]) -> dict | None:
    """A reply request needs a name or phone and the citizen's explicit consent."""
    if contact in (None, {}):
        return None
    if not isinstance(contact, dict):
        fields["contact"] = "must be an object with name, phone and consent"
        return None
    name = contact.get("name") or ""
    phone = contact.get("phone") or ""
    name = clean_text(name).strip() if isinstance(name, str) else name
    phone = clean_text(phone).strip() if isinstance(phone, str) else phone
    if not isinstance(name, str) or len(name) > MAX_NAME:
        fields["contact.name"] = f"a string of at most {MAX_NAME} characters"
    if not isinstance(phone, str) or len(phone) > MAX_PHONE:
        fields["contact.phone"] = f"a string of at most {MAX_PHONE} characters"
    if contact.get("consent") is not True:
        fields["contact.consent"] = "consent must be given (true) to leave contact details"
    if isinstance(name, str) and isinstance(phone, str) and not name and not phone:
        fields["contact"] = "give a name or a phone number"
    if any(key.startswith("contact") for key in fields):
        return None
    return {"name": name or None, "phone": phone or None}


def survey_by_id(value) -> SurveyVersion:
    """The survey version a client names (answers queued offline keep theirs)."""
    if type(value) is not int or not 1 <= value <= INT32_MAX or (survey := version_of(value)) is None:
        raise ValidationFailed(_l("Phiên bản phiếu khảo sát không tồn tại."), {"survey": "unknown survey id"})
    return survey


def record_response(
    *,
    response_id,
    point: Point | PointRef,
    channel: str,
    answers,
    reasons=None,
    comment=None,
    contact=None,
    answered_at=None,
    survey: Survey | SurveyVersion | None = None,
    device: KioskDevice | None = None,
    visit_code: VisitCode | None = None,
    repeat: bool = False,
    consent_text: str | None = None,
    rules_stamp: str | None = None,
) -> Recorded:
    """Store one response exactly once. Raises ValidationFailed, Conflict or Gone. `rules_stamp`:
    the alert rules' fingerprint (`core.ratings.alerts.RULES_STAMP`) when the caller read it with
    its own lookup, so the rules come from the per-process copy."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    rid = parse_uuid(response_id)
    survey = version_of(survey) if survey is not None else active_version()
    if survey is None:
        raise ValidationFailed(_l("Chưa có phiếu khảo sát nào đang hoạt động."), {"survey": "no active survey"})
    body = clean_body(survey, answers, reasons, comment, contact, answered_at)
    digest = body.digest(point, channel)

    now = utcnow()
    flag = None
    stamp = now
    if body.answered_at is not None:
        if now - CLOCK_PAST <= body.answered_at <= now + CLOCK_FUTURE:
            stamp = body.answered_at
        else:
            flag = "clock"
    if flag is None and repeat and channel == "qr":
        flag = "repeat"

    row = {
        "id": rid,
        "point_id": point.id,
        "survey_id": survey.id,
        "channel": channel,
        "device_id": device.id if device else None,
        "answered_at": stamp,
        "received_at": now,
        "flag": flag,
        "comment": body.comment,
        "body_hash": digest,
    }
    if body.contact:
        row.update(
            contact_name=body.contact["name"],
            contact_phone=body.contact["phone"],
            contact_consent_at=now,
            contact_consent_text=(consent_text or "")[:MAX_CONSENT] or None,
        )
    # What the alert rules need is read before the first write: on SQLite that write takes the
    # database's one write lock until the commit. (Not read for an answer flagged already.)
    window = read_window(point, survey.main_code, stamp, rules_stamp) if flag is None else None
    write_turn.take()
    inserted = _insert_once(row, misuse=device is not None and flag is None)
    if inserted is None:
        # This id is stored already (a retry, or a retry racing itself): answer as a replay.
        return _replay(rid, digest)
    flag = inserted[0]
    _insert_details(survey, rid, body)
    if visit_code is not None:
        _consume_visit_code(visit_code, rid, now)
    _follow_up(
        StoredAnswer(
            id=rid,
            point=point,
            channel=channel,
            answered_at=stamp,
            scores=body.answers,
            main_code=survey.main_code,
            scale_scores=survey.scores,
            comment=body.comment,
            contact=body.contact,
            consent_text=row.get("contact_consent_text"),
            flag=flag,
        ),
        window,
    )
    # Last, so the counters other answers share stay locked for the least time before the commit.
    rollups.count_response(_counted(survey, point, channel, stamp, flag, body))
    return Recorded(rid, True, flag)


def _counted(
    survey: SurveyVersion, point: Point, channel: str, stamp: datetime, flag, body: CleanBody
) -> rollups.Counted:
    criteria = survey.criterion_ids
    reasons = survey.reason_ids
    return rollups.Counted(
        point_id=point.id,
        channel=channel,
        answered_at=stamp,
        flag=flag,
        scores={criteria[code]: score for code, score in body.answers.items()},
        reason_ids=tuple(reasons[code] for code in body.reasons or ()),
    )


def _follow_up(answer: StoredAnswer, window: Window | None) -> None:
    """In the answer's own transaction: the case it opens, the alerts it trips."""
    open_for_response(answer)
    evaluate(answer.point, answer, window)


# The insert of a response, as text: SQLAlchemy 2.0 never caches the compiled form of a dialect's
# INSERT ... ON CONFLICT, so that construct would be compiled again for every answer. The same SQL
# serves SQLite and PostgreSQL; the parameters keep the columns' types (UUID, UTC datetimes).
# The misuse check: "misuse" when the tablet stored another answer within KIOSK_MISUSE_SECONDS of
# this one (a double tap), judged by answered_at, so a queue flushed after an outage is not
# flagged; computed by the database inside the insert.
_MISUSE_SQL = (
    "CASE WHEN EXISTS (SELECT 1 FROM responses WHERE device_id = :device_id"
    " AND answered_at > :misuse_from AND answered_at < :misuse_to) THEN 'misuse' END"
)
_INSERTS: dict[tuple[tuple[str, ...], bool], DriverStatement] = {}


def _insert_statement(columns: tuple[str, ...], misuse: bool) -> DriverStatement:
    statement = _INSERTS.get((columns, misuse))
    if statement is None:
        table = Response.__table__
        values = [_MISUSE_SQL if misuse and name == "flag" else f":{name}" for name in columns]
        # Column names of the model, not input; every value travels as a parameter.
        sql = (
            f"INSERT INTO responses ({', '.join(columns)}) VALUES ({', '.join(values)})"  # noqa: S608
            " ON CONFLICT (id) DO NOTHING RETURNING flag"
        )
        types = {name: table.c[name].type for name in columns if not (misuse and name == "flag")}
        if misuse:
            types.update(misuse_from=table.c.answered_at.type, misuse_to=table.c.answered_at.type)
        statement = _INSERTS[(columns, misuse)] = DriverStatement(sql, types)
    return statement


def _insert_once(row: dict, *, misuse: bool):
    """INSERT ... ON CONFLICT (id) DO NOTHING RETURNING flag: the stored row's (flag,), or None when
    the id was stored already. With `misuse`, the database sets the flag by the misuse check."""
    params = dict(row)
    if misuse:
        window = timedelta(seconds=current_app.config["KIOSK_MISUSE_SECONDS"])
        params.update(misuse_from=row["answered_at"] - window, misuse_to=row["answered_at"] + window)
        params.pop("flag")
    # RETURNING, not rowcount: drivers disagree on the rowcount of an insert that did nothing.
    return _insert_statement(tuple(row), misuse).first(params)


_ANSWER_INSERT = DriverStatement(
    "INSERT INTO answers (response_id, criterion_id, score) VALUES (:response_id, :criterion_id, :score)",
    {name: Answer.__table__.c[name].type for name in ("response_id", "criterion_id", "score")},
)
_REASON_INSERT = DriverStatement(
    "INSERT INTO response_reasons (response_id, reason_id) VALUES (:response_id, :reason_id)",
    {name: ResponseReason.__table__.c[name].type for name in ("response_id", "reason_id")},
)


def _insert_details(survey: SurveyVersion, rid: uuid.UUID, body: CleanBody) -> None:
    criteria = survey.criterion_ids
    reasons_by_code = survey.reason_ids
    _ANSWER_INSERT.run(
        [{"response_id": rid, "criterion_id": criteria[code], "score": score} for code, score in body.answers.items()]
    )
    if body.reasons:
        _REASON_INSERT.run([{"response_id": rid, "reason_id": reasons_by_code[code]} for code in body.reasons])


def _replay(rid: uuid.UUID, digest: str) -> Recorded:
    stored = db.session.execute(sa.select(Response.body_hash, Response.flag).where(Response.id == rid)).one()
    if stored.body_hash != digest:
        raise Conflict(_l("Mã câu trả lời này đã được dùng cho một câu trả lời khác."), {"id": "already used"})
    return Recorded(rid, False, stored.flag)


def _consume_visit_code(code: VisitCode, rid: uuid.UUID, now: datetime) -> None:
    """Mark the code used in the response's transaction; a racing second use updates no row, and
    the Gone it raises makes the request roll the response back."""
    result = db.session.execute(
        sa.update(VisitCode)
        .where(VisitCode.id == code.id, VisitCode.used_at.is_(None), VisitCode.expires_at > now)
        .values(used_at=now, response_id=rid)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Gone(_l("Mã khảo sát này đã được dùng hoặc đã hết hạn."), {"code": "used or expired"})
