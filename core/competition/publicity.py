"""What the public transparency page (/cong-khai) may show: published frozen reviews, and the live
index of the last 30 days when the office switches it on."""

from __future__ import annotations

import sqlalchemy as sa

from core import audit
from core.audit import Actor
from core.extensions import db
from core.models import CompetitionPeriod, FrozenReview, SiteSetting

LIVE_INDEX = "public_live_index"


def live_index_shown() -> bool:
    row = db.session.get(SiteSetting, LIVE_INDEX)
    return bool(row and row.value.get("on"))


def show_live_index(actor: Actor, on: bool) -> None:
    row = db.session.get(SiteSetting, LIVE_INDEX) or SiteSetting(key=LIVE_INDEX, value={})
    before = bool(row.value.get("on"))
    row.value = {"on": on}
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "public.live_index", LIVE_INDEX, {"on": [before, on]})


def published_reviews() -> list[FrozenReview]:
    """Published reviews, newest period first, its tổng kết before its sơ kết."""
    return list(
        db.session.scalars(
            sa.select(FrozenReview)
            .join(CompetitionPeriod)
            .where(FrozenReview.published_at.is_not(None))
            .order_by(CompetitionPeriod.end_date.desc(), FrozenReview.stage.desc())
        )
    )
