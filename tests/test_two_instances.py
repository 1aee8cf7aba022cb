"""Beyond one machine (issue 12, item 8): two gunicorn instances behind nginx, sharing PostgreSQL,
Redis and SECRET_KEY, behave as one service.

Everything is real and private to this module: a PostgreSQL cluster (initdb), a redis-server, two
`gunicorn wsgi:app` instances (2 workers each, PROXY_COUNT=1, rate limits on and stored in that
Redis) and Debian's nginx running deploy/nginx.conf over TLS in front of them, all on loopback.
The database is prepared as an operator would: `flask db upgrade`, then `flask demo-data`.

Each test speaks from a loopback address of its own (127.0.0.x), directly to instance A, to
instance B, and through nginx, and proves that:
- a kiosk answer sent to A, then B, then nginx is stored once (201, then 200), and the same id with
  another body is 409 everywhere, also when A and B receive it at the same moment;
- rate limits count once for the whole service: the kiosk device limit and the sign-in limit are
  reached at their configured totals across A, B and nginx, not at twice them, and nginx passes the
  client's real address (a forged X-Forwarded-For changes nothing);
- an admin session opened on A works on B and through nginx, and a form token from A's page is
  accepted by B.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from limits import parse

from app import create_app
from core.extensions import db
from core.models import Answer, Point, Response
from kiosk.api import DEVICE_LIMIT
from tests.conftest import _config, csrf_token
from tests.servers import ROOT, Gunicorn, Nginx, Redis, private_cluster, wait_until
from tests.test_kiosk_api import new_code

SUBMIT = "/api/v1/kiosk/responses"
SECRET_KEY = "two-instances-share-this-key"
# admin/accounts.py: sign-in attempts allowed per client address and minute (POSTs).
LOGIN_LIMIT = 10


# ---------- a client that speaks from its own loopback address and keeps its cookies ----------


@dataclass
class Door:
    name: str
    port: int
    tls: ssl.SSLContext | None = None


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Visitor:
    """One person or tablet: a source address of its own (the rate limiter keys on it) and a jar."""

    address: str
    cookies: dict[str, str] = field(default_factory=dict)

    def send(
        self,
        door: Door,
        method: str,
        path: str,
        *,
        form: dict | None = None,
        payload: dict | None = None,
        headers: dict | None = None,
        cookies: bool = True,
    ) -> Reply:
        sent = {k: v for k, v in (headers or {}).items() if k != "Referer"}
        body = None
        if form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif payload is not None:
            body = json.dumps(payload).encode()
            sent["Content-Type"] = "application/json"
        if cookies and self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if door.tls is not None:
            # HTTPS as a browser sends it, with a Referer (CSRF checks it on secure requests) unless
            # the caller says `Referer=None`.
            referer = (headers or {}).get("Referer", f"https://127.0.0.1:{door.port}{path}")
            if referer is not None:
                sent["Referer"] = referer
            connection = http.client.HTTPSConnection(
                "127.0.0.1", door.port, timeout=30, context=door.tls, source_address=(self.address, 0)
            )
        else:
            connection = http.client.HTTPConnection(
                "127.0.0.1", door.port, timeout=30, source_address=(self.address, 0)
            )
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            reply = Reply(response.status, response.msg, response.read())
        finally:
            connection.close()
        if cookies:
            for header in reply.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
        return reply


_addresses = iter(range(11, 250))


def new_visitor() -> Visitor:
    """A visitor from a loopback address no other visitor of this module uses."""
    return Visitor(f"127.0.0.{next(_addresses)}")


# ---------- the stack ----------


@dataclass
class Stack:
    database: str
    a: Door
    b: Door
    proxy: Door
    nginx: Nginx
    instances: list[Gunicorn]

    @property
    def doors(self) -> list[Door]:
        return [self.a, self.b, self.proxy]

    def tablet(self) -> dict[str, str]:
        """A tablet paired through nginx to the demo point TTT-VP-P1; its request headers."""
        app = create_app(_config(self.database))
        try:
            with app.app_context():
                point_id = db.session.scalar(sa.select(Point.id).where(Point.code == "TTT-VP-P1"))
            code = new_code(app, point_id)
        finally:
            with app.app_context():
                db.engine.dispose()
        reply = new_visitor().send(self.proxy, "POST", "/api/v1/kiosk/pair", payload={"code": code})
        assert reply.status == 200, reply.body
        return {"Authorization": f"Bearer {reply.json()['token']}"}

    def query(self, statement):
        engine = sa.create_engine(self.database)
        try:
            with engine.connect() as connection:
                return connection.execute(statement).all()
        finally:
            engine.dispose()

    def logs(self) -> str:
        return "\n".join(f"--- {g.log.name}\n{g.tail()}" for g in self.instances) + f"\n--- nginx\n{self.nginx.tail()}"


def _flask(database: str, *args: str) -> str:
    flask = Path(sys.executable).parent / "flask"
    env = dict(os.environ, DATABASE_URL=database, SECRET_KEY=SECRET_KEY)
    result = subprocess.run(
        [str(flask), "--app", "wsgi", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def stack():
    workdir = Path(tempfile.mkdtemp(prefix="two-instances-"))
    with private_cluster("two-instances-pg-") as cluster:
        database = cluster.new_database("two_instances")
        _flask(database, "db", "upgrade")
        assert "admin / demo-admin-2026" in _flask(database, "demo-data")
        redis = Redis(workdir)
        instances: list[Gunicorn] = []
        nginx = None
        try:
            redis.start()
            for name in ("a", "b"):
                instances.append(
                    Gunicorn(
                        database,
                        workdir,
                        name=f"instance-{name}",
                        workers=2,
                        SECRET_KEY=SECRET_KEY,
                        RATELIMIT_ENABLED="true",
                        RATELIMIT_STORAGE_URI=redis.url,
                        PROXY_COUNT="1",
                        PUBLIC_BASE_URL="https://danhgia.example.gov.vn",
                    )
                )
            for instance in instances:
                instance.launch()
            for instance in instances:
                instance.wait()
            nginx = Nginx(workdir, [instance.port for instance in instances], tls=True)
            nginx.start()
            trust = ssl.create_default_context(cafile=str(nginx.certificate[0]))
            built = Stack(
                database,
                Door("A", instances[0].port),
                Door("B", instances[1].port),
                Door("nginx", nginx.port, trust),
                nginx,
                instances,
            )
            yield built
        except BaseException:
            print("\n".join(f"--- {g.log.name}\n{g.tail()}" for g in instances))
            if nginx is not None:
                print(f"--- nginx\n{nginx.tail()}")
            raise
        finally:
            if nginx is not None:
                nginx.stop()
            for instance in instances:
                instance.stop()
            redis.stop()
            shutil.rmtree(workdir, ignore_errors=True)


def answer(score: int) -> dict:
    return {"id": str(uuid.uuid4()), "answers": {"overall": score}, "answered_at": datetime.now(UTC).isoformat()}


# ---------- (a) idempotency ----------


def test_nginx_balances_over_both_instances(stack):
    visitor = new_visitor()
    before = stack.nginx.upstreams_served()
    for _ in range(6):
        assert visitor.send(stack.proxy, "GET", "/healthz").status == 200

    def served() -> dict[str, int]:
        after = stack.nginx.upstreams_served()
        return {address: after.get(address, 0) - before.get(address, 0) for address in after}

    # nginx writes its access log line just after the reply has gone.
    wait_until(lambda: sum(served().values()) >= 6, 5, "nginx's access log")
    assert served() == {f"127.0.0.1:{stack.a.port}": 3, f"127.0.0.1:{stack.b.port}": 3}


def test_a_kiosk_answer_is_stored_once_whichever_instance_gets_it(stack):
    tablet = stack.tablet()
    kiosk = new_visitor()
    body = answer(4)
    replies = [kiosk.send(door, "POST", SUBMIT, payload=body, headers=tablet) for door in (stack.a, stack.b)]
    # Through nginx twice: round robin hands one to each instance.
    replies += [kiosk.send(stack.proxy, "POST", SUBMIT, payload=body, headers=tablet) for _ in range(2)]
    assert [r.status for r in replies] == [201, 200, 200, 200]
    assert [r.json()["created"] for r in replies] == [True, False, False, False]
    assert {r.json()["id"] for r in replies} == {body["id"]}

    other = dict(body, answers={"overall": 1})
    for door in stack.doors:
        refused = kiosk.send(door, "POST", SUBMIT, payload=other, headers=tablet)
        assert refused.status == 409, (door.name, refused.body)
        assert refused.json()["error"]["code"] == "conflict"

    rid = uuid.UUID(body["id"])
    assert stack.query(sa.select(Response.id).where(Response.id == rid)) == [(rid,)]
    assert stack.query(sa.select(Answer.score).where(Answer.response_id == rid)) == [(4,)]


def test_the_same_answer_at_both_instances_at_once_is_stored_once(stack):
    tablet = stack.tablet()
    kiosk = new_visitor()
    bodies = [answer(1 + n % 5) for n in range(12)]

    def race(body: dict) -> list[int]:
        start = threading.Barrier(2)

        def post(door: Door) -> int:
            start.wait()
            return kiosk.send(door, "POST", SUBMIT, payload=body, headers=tablet, cookies=False).status

        with ThreadPoolExecutor(2) as pool:
            return sorted(pool.map(post, (stack.a, stack.b)))

    outcomes = [race(body) for body in bodies]
    assert outcomes == [[200, 201]] * len(bodies)
    ids = [uuid.UUID(body["id"]) for body in bodies]
    stored = stack.query(sa.select(Response.id).where(Response.id.in_(ids)))
    assert sorted(row[0] for row in stored) == sorted(ids)
    details = stack.query(sa.select(Answer.response_id).where(Answer.response_id.in_(ids)))
    assert len(details) == len(ids)


# ---------- (b) rate limits ----------


def test_the_kiosk_device_limit_counts_once_across_instances(stack):
    allowed = parse(DEVICE_LIMIT).amount  # "600 per minute": the tablet's whole allowance
    tablet = stack.tablet()
    kiosk = new_visitor()
    doors = (stack.a, stack.b)
    started = time.monotonic()

    def fetch(n: int) -> tuple[str, int]:
        door = doors[n % 2]
        return door.name, kiosk.send(door, "GET", "/api/v1/kiosk/survey", headers=tablet, cookies=False).status

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(fetch, range(allowed)))
    spent = time.monotonic() - started
    assert spent < 45, f"{allowed} requests took {spent:.0f} s: the one-minute window could end under the test"
    # Half of the allowance at each instance, every one served...
    assert Counter(results) == {("A", 200): allowed // 2, ("B", 200): allowed - allowed // 2}
    # ...and then the whole service refuses, though neither instance alone saw more than half of it.
    for door in stack.doors:
        refused = kiosk.send(door, "GET", "/api/v1/kiosk/survey", headers=tablet, cookies=False)
        assert refused.status == 429, (door.name, refused.status)
        assert 0 < int(refused.headers["Retry-After"]) <= 60
    # Another tablet has an allowance of its own.
    assert kiosk.send(stack.b, "GET", "/api/v1/kiosk/survey", headers=stack.tablet(), cookies=False).status == 200
    print(f"\nkiosk limit: {allowed} served over A and B in {spent:.1f} s, then 429 at A, B and nginx")


def _failed_sign_in(visitor: Visitor, door: Door, **headers) -> Reply:
    token = csrf_token(visitor.send(door, "GET", "/admin/login").text)
    # An unknown name: the per-name limit (20 per 10 minutes) leaves the demo admin alone.
    form = {"username": f"guess-{visitor.address}", "password": "not-the-password", "csrf_token": token}
    return visitor.send(door, "POST", "/admin/login", form=form, headers=headers)


def test_the_sign_in_limit_counts_once_across_instances_and_nginx(stack):
    guesser = new_visitor()
    spread = [stack.doors[n % 3] for n in range(LOGIN_LIMIT)]
    statuses = [(door.name, _failed_sign_in(guesser, door).status) for door in spread]
    # Wrong password: the form again (422), never throttled within the allowance.
    assert {status for _name, status in statuses} == {422}, statuses
    for door in stack.doors:
        refused = _failed_sign_in(guesser, door)
        assert refused.status == 429, (door.name, refused.status)
        assert 0 < int(refused.headers["Retry-After"]) <= 60
    # nginx hands the app the address it saw: forging X-Forwarded-For neither escapes the limit...
    assert _failed_sign_in(guesser, stack.proxy, **{"X-Forwarded-For": "203.0.113.7"}).status == 429
    # ...nor spends someone else's: another address still has its own allowance through nginx.
    other = new_visitor()
    assert _failed_sign_in(other, stack.proxy, **{"X-Forwarded-For": guesser.address}).status == 422


# ---------- (c) admin sessions ----------

SIGNED_IN = 'action="/admin/logout"'


def test_an_admin_session_from_one_instance_works_on_the_other(stack):
    admin = new_visitor()
    token = csrf_token(admin.send(stack.a, "GET", "/admin/login").text)
    signed_in = admin.send(
        stack.a, "POST", "/admin/login", form={"username": "admin", "password": "demo-admin-2026", "csrf_token": token}
    )
    assert signed_in.status == 302 and signed_in.headers["Location"] == "/admin/"
    assert "session" in admin.cookies

    # The cookie A set opens the admin area on B and through nginx: no redirect to the sign-in.
    for door in (stack.b, stack.proxy):
        page = admin.send(door, "GET", "/admin/")
        assert page.status == 200, (door.name, page.status, page.headers.get("Location"))
        assert SIGNED_IN in page.text
    # A stranger without it is sent to the sign-in page by either instance.
    assert new_visitor().send(stack.b, "GET", "/admin/").status == 302

    # A form rendered by A, posted to B with A's token: B issues the pairing code.
    devices = admin.send(stack.a, "GET", "/admin/devices")
    assert devices.status == 200
    token_a = csrf_token(devices.text)
    action = re.search(r'action="(/admin/points/\d+/pairing)"', devices.text).group(1)
    forged = admin.send(stack.b, "POST", action, form={"csrf_token": token_a[:-4] + "AAAA"})
    assert forged.status == 400  # B does check the token...
    # ...and that it belongs to the session the cookie carries.
    assert Visitor(admin.address).send(stack.b, "POST", action, form={"csrf_token": token_a}).status == 400
    issued = admin.send(stack.b, "POST", action, form={"csrf_token": token_a})
    assert issued.status == 200, issued.text[:2000]
    code = re.search(r'id="pairing-code">([^<]+)<', issued.text).group(1)

    # The code B issued pairs a tablet through nginx (stored in the shared database).
    paired = new_visitor().send(stack.proxy, "POST", "/api/v1/kiosk/pair", payload={"code": code})
    assert paired.status == 200, paired.body

    # Through nginx the app knows the request came over HTTPS (X-Forwarded-Proto is trusted): a
    # sign-in form posted without a Referer is refused, as for any HTTPS request; with it, it works
    # (X-Forwarded-Host is the host and port the browser used).
    visitor = new_visitor()
    form = {"username": "admin", "password": "demo-admin-2026"}
    form["csrf_token"] = csrf_token(visitor.send(stack.proxy, "GET", "/admin/login").text)
    refused = visitor.send(stack.proxy, "POST", "/admin/login", form=form, headers={"Referer": None})
    assert refused.status == 400
    signed_in = visitor.send(stack.proxy, "POST", "/admin/login", form=form)
    assert signed_in.status == 302 and signed_in.headers["Location"] == "/admin/"
    assert SIGNED_IN in visitor.send(stack.a, "GET", "/admin/").text
