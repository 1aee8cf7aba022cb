"""Small builders for test data, straight into the real database."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa

from core.extensions import db
from core.models import Answer, CompetitionGroup, Criterion, Point, Response, Survey, Unit
from core.org.imports import new_point_token
from core.ratings import rollups
from core.timeutil import LOCAL_TZ


def group(code: str, name: str | None = None) -> CompetitionGroup:
    row = CompetitionGroup(code=code, name=name or code)
    db.session.add(row)
    db.session.flush()
    return row


def unit(code: str, group_row: CompetitionGroup | None = None, parent: Unit | None = None, kind="district") -> Unit:
    row = Unit(code=code, name=f"Đơn vị {code}", kind=kind, group=group_row, parent=parent)
    db.session.add(row)
    db.session.flush()
    return row


def point(unit_row: Unit, code: str | None = None) -> Point:
    row = Point(
        code=code or f"{unit_row.code}-P1", name="Bộ phận tiếp công dân", unit=unit_row, public_token=new_point_token()
    )
    db.session.add(row)
    db.session.flush()
    return row


def default_survey() -> Survey:
    return db.session.scalar(sa.select(Survey).where(Survey.active.is_(True)))


def local(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def stored_response(point_row: Point, when: datetime, flag: str | None = None, channel="kiosk", **scores) -> Response:
    """Store a response with the given scores per criterion code, bypassing the write path's clock
    window (report tests need fixed past dates)."""
    survey = default_survey()
    criteria = {c.code: c for c in db.session.scalars(sa.select(Criterion).where(Criterion.survey_id == survey.id))}
    response = Response(
        id=uuid.uuid4(),
        point_id=point_row.id,
        survey_id=survey.id,
        channel=channel,
        answered_at=when,
        received_at=when,
        flag=flag,
        body_hash="test",
    )
    response.answers = [Answer(criterion_id=criteria[code].id, score=score) for code, score in scores.items()]
    db.session.add(response)
    db.session.flush()
    # The rollups count it as the write path would, in the same transaction.
    rollups.count_response(rollups.counted_of(response.id))
    return response
