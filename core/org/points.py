"""Reception points: creation, renaming, (de)activation and the poster token."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from core import audit
from core.audit import Actor
from core.errors import ValidationFailed
from core.extensions import db
from core.models import Point
from core.org.units import require_visible, unit_by_code

CODE_LENGTH = Point.__table__.c.code.type.length
NAME_LENGTH = Point.__table__.c.name.type.length


def new_point_token() -> str:
    """The poster secret: 128 random bits, short enough to type from the poster."""
    return secrets.token_urlsafe(16)


class PointRef:
    """A point known by its keys, which is all that storing an answer needs of it (its id, its
    unit's id), and by what its page shows (`known`: its name, its unit's name). Anything else (its
    code, its unit: an answer that opens a case or an alert) loads the Point on first use, from the
    session."""

    __slots__ = ("_known", "_point", "id", "unit_id")

    def __init__(self, point_id: int, unit_id: int, **known):
        self.id, self.unit_id, self._known, self._point = point_id, unit_id, known, None

    def __getattr__(self, name: str):
        # Only called for what the slots do not hold.
        if name in self._known:
            return self._known[name]
        if self._point is None:
            self._point = db.session.get(Point, self.id)
        return getattr(self._point, name)


def point_by_code(code: str) -> Point | None:
    return db.session.scalar(sa.select(Point).where(Point.code == code))


def _check_name(name: str, fields: dict[str, str]) -> None:
    if not name or len(name) > NAME_LENGTH:
        fields["name"] = f"1 to {NAME_LENGTH} characters"


def create_point(actor: Actor, *, code: str, name: str, unit_code: str) -> Point:
    fields: dict[str, str] = {}
    if not code or len(code) > CODE_LENGTH:
        fields["code"] = f"1 to {CODE_LENGTH} characters"
    elif point_by_code(code) is not None:
        fields["code"] = "already exists"
    _check_name(name, fields)
    unit = unit_by_code(unit_code) if unit_code else None
    if unit is None:
        fields["unit"] = "unknown unit"
    if fields:
        raise ValidationFailed(_l("Không tạo được điểm tiếp nhận."), fields)
    require_visible(actor, unit.id)
    point = Point(code=code, name=name, unit=unit, public_token=new_point_token())
    db.session.add(point)
    db.session.flush()
    audit.record(actor, "point.create", code, {"name": name, "unit": unit.code})
    return point


def rename_point(actor: Actor, point: Point, name: str) -> Point:
    require_visible(actor, point.unit_id)
    fields: dict[str, str] = {}
    _check_name(name, fields)
    if fields:
        raise ValidationFailed(_l("Tên điểm tiếp nhận không hợp lệ."), fields)
    before = point.name
    point.name = name
    db.session.flush()
    audit.record(actor, "point.rename", point.code, {"name": [before, name]})
    return point


def rotate_point_token(actor: Actor, point: Point) -> Point:
    """A new poster secret: every printed poster of the point stops working."""
    require_visible(actor, point.unit_id)
    point.public_token = new_point_token()
    db.session.flush()
    audit.record(actor, "point.rotate_token", point.code)
    return point


def set_point_active(actor: Actor, point: Point, active: bool) -> Point:
    require_visible(actor, point.unit_id)
    before = point.active
    point.active = active
    db.session.flush()
    audit.record(actor, "point.activate" if active else "point.deactivate", point.code, {"active": [before, active]})
    return point
