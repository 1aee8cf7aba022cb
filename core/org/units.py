"""The unit tree: subtrees for scoping, look-ups by code."""

from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from core.models import Unit, User


def subtree_ids(root_id: int) -> set[int]:
    """Ids of a unit and all its descendants (the tree is small: one query, walked in memory)."""
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in db.session.execute(sa.select(Unit.id, Unit.parent_id)):
        children.setdefault(parent_id, []).append(unit_id)
    seen, stack = set(), [root_id]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(children.get(current, []))
    return seen


def scope_for(user: User) -> set[int] | None:
    """The unit ids a user may see; None means every unit (province admin)."""
    if user.role == "province_admin":
        return None
    if user.unit_id is None:
        return set()
    return subtree_ids(user.unit_id)


def unit_by_code(code: str) -> Unit | None:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))
