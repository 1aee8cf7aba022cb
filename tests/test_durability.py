"""Durability (issue 13): kiosk answers survive a SIGKILLed gunicorn and a PostgreSQL outage.

A real gunicorn (2 workers) serves the app; a small fleet of kiosk streams posts answers, each with
its own id, and keeps every answer that got no 2xx in a queue, as static/kiosk/kiosk.js does. The
tests then break the server under the stream, bring it back, let the kiosks flush their queues
(same id, same body) and count what the database holds: every answer exactly once, lost: 0.

PostgreSQL runs in a private cluster the tests start themselves (initdb into a temporary directory),
so that stopping it harms nobody else. Without PostgreSQL's server binaries those tests are skipped.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from core.extensions import db
from core.models import Answer, Response
from tests.conftest import EXTERNAL, _config, _drop_database, _own_database, _upgrade
from tests.servers import Gunicorn, private_cluster
from tests.servers import wait_until as _wait
from tests.test_kiosk_api import add_point, new_code

ROOT = Path(__file__).resolve().parent.parent
SUBMIT = "/api/v1/kiosk/responses"
# Answers the stream must see stored before it breaks the server, and again after it is back.
BEFORE = 25
AFTER = 25


# ---------- HTTP, as a tablet speaks it ----------


@dataclass
class Reply:
    status: int | None  # None: no answer at all (connection refused or cut)
    headers: dict[str, str]
    body: bytes

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def request(port: int, method: str, path: str, payload: dict | None = None, token: str | None = None) -> Reply:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    headers = {"Content-Type": "application/json"} if payload is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        body = json.dumps(payload).encode() if payload is not None else None
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    except (OSError, http.client.HTTPException):
        return Reply(None, {}, b"")
    finally:
        connection.close()


@dataclass
class Attempt:
    rid: str
    first: bool
    started: float
    ended: float
    reply: Reply


@dataclass
class KioskFleet:
    """Tablets at one point posting answers one after another, each stream on its own."""

    port: int
    token: str
    streams: int = 4
    bodies: dict[str, dict] = field(default_factory=dict)
    attempts: list[Attempt] = field(default_factory=list)
    queue: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    in_flight: int = 0

    def send(self, rid: str, first: bool) -> Reply:
        with self.lock:
            self.in_flight += 1
        started = time.monotonic()
        reply = request(self.port, "POST", SUBMIT, self.bodies[rid], self.token)
        with self.lock:
            self.in_flight -= 1
            self.attempts.append(Attempt(rid, first, started, time.monotonic(), reply))
        return reply

    def _stream(self, number: int) -> None:
        while not self.stop.is_set():
            rid = str(uuid.uuid4())
            # Like the kiosk: the id and answered_at are fixed when the citizen taps, so a retry
            # sends the very same body.
            body = {"id": rid, "answers": {"overall": 1 + number % 5}, "answered_at": datetime.now(UTC).isoformat()}
            with self.lock:
                self.bodies[rid] = body
            if self.send(rid, first=True).ok:
                time.sleep(0.01)
            else:
                with self.lock:
                    self.queue.append(rid)
                time.sleep(0.1)  # the kiosk backs off after a failure, and keeps the answer

    def run(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._stream, args=(n,), daemon=True) for n in range(self.streams)]
        for thread in threads:
            thread.start()
        return threads

    def stored_ids(self) -> set[str]:
        with self.lock:
            return {a.rid for a in self.attempts if a.reply.ok}

    def count(self, status: int | None, since: float = 0.0) -> int:
        with self.lock:
            return sum(1 for a in self.attempts if a.reply.status == status and a.started >= since)

    def flush_queue(self, timeout: float = 60) -> int:
        """Retry every queued answer (same id, same body) until each got a 2xx; the retries made."""
        retries = 0
        deadline = time.monotonic() + timeout
        while self.queue:
            assert time.monotonic() < deadline, f"{len(self.queue)} answers still refused after {timeout} s"
            rid = self.queue[0]
            retries += 1
            if self.send(rid, first=False).ok:
                self.queue.pop(0)
            else:
                time.sleep(0.2)
        return retries

    def replayed(self) -> int:
        """Retries answered 200: stored before (the reply was lost), so counted once, not twice."""
        with self.lock:
            return sum(1 for a in self.attempts if not a.first and a.reply.status == 200)

    def through(self, start: float, end: float) -> int:
        """Answers whose first try was under way at some moment of [start, end]."""
        with self.lock:
            return sum(1 for a in self.attempts if a.first and a.started <= end and a.ended >= start)


# ---------- pairing and counting ----------


def pair(app_url: str, server: Gunicorn) -> str:
    """A reception point and a tablet paired to it through the real API; the device token."""
    app = create_app(_config(app_url))
    try:
        point_id = add_point(app)
        code = new_code(app, point_id)
    finally:
        with app.app_context():
            db.engine.dispose()
    reply = request(server.port, "POST", "/api/v1/kiosk/pair", {"code": code})
    assert reply.status == 200, reply.body
    return json.loads(reply.body)["token"]


def stored(database_url: str) -> tuple[list[str], int]:
    """The ids of the stored responses (a list: duplicates would show) and the count of answer rows."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            ids = [str(value) for value in connection.scalars(sa.select(Response.id))]
            answers = connection.scalar(sa.select(sa.func.count()).select_from(Answer))
    finally:
        engine.dispose()
    return ids, answers


# ---------- a private PostgreSQL cluster ----------


@pytest.fixture(scope="module")
def cluster():
    with private_cluster("durability-pg-") as instance:
        yield instance


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """A migrated database of this test's own: a SQLite file, or a PostgreSQL database (beside
    TEST_DATABASE_URL's in the suite's PostgreSQL pass, in the private cluster otherwise)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'durability.sqlite3'}"
    elif EXTERNAL:
        url = _own_database(os.environ["TEST_DATABASE_URL"])
        request.addfinalizer(lambda: _drop_database(url))
    else:
        url = request.getfixturevalue("cluster").new_database("durability")
    _upgrade(url)
    return url


# ---------- the error answers, without a server ----------

# Nothing listens on port 1: every connection is refused, as with a database that is down.
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/nothing"


def test_an_unreachable_database_is_503_with_retry_after_on_the_api(make_app):
    client = make_app(SQLALCHEMY_DATABASE_URI=UNREACHABLE).test_client()
    body = {"id": str(uuid.uuid4()), "answers": {"overall": 5}}
    response = client.post(SUBMIT, json=body, headers={"Authorization": "Bearer kiosk_x"})
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.get_json()["error"]["code"] == "unavailable"


def test_an_unreachable_database_is_a_friendly_503_page_elsewhere(make_app):
    client = make_app(SQLALCHEMY_DATABASE_URI=UNREACHABLE).test_client()
    response = client.get("/cong-khai")
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert "Dịch vụ tạm thời gián đoạn." in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (sa.exc.InterfaceError("SELECT 1", {}, Exception("connection already closed")), 503),
        (
            sa.exc.DBAPIError("SELECT 1", {}, Exception("server closed the connection"), connection_invalidated=True),
            503,
        ),
        (sa.exc.ProgrammingError("SELECT nothing", {}, Exception("no such column")), 500),
    ],
)
def test_a_lost_connection_of_any_kind_is_503_and_a_bad_statement_still_500(make_app, error, status):
    app = make_app()

    @app.get("/api/v1/_broken")
    def broken():
        raise error

    response = app.test_client().get("/api/v1/_broken")
    assert response.status_code == status
    assert ("Retry-After" in response.headers) is (status == 503)


def test_a_throttled_page_carries_its_retry_after(make_app):
    from werkzeug.exceptions import TooManyRequests

    app = make_app()

    @app.get("/_throttled")
    def throttled():
        raise TooManyRequests(retry_after=7)

    response = app.test_client().get("/_throttled")
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    assert response.headers["Retry-After"] == "7"


def test_files_of_a_transaction_are_undone_when_its_rollback_fails_on_a_lost_connection(app, monkeypatch, tmp_path):
    from core import transactions

    written = tmp_path / "evidence.pdf"
    written.write_bytes(b"%PDF")

    def lost():
        raise sa.exc.OperationalError("ROLLBACK", {}, Exception("server closed the connection"))

    with app.app_context():
        transactions.on_rollback(written.unlink)
        monkeypatch.setattr(db.session, "rollback", lost)
        with pytest.raises(sa.exc.OperationalError):
            transactions.abandon()
    assert not written.exists()


# ---------- the tests ----------


def _assert_every_answer_once(fleet: KioskFleet, database_url: str) -> None:
    ids, answers = stored(database_url)
    assert len(ids) == len(set(ids))
    assert set(ids) == set(fleet.bodies)
    assert answers == len(fleet.bodies)  # each answer's detail row too, no half-stored answer


def test_sigkilled_gunicorn_keeps_every_acknowledged_answer(database, tmp_path):
    server = Gunicorn(database, tmp_path, SECRET_KEY="durability-test")
    fleet = None
    try:
        server.start()
        fleet = KioskFleet(server.port, pair(database, server))
        threads = fleet.run()
        _wait(lambda: len(fleet.stored_ids()) >= BEFORE, 60, "answers before the kill")
        # Strike while answers are on their way (the reply of one may be lost after its commit).
        _wait(lambda: fleet.in_flight >= 2, 10, "answers in flight", poll=0.0005)
        killed = server.kill()
        # Down for a moment while the tablets keep tapping, then the service manager restarts it.
        _wait(lambda: fleet.count(None, since=killed) >= 5, 10, "answers refused while down")
        back = server.start()
        _wait(lambda: len(fleet.stored_ids()) >= BEFORE + AFTER, 60, "answers after the restart")
        fleet.stop.set()
        for thread in threads:
            thread.join(timeout=30)

        acknowledged = fleet.stored_ids()
        ids, _answers = stored(database)
        assert acknowledged <= set(ids), "an answer that got a 2xx is missing after the restart"

        queued = len(fleet.queue)
        retries = fleet.flush_queue()
        statuses = {a.reply.status for a in fleet.attempts}
        # No answer while it is down; a 503 would be fair (the kiosk keeps the answer); never a 500.
        assert statuses <= {200, 201, 503, None}, statuses
        _assert_every_answer_once(fleet, database)
        through = fleet.through(killed, back)
        assert through >= 1 and queued >= 1
        print(
            f"\n[{database.split(':')[0].split('+')[0]}] SIGKILL: {len(fleet.bodies)} answers sent,"
            f" {through} through the kill ({fleet.through(killed, killed)} in flight at the SIGKILL),"
            f" {queued} queued and retried ({retries} retries, {fleet.replayed()} already stored),"
            f" stored {len(fleet.bodies)}, lost: 0"
        )
    except BaseException:
        print(server.tail())
        raise
    finally:
        if fleet is not None:
            fleet.stop.set()
        server.stop()


def test_postgresql_outage_answers_503_and_the_queue_arrives_once(cluster, tmp_path):
    database = cluster.new_database("durability")
    _upgrade(database)
    server = Gunicorn(database, tmp_path, SECRET_KEY="durability-test")
    fleet = None
    try:
        server.start()
        fleet = KioskFleet(server.port, pair(database, server))
        threads = fleet.run()
        _wait(lambda: len(fleet.stored_ids()) >= BEFORE, 60, "answers before the outage")

        down = time.monotonic()
        cluster.stop("immediate")
        _wait(lambda: fleet.count(503, since=down) >= 10, 30, "503 answers during the outage")
        health = request(server.port, "GET", "/healthz")
        page = request(server.port, "GET", "/cong-khai")
        cluster.start()
        up = time.monotonic()
        _wait(lambda: len(fleet.stored_ids()) >= BEFORE + AFTER, 60, "answers after the outage")
        fleet.stop.set()
        for thread in threads:
            thread.join(timeout=30)

        assert health.status == 503
        assert json.loads(health.body) == {"status": "unavailable", "database": "down"}
        assert page.status == 503 and page.headers["content-type"].startswith("text/html")
        assert "Dịch vụ tạm thời gián đoạn." in page.body.decode()
        assert int(page.headers["retry-after"]) > 0

        refused = [a.reply for a in fleet.attempts if not a.reply.ok]
        assert {r.status for r in refused} == {503}, "the API must answer 503 (never 500 or nothing)"
        for reply in refused:
            assert int(reply.headers["retry-after"]) > 0
            assert json.loads(reply.body)["error"]["code"] == "unavailable"

        queued = len(fleet.queue)
        retries = fleet.flush_queue()
        _assert_every_answer_once(fleet, database)
        through = fleet.through(down, up)
        print(
            f"\n[postgresql] outage: {len(fleet.bodies)} answers sent, {through} through the outage,"
            f" {queued} answered 503 and queued ({retries} retries, {fleet.replayed()} already stored),"
            f" stored {len(fleet.bodies)}, lost: 0"
        )
    except BaseException:
        print(server.tail())
        raise
    finally:
        if fleet is not None:
            fleet.stop.set()
        server.stop()
