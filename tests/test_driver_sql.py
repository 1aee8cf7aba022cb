"""The write path's driver-level statements (core.driver_sql), the SQLite writers' turns
(core.write_turn) and the point known by its keys (core.org.points.PointRef), on the suite's
database (SQLite, or PostgreSQL with SUITE_DATABASE=external)."""

from __future__ import annotations

import fcntl
import os
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from core import write_turn
from core.driver_sql import DriverStatement
from core.extensions import db
from core.models import Point, Response, Survey
from core.org.points import PointRef
from tests import factories as f
from tests.conftest import EXTERNAL

COLUMNS = ("id", "point_id", "survey_id", "channel", "answered_at", "received_at", "flag", "comment", "body_hash")
INSERT = DriverStatement(
    f"INSERT INTO responses ({', '.join(COLUMNS)}) VALUES ({', '.join(':' + c for c in COLUMNS)})",  # noqa: S608
    {name: Response.__table__.c[name].type for name in COLUMNS},
)
SELECT = DriverStatement(
    sa.select(Response.id, Response.answered_at, Response.flag, Response.comment, Response.flag.is_(None))
    .where(Response.point_id == sa.bindparam("point_id"))
    .order_by(Response.answered_at)
)


@pytest.fixture
def point_id(app_ctx):
    point = f.point(f.unit("H-DRV", f.group("g")), code="H-DRV-P1")
    db.session.commit()
    return point.id


def _row(point_id: int, answered_at: datetime, **extra) -> dict:
    survey_id = db.session.scalar(sa.select(Survey.id).where(Survey.active.is_(True)))
    return {
        "id": uuid.uuid4(),
        "point_id": point_id,
        "survey_id": survey_id,
        "channel": "kiosk",
        "answered_at": answered_at,
        "received_at": answered_at,
        "flag": None,
        "comment": "Cán bộ hướng dẫn tận tình",
        "body_hash": "0" * 64,
        **extra,
    }


def test_values_are_stored_and_read_as_sqlalchemy_stores_and_reads_them(point_id):
    first = datetime(2026, 3, 31, 17, 30, 15, 123456, tzinfo=UTC)  # 00:30 on 1 April in Hà Nội
    rows = [_row(point_id, first), _row(point_id, first + timedelta(hours=1), flag="misuse", comment=None)]
    INSERT.run(rows[0])
    INSERT.run([rows[1]])  # a sequence: the driver's executemany
    db.session.commit()

    # The ORM reads back exactly what was written: the UUIDs, the aware UTC moments, the text.
    stored = db.session.execute(
        sa.select(Response.id, Response.answered_at, Response.flag, Response.comment).order_by(Response.answered_at)
    ).all()
    assert [tuple(r) for r in stored] == [
        (rows[0]["id"], first, None, "Cán bộ hướng dẫn tận tình"),
        (rows[1]["id"], first + timedelta(hours=1), "misuse", None),
    ]
    # The driver's select applies the columns' result types: UUIDs, aware datetimes, booleans.
    assert SELECT.rows({"point_id": point_id}) == [
        (rows[0]["id"], first, None, "Cán bộ hướng dẫn tận tình", True),
        (rows[1]["id"], first + timedelta(hours=1), "misuse", None, False),
    ]
    assert SELECT.first({"point_id": point_id + 1000}) is None


def test_a_statement_belongs_to_the_session_transaction(point_id):
    INSERT.run(_row(point_id, datetime.now(UTC)))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0


def test_driver_errors_are_sqlalchemy_errors(point_id):
    row = _row(point_id, datetime.now(UTC))
    INSERT.run(row)
    with pytest.raises(sa.exc.IntegrityError):
        INSERT.run(row)  # the same id: the service's 409 handler catches this class
    db.session.rollback()


def test_engine_listeners_see_each_statement(point_id):
    seen = []

    def record(_conn, _cursor, statement, _params, _context, many):
        seen.append((statement.split()[0], many))

    row = _row(point_id, datetime.now(UTC))
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        INSERT.run(row)
        SELECT.rows({"point_id": point_id})
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    db.session.rollback()
    assert seen == [("INSERT", False), ("SELECT", False)]


def test_point_ref_reads_the_point_only_for_what_it_does_not_know(point_id):
    statements = []

    def record(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", record)
    ref = PointRef(point_id, 7, name="Quầy 1", unit_name="Thanh tra tỉnh")
    assert (ref.id, ref.unit_id, ref.name, ref.unit_name) == (point_id, 7, "Quầy 1", "Thanh tra tỉnh")
    assert statements == []
    assert ref.code == "H-DRV-P1"  # read now, from the session
    assert ref.unit.code == "H-DRV"
    event.remove(db.engine, "before_cursor_execute", record)
    assert len(statements) >= 1
    assert isinstance(ref._point, Point)


def test_a_turn_is_held_until_the_transaction_ends(app_ctx, point_id):
    if EXTERNAL:
        # PostgreSQL locks rows, not the database: it takes no turns.
        write_turn.take()
        assert "write_turn" not in db.session.info
        return
    path = db.engine.url.database + ".write-turn"

    def free() -> bool:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
        finally:
            os.close(fd)

    for end in (db.session.commit, db.session.rollback, db.session.close):
        write_turn.take()
        write_turn.take()  # once per transaction: the second call holds the same turn
        INSERT.run(_row(point_id, datetime.now(UTC)))
        assert not free()
        end()
        assert free()


@pytest.mark.skipif(EXTERNAL, reason="turns are for SQLite files")
def test_a_second_writer_waits_for_the_turn(app, point_id):
    """Two threads, two sessions: the second takes its turn only once the first has committed."""
    order: list[str] = []
    first_has_turn, second_started = threading.Event(), threading.Event()

    def first():
        with app.app_context():
            write_turn.take()
            first_has_turn.set()
            second_started.wait(5)
            threading.Event().wait(0.3)  # the second is now blocked on the turn, not on SQLite
            INSERT.run(_row(point_id, datetime.now(UTC)))
            order.append("first commits")
            db.session.commit()

    def second():
        with app.app_context():
            first_has_turn.wait(5)
            second_started.set()
            write_turn.take()
            order.append("second has its turn")
            INSERT.run(_row(point_id, datetime.now(UTC) - timedelta(minutes=1)))
            db.session.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert order == ["first commits", "second has its turn"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 2


def test_racing_answers_at_one_point_keep_every_counter_exact(app):
    """Eight tablets of one point send answers at once, a third of them low with a reason (the
    rollups' other statement shape), while the office moves answers out and back in (a flag
    change takes one answer's counts away and adds them again). On PostgreSQL the transactions
    truly overlap and lock shared counters (the point's version first); on SQLite the writers take
    turns. Every request succeeds (no deadlock, no busy error) and every counter equals what the
    raw answers give."""
    from core.audit import Actor
    from core.org.devices import create_pairing_code
    from core.ratings import rollups
    from core.ratings.flags import change_flag
    from tests.conftest import committing

    with committing(app):
        point = f.point(f.unit("H-RACE", f.group("g")), code="H-RACE-P1")
        active = db.session.scalar(sa.select(Survey).where(Survey.active.is_(True)))
        survey = {"id": active.id, "criteria": [c.code for c in active.criteria], "reason": active.reasons[0].code}
        codes = [create_pairing_code(Actor.cli(), point) for _ in range(8)]
    client = app.test_client()
    tokens = [client.post("/api/v1/kiosk/pair", json={"code": code}).get_json()["token"] for code in codes]
    first_ids = []
    statuses: list[int] = []
    lock = threading.Lock()

    def tablet(number: int, token: str) -> None:
        visitor = app.test_client()
        for k in range(6):
            low = (number + k) % 3 == 0
            body = {
                "id": str(uuid.uuid4()),
                "survey": survey["id"],
                "answers": dict.fromkeys(survey["criteria"], 1 if low else 4 + k % 2),
                # Minutes apart per tablet, over midnight of some tablets' days: no double taps.
                "answered_at": (datetime.now(UTC) - timedelta(minutes=10 * k + number, hours=number)).isoformat(),
                **({"reasons": [survey["reason"]]} if low else {}),
            }
            answer = visitor.post("/api/v1/kiosk/responses", json=body, headers={"Authorization": f"Bearer {token}"})
            with lock:
                statuses.append(answer.status_code)
                if k == 0:
                    first_ids.append(body["id"])

    changes: list[str | None] = []

    def office() -> None:
        for _ in range(600):  # while the tablets are still sending
            if len(first_ids) >= 3:
                break
            threading.Event().wait(0.01)
        with app.app_context():
            for rid in list(first_ids)[:3]:
                for flag in ("misuse", None):
                    change_flag(Actor.cli(), uuid.UUID(rid), flag, "racing check")
                    db.session.commit()
                    changes.append(flag)

    threads = [threading.Thread(target=tablet, args=(n, t)) for n, t in enumerate(tokens)]
    threads.append(threading.Thread(target=office))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [201] * 48
    assert changes == ["misuse", None] * 3
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 48
        flagged = sa.select(sa.func.count()).select_from(Response).where(Response.flag.is_not(None))
        assert db.session.scalar(flagged) == 0
        assert len(first_ids) == 8
        found = rollups.differences()
        assert found == {table.name: 0 for table, _counters in rollups.ALL_TABLES}


def test_a_tally_flush_adds_exactly_its_counts(point_id):
    """The rollups' upserts (on PostgreSQL one statement of WITH queries) insert new counters and
    add to existing ones; an empty tally writes nothing. Worked by hand: three responses on
    Wednesday 1 April 2026 at 9 (two, then one more, then one taken away and one added under
    the misuse flag), each scoring the first criterion 5 or 2."""
    from datetime import date

    from core.models import PointVersion, RollupMonthResponse, RollupResponse, RollupWeekAnswer
    from core.ratings.rollups import Tally

    criterion = db.session.scalar(sa.select(Survey).where(Survey.active.is_(True))).criteria[0].id
    day = date(2026, 4, 1)
    Tally().flush()  # nothing tallied: no statement, no version raised
    assert db.session.get(PointVersion, point_id) is None

    tally = Tally()
    tally.add(point_id, "kiosk", day, 9, None, [(criterion, 5)])
    tally.add(point_id, "kiosk", day, 9, None, [(criterion, 2)])
    tally.flush()
    tally.add(point_id, "kiosk", day, 9, None, [(criterion, 5)])
    tally.flush()
    tally.add(point_id, "kiosk", day, 9, None, [(criterion, 5)], sign=-1)
    tally.add(point_id, "kiosk", day, 9, "misuse", [(criterion, 5)])
    tally.flush()
    db.session.commit()

    def responses(flag: str) -> int:
        return db.session.scalar(sa.select(RollupResponse.responses).where(RollupResponse.flag == flag))

    assert (responses(""), responses("misuse")) == (2, 1)
    month = sa.select(RollupMonthResponse.responses).where(RollupMonthResponse.flag == "")
    assert db.session.scalar(month) == 2
    week = db.session.execute(
        sa.select(
            RollupWeekAnswer.week, RollupWeekAnswer.answers, RollupWeekAnswer.satisfied, RollupWeekAnswer.score_sum
        ).where(RollupWeekAnswer.flag == "")
    ).one()
    # The week starts on Monday 30 March; counted: one 5 and one 2.
    assert tuple(week) == (date(2026, 3, 30), 2, 1, 7)
    assert db.session.get(PointVersion, point_id).version == 3  # raised by each of the three flushes
