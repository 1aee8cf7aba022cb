"""Shared helpers for the admin tests (no tests here): answers in two units, sign-in per role."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.models import Point
from core.ratings.responses import record_response
from core.timeutil import LOCAL_TZ, utcnow
from tests.conftest import AuthActions, committing, csrf_token

ACCOUNTS = {
    "province_admin": ("admin", "demo-admin-2026"),
    "unit_manager": ("hoian", "demo-hoian-2026"),
    "viewer": ("xem", "demo-viewer-2026"),
}
OWN_POINT = "H-HOIAN-P1"  # the unit manager's own unit
OTHER_POINT = "H-TAMKY-P1"  # another unit of the same competition group
OWN_SECRET = "Ý kiến riêng của Hội An 7f3a"
OTHER_SECRET = "Ý kiến riêng của Tam Kỳ 9c1e"
SCRIPT_COMMENT = '<script>alert("x")</script><b>đậm</b>'


def point(code: str) -> Point:
    return db.session.scalar(sa.select(Point).where(Point.code == code))


def answer(code: str, overall: int, *, hours_ago: float = 2, comment=None, reasons=None, channel="qr", **extra):
    """Store one answer through THE write path, answered `hours_ago` (kept inside today's local date
    when possible, so the default 30-day range always includes it)."""
    moment = utcnow() - timedelta(hours=hours_ago)
    answers = {"overall": overall, **extra}
    return record_response(
        response_id=uuid.uuid4(),
        point=point(code),
        channel=channel,
        answers=answers,
        reasons=reasons,
        comment=comment,
        answered_at=moment.isoformat(),
    )


def seed(app) -> dict:
    """Answers in the unit manager's unit and in another unit, with comments that must stay apart."""
    with committing(app):
        for score in (5, 5, 4, 4, 3):
            answer(OWN_POINT, score, welcome=score, hours_ago=1)
        answer(OWN_POINT, 2, reasons=["wait"], comment=OWN_SECRET, hours_ago=3)
        answer(OWN_POINT, 1, reasons=["wait", "attitude"], comment=SCRIPT_COMMENT, channel="kiosk", hours_ago=4)
        for score in (5, 4, 2, 1):
            answer(OTHER_POINT, score, hours_ago=5)
        answer(OTHER_POINT, 1, reasons=["procedure"], comment=OTHER_SECRET, hours_ago=6)
        answer(OTHER_POINT, 2, comment=SCRIPT_COMMENT + " TAMKY", hours_ago=7)
    return {"tz": LOCAL_TZ}


@pytest.fixture
def seeded(demo):
    facts = seed(demo)
    return demo, facts


def login_as(client, role: str):
    username, password = ACCOUNTS[role]
    response = AuthActions(client).login(username, password)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def token_from(client, url: str = "/admin/") -> str:
    return csrf_token(client.get(url).get_data(as_text=True))
