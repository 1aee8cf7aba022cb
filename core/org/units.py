"""The unit tree: which units a user may see (the one scope function), look-ups, and the edits of
units and competition groups."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm
from flask_babel import lazy_gettext as _l

from core import audit
from core.audit import Actor
from core.competition.memberships import follow_unit
from core.errors import NotFound, ValidationFailed
from core.extensions import db
from core.models import CompetitionGroup, Unit, User

# The kinds the demo data and the edit form know; imports may bring others (a commune, say).
UNIT_KINDS = ("province", "office", "department", "district", "commune")
KIND_LENGTH = Unit.__table__.c.kind.type.length


def _children() -> dict[int | None, list[int]]:
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in db.session.execute(sa.select(Unit.id, Unit.parent_id)):
        children.setdefault(parent_id, []).append(unit_id)
    return children


def subtree_ids(root_id: int) -> set[int]:
    """Ids of a unit and all its descendants (the tree is small: one query, walked in memory)."""
    children = _children()
    seen, stack = set(), [root_id]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(children.get(current, []))
    return seen


def visible_unit_ids(user: User) -> set[int] | None:
    """THE scope rule: the unit ids a user may see; None means every unit (province office).

    Every admin page, export and API endpoint filters through this one function.
    """
    if user.role == "province_admin":
        return None
    if user.unit_id is None:
        return set()
    return subtree_ids(user.unit_id)


def can_see(scope: set[int] | None, unit_id: int | None) -> bool:
    return scope is None or unit_id in scope


def require_visible(actor: Actor, unit_id: int | None) -> None:
    """Another unit's object is answered as if it did not exist (404), never 403."""
    if actor.user is not None and not can_see(visible_unit_ids(actor.user), unit_id):
        raise NotFound(_l("Không tìm thấy."), {"unit": "not found"})


def parent_chain_loops(code: str, parent_of) -> bool:
    """Whether following `parent_of` upwards from `code` comes back to a unit already seen: the one
    cycle check of unit moves and imports."""
    seen = {code}
    current = parent_of(code)
    while current:
        if current in seen:
            return True
        seen.add(current)
        current = parent_of(current)
    return False


def _parent_codes() -> dict[str, str | None]:
    parent = sa.orm.aliased(Unit)
    query = sa.select(Unit.code, parent.code).outerjoin(parent, Unit.parent_id == parent.id)
    return dict(db.session.execute(query).all())


def unit_by_code(code: str) -> Unit | None:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def group_by_code(code: str) -> CompetitionGroup | None:
    return db.session.scalar(sa.select(CompetitionGroup).where(CompetitionGroup.code == code))


def _unit_state(unit: Unit) -> dict:
    return {
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent.code if unit.parent else None,
        "group": unit.group.code if unit.group else None,
    }


def update_unit(
    actor: Actor, unit: Unit, *, name: str, kind: str, parent_code: str | None, group_code: str | None
) -> Unit:
    """Rename a unit, change its kind, move it in the tree or into another group."""
    fields: dict[str, str] = {}
    if not name:
        fields["name"] = "required"
    if not kind or len(kind) > KIND_LENGTH:
        fields["kind"] = f"1 to {KIND_LENGTH} characters"
    parent = unit_by_code(parent_code) if parent_code else None
    if parent_code and parent is None:
        fields["parent"] = "unknown unit"
    elif parent is not None:
        parents = {**_parent_codes(), unit.code: parent.code}
        if parent_chain_loops(unit.code, parents.get):
            fields["parent"] = "a unit cannot be placed under itself or its descendants"
    group = group_by_code(group_code) if group_code else None
    if group_code and group is None:
        fields["group"] = "unknown group"
    if fields:
        raise ValidationFailed(_l("Không lưu được đơn vị."), fields)
    before = _unit_state(unit)
    unit.name, unit.kind, unit.parent, unit.group = name, kind, parent, group
    db.session.flush()
    changes = audit.diff(before, _unit_state(unit))
    if "group" in changes:
        changes["periods"] = ", ".join(follow_unit(unit))
    audit.record(actor, "unit.update", unit.code, changes)
    return unit


def save_group(actor: Actor, *, code: str, name: str, leader_code: str | None) -> CompetitionGroup:
    """Create a competition group, or rename it and change its leading unit."""
    fields: dict[str, str] = {}
    if not code:
        fields["code"] = "required"
    if not name:
        fields["name"] = "required"
    leader = unit_by_code(leader_code) if leader_code else None
    if leader_code and leader is None:
        fields["leader"] = "unknown unit"
    if fields:
        raise ValidationFailed(_l("Không lưu được khối, cụm thi đua."), fields)
    group = group_by_code(code)
    action = "group.update" if group else "group.create"
    before = {"name": group.name, "leader": group.leader.code if group.leader else None} if group else {}
    if group is None:
        group = CompetitionGroup(code=code)
        db.session.add(group)
    group.name, group.leader = name, leader
    db.session.flush()
    audit.record(actor, action, code, audit.diff(before, {"name": name, "leader": leader.code if leader else None}))
    return group
