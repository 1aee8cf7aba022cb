"""The ingest path's SQL statements, counted: a regression guard for the write path's cost.

Each answer through the kiosk API or the QR survey is counted statement by statement (SQLAlchemy's
before_cursor_execute) once the process has read the survey version and the alert rules (both are
then kept per process). The ceilings are the counts reached when issue 12 folded the lookups; a
change that adds a statement to every answer fails here and has to say why. The rollups' upserts
(core.ratings.rollups.count_response) are counted apart, under their own ceiling.

A counted kiosk answer: the device with its point, the active version's key and the alert rules'
fingerprint (1), the answers in the alert rules' window (1, read before the first write), the
response with its misuse check inside the insert (1), its answers (1); a reason adds its insert.
A QR answer: the same, the point, its unit and the keys in the first query. Before issue 12 a
kiosk answer took 10 or 11 statements besides the rollups, a QR page 5.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from core.audit import Actor
from core.extensions import db
from core.models import Point, Response, Survey
from core.org.devices import create_pairing_code
from core.timeutil import utcnow
from tests import factories as f
from tests.conftest import EXTERNAL, committing, csrf_token

# The write path's own statements, rollups aside.
KIOSK_ANSWER = 4
KIOSK_ANSWER_WITH_REASON = 5
KIOSK_REPLAY = 4
QR_GET = 1
QR_POST = 4
# The rollups' upserts per stored answer: the daily, weekly and monthly counters of responses and
# answers, the hourly ones, the point's version; a reason adds its daily and monthly counters. On
# PostgreSQL they are one statement (data-modifying WITH queries).
ROLLUPS = 1 if EXTERNAL else 8
ROLLUPS_WITH_REASON = 1 if EXTERNAL else 10
ROLLUP_WRITE = re.compile(r"^(WITH u0 AS \()?INSERT INTO (rollup_\w+|point_versions)\b", re.IGNORECASE)
# A read of a survey version's content (its scale, criteria, reasons): never once it is cached.
VERSION_READ = re.compile(r"surveys\.scale|criteria\.label|reasons\.label")


class Statements:
    """Statements run on the app's engine while `counting`."""

    def __init__(self, app):
        self.seen: list[str] = []
        self.on = False
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", self._record)

    def _record(self, _conn, _cursor, statement, _params, _context, _many) -> None:
        if self.on:
            self.seen.append(" ".join(statement.split()))

    def counting(self, call):
        self.seen, self.on = [], True
        try:
            return call()
        finally:
            self.on = False

    def report(self) -> str:
        return "\n".join(f"  {n}. {s[:160]}" for n, s in enumerate(self.seen, 1))

    def check(self, ceiling: int, rollups: int = 0) -> None:
        own = [s for s in self.seen if not ROLLUP_WRITE.match(s)]
        counted = len(self.seen) - len(own)
        assert len(own) <= ceiling, f"{len(own)} statements besides the rollups (ceiling {ceiling}):\n{self.report()}"
        assert counted <= rollups, f"{counted} rollup upserts (ceiling {rollups}):\n{self.report()}"
        reread = any(VERSION_READ.search(s) for s in self.seen)
        assert not reread, f"the survey version was read again:\n{self.report()}"


@pytest.fixture
def site(app):
    with app.app_context():
        point = f.point(f.unit("H-STMT", f.group("g")), code="H-STMT-P1")
        db.session.commit()
        return {"id": point.id, "token": point.public_token}


@pytest.fixture
def tablet(app, client, site):
    with committing(app):
        code = create_pairing_code(Actor.cli(), db.session.get(Point, site["id"]))
    token = client.post("/api/v1/kiosk/pair", json={"code": code}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def survey(app):
    with app.app_context():
        active = db.session.scalar(sa.select(Survey).where(Survey.active.is_(True)))
        return {
            "id": active.id,
            "criteria": [c.code for c in active.criteria],
            "reason": active.reasons[0].code,
        }


def kiosk_body(survey, minutes_ago: int, **extra) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "survey": survey["id"],
        "answers": dict.fromkeys(survey["criteria"], 5),
        "answered_at": (utcnow() - timedelta(minutes=minutes_ago)).isoformat(),
        **extra,
    }


def stored(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(sa.select(Response.channel, Response.flag)).all()


def test_kiosk_answer_statements(app, client, tablet, survey):
    count = Statements(app)
    post = client.post
    # The first answer of the process reads the survey version; the next ones do not.
    assert post("/api/v1/kiosk/responses", json=kiosk_body(survey, 60), headers=tablet).status_code == 201

    body = kiosk_body(survey, 30)
    answer = count.counting(lambda: post("/api/v1/kiosk/responses", json=body, headers=tablet))
    assert answer.status_code == 201
    count.check(KIOSK_ANSWER, ROLLUPS)

    low = kiosk_body(survey, 10, reasons=[survey["reason"]])
    low["answers"] = dict.fromkeys(survey["criteria"], 1)
    answer = count.counting(lambda: post("/api/v1/kiosk/responses", json=low, headers=tablet))
    assert answer.status_code == 201
    count.check(KIOSK_ANSWER_WITH_REASON, ROLLUPS_WITH_REASON)

    replay = count.counting(lambda: post("/api/v1/kiosk/responses", json=body, headers=tablet))
    assert replay.status_code == 200 and replay.get_json()["created"] is False
    count.check(KIOSK_REPLAY)
    # Counted answers, each stored once: the statements counted are the ones that did the work.
    assert sorted(stored(app)) == [("kiosk", None)] * 3


def test_kiosk_double_tap_is_flagged_within_the_same_statements(app, client, tablet, survey):
    count = Statements(app)
    assert client.post("/api/v1/kiosk/responses", json=kiosk_body(survey, 0), headers=tablet).status_code == 201
    tap = count.counting(lambda: client.post("/api/v1/kiosk/responses", json=kiosk_body(survey, 0), headers=tablet))
    assert tap.status_code == 201
    count.check(KIOSK_ANSWER, ROLLUPS)
    assert sorted(stored(app), key=str) == [("kiosk", "misuse"), ("kiosk", None)]


def test_qr_flow_statements(app, site, survey):
    count = Statements(app)
    url = f"/s/{site['token']}"

    def flow(visitor):
        page = count.counting(lambda: visitor.get(url))
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        form = {
            "csrf_token": csrf_token(html),
            "response_id": re.search(r'name="response_id" value="([^"]+)"', html).group(1),
            "survey": re.search(r'name="survey" value="(\d+)"', html).group(1),
            **{f"q_{code}": "4" for code in survey["criteria"]},
        }
        return form

    # The first visitor of the process: the survey version and the alert rules are read once.
    first = app.test_client()
    assert first.post(url, data=flow(first)).status_code == 302
    visitor = app.test_client()
    form = flow(visitor)
    count.check(QR_GET)
    sent = count.counting(lambda: visitor.post(url, data=form))
    assert sent.status_code == 302
    count.check(QR_POST, ROLLUPS)
    assert stored(app) == [("qr", None), ("qr", None)]


def test_kept_alert_rules_follow_every_change(app, client, tablet, site, survey):
    """The rules are kept per process under their fingerprint: a rule created, or switched off,
    between two answers is seen by the next answer."""
    from core.models import Alert, AlertRule
    from core.ratings.alerts import acknowledge, create_rule, set_rule_active

    def lowest_with_comment(minutes_ago: int):
        body = kiosk_body(survey, minutes_ago, comment="Chờ quá lâu")
        body["answers"] = dict.fromkeys(survey["criteria"], 1)
        assert client.post("/api/v1/kiosk/responses", json=body, headers=tablet).status_code == 201

    def alerts_of(rule_id: int) -> int:
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count()).select_from(Alert).where(Alert.rule_id == rule_id))

    lowest_with_comment(50)  # the rules are now kept, without a lowest-comment rule
    with committing(app):
        rule = create_rule(Actor.cli(), kind="lowest_comment", point_code="H-STMT-P1").id
    lowest_with_comment(40)
    assert alerts_of(rule) == 1
    with committing(app):
        acknowledge(Actor.cli(), db.session.scalar(sa.select(Alert).where(Alert.rule_id == rule)), "Đã xử lý")
        set_rule_active(Actor.cli(), db.session.get(AlertRule, rule), False)
    lowest_with_comment(30)
    assert alerts_of(rule) == 1
    with committing(app):
        set_rule_active(Actor.cli(), db.session.get(AlertRule, rule), True)
    lowest_with_comment(20)
    assert alerts_of(rule) == 2
