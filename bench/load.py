"""Load-testing utilities shared by the HTTP benchmarks: a prepared database, gunicorn servers, wrk.

- `prepare_database(url)`: migrate, load the demo province, pair one kiosk tablet per point and
  create the bare-insert baseline's table; returns what a load script needs (tokens, survey).
- `sqlite_database()` / `postgres_database()`: a throw-away database for one run (PostgreSQL:
  BENCH_DATABASE_URL as given, or a database created beside 127.0.0.1:5432/postgres and dropped).
- `Gunicorn` / `serve(...)`: `gunicorn wsgi:app` (or the baseline app) with the worker count
  README's Production section recommends, DATABASE_URL, SECRET_KEY and RATELIMIT_ENABLED=false;
  waits for its health address, and stops the whole process group.
- `lua_script(...)` and `run_wrk(...)`: a wrk script made of a common part (per-thread status
  counts and bookkeeping, a `done()` hook printing the figures as one JSON line) and the bench's
  own `request()`/`response()`; the parsed figures come back as a `WrkResult`.

The baseline app (bench/baseline_app.py) is served by the same `Gunicorn` settings, so a bench
compares the service with a bare Flask endpoint in the same run on the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BASELINE_TABLE = "bench_baseline"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# ---------- settings shared with README ----------


def readme_workers() -> int:
    """The worker count of README's Production section (`gunicorn --workers N ...`)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    production = text.split("## Production", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"gunicorn --workers (\d+)", production)
    if not match:
        raise RuntimeError("README's Production section names no `gunicorn --workers N`")
    return int(match.group(1))


# ---------- databases ----------


@dataclass
class Prepared:
    """A database ready for load: the demo province, one paired tablet per point."""

    url: str
    device_tokens: list[str]
    point_tokens: list[str]
    survey_id: int
    criteria: list[str]
    main: str
    reasons: list[str]
    scores: list[int]


@contextmanager
def sqlite_database() -> Iterator[str]:
    directory = tempfile.mkdtemp(prefix="bench-")
    try:
        yield f"sqlite:///{directory}/bench.sqlite3"
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """BENCH_DATABASE_URL as given (left in place), or a fresh database created beside the local
    server's and dropped at the end; None when no PostgreSQL answers."""
    import sqlalchemy as sa

    given = os.environ.get("BENCH_DATABASE_URL")
    if given:
        yield given
        return
    server = sa.make_url(DEFAULT_POSTGRES)
    name = f"bench_{secrets.token_hex(4)}"
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            # A name made here of hex digits, not input.
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        print(f"PostgreSQL: no server at {server.render_as_string(hide_password=True)} ({exc.orig})")
        yield None
        return
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def _bench_app(url: str):
    from app import create_app

    return create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-prepare", "RATELIMIT_ENABLED": False, "TESTING": False}
    )


def prepare_database(url: str) -> Prepared:
    """Migrate, load the demo province (no sample answers), pair one tablet per point, and create
    the baseline's table. Idempotent but for the new tablets."""
    import contextlib
    import io

    import sqlalchemy as sa
    from flask_migrate import upgrade

    from core import demo
    from core.audit import Actor
    from core.extensions import db
    from core.models import Point
    from core.org.devices import create_pairing_code, pair_device
    from core.ratings.surveys import active_survey

    app = _bench_app(url)
    with app.app_context():
        # Alembic's log lines (configured by migrations/env.py) are kept for a failure only.
        log = io.StringIO()
        try:
            with contextlib.redirect_stderr(log):
                upgrade()
        except Exception:
            print(log.getvalue(), file=sys.stderr)
            raise
        demo.load_demo(sample_days=0)
        points = db.session.scalars(sa.select(Point).where(Point.active.is_(True)).order_by(Point.id)).all()
        tokens = []
        for point in points:
            code = create_pairing_code(Actor.cli(), point)
            tokens.append(pair_device(code, f"bench {point.code}").token)
        survey = active_survey()
        prepared = Prepared(
            url=url,
            device_tokens=tokens,
            point_tokens=[p.public_token for p in points],
            survey_id=survey.id,
            criteria=[c.code for c in survey.criteria],
            main=next(c.code for c in survey.criteria if c.required),
            reasons=[r.code for r in survey.reasons],
            scores=list(survey.scores),
        )
        db.session.execute(
            sa.text(f"CREATE TABLE IF NOT EXISTS {BASELINE_TABLE} (id VARCHAR(36) PRIMARY KEY, body TEXT NOT NULL)")
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return prepared


def query(url: str, sql: str, **params) -> list[tuple]:
    """Rows of one read, on a short-lived engine (the servers keep their own connections)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(sql), params)]
    finally:
        engine.dispose()


# ---------- gunicorn ----------


class Gunicorn:
    """`gunicorn <app>` on 127.0.0.1:<port> in its own process group, like production (README)."""

    def __init__(self, app: str, port: int, url: str, *, cwd: Path = ROOT, workers: int | None = None, **env):
        self.app, self.port, self.url, self.cwd = app, port, url, cwd
        self.workers = workers or readme_workers()
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-" + secrets.token_hex(16),
            "RATELIMIT_ENABLED": "false",
            **env,
        }
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)  # noqa: SIM115

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, health: str = "/healthz", timeout: float = 60) -> Gunicorn:
        command = [
            str(BIN / "gunicorn"),
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            self.app,
        ]
        # Our own gunicorn on a fixed argument list; no shell.
        self.process = subprocess.Popen(  # noqa: S603
            command, cwd=self.cwd, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self._wait(health, timeout)
        return self

    def _wait(self, health: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app} exited:\n{self.log_tail()}")
            try:
                # Our own loopback server.
                with urllib.request.urlopen(self.base + health, timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn {self.app} did not answer {health} within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        self.log.flush()
        return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """TERM to the whole group (the arbiter finishes the requests in flight), KILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass

    def __enter__(self) -> Gunicorn:
        return self.start() if self.process is None else self

    def __exit__(self, *_exc) -> None:
        self.stop()
        Path(self.log.name).unlink(missing_ok=True)


def service(port: int, url: str, tree: Path | None = None, **env) -> Gunicorn:
    """The service itself: `gunicorn wsgi:app`, from this checkout or another one (`tree`, to
    compare a change with the code before it on the same database schema)."""
    return Gunicorn("wsgi:app", port, url, cwd=tree or ROOT, **env)


def baseline(port: int, url: str, **env) -> Gunicorn:
    """bench/baseline_app.py: bare Flask endpoints doing one raw INSERT each."""
    return Gunicorn("baseline_app:app", port, url, cwd=BENCH, **env)


# ---------- wrk ----------


def ensure_wrk() -> str:
    """Debian's wrk; installed with apt-get when missing and root (as `make bench` does)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=apt)  # noqa: S607
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=apt, stdout=subprocess.DEVNULL)  # noqa: S607
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is missing: install Debian's wrk package (`apt-get install wrk`)")
    return found


# Loaded first in every script. wrk runs the chunk once in the main Lua state and once per thread;
# setup() (main state) numbers the threads, each thread counts its statuses and the benches' own
# counters, and done() (main state) gathers them and prints one line: WRK_JSON {...}.
COMMON_LUA = r"""
threads = {}
statuses = {}
counters = {}
samples = {}
tid = tid or 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function count_status(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function bump(name, by)
  counters[name] = (counters[name] or 0) + (by or 1)
end

local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *tp);
]]
local now_ts = ffi.new("bench_timespec")
function now_us()
  ffi.C.clock_gettime(1, now_ts)  -- CLOCK_MONOTONIC
  return tonumber(now_ts.tv_sec) * 1000000 + tonumber(now_ts.tv_nsec) / 1000
end

function urlencode(text)
  return (tostring(text):gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function encode(value)
  local kind = type(value)
  if kind == "table" then
    local parts, count = {}, 0
    for _ in pairs(value) do count = count + 1 end
    if count > 0 and count == #value then
      for _, item in ipairs(value) do parts[#parts + 1] = encode(item) end
      return "[" .. table.concat(parts, ",") .. "]"
    end
    for key, item in pairs(value) do parts[#parts + 1] = string.format("%q", tostring(key)) .. ":" .. encode(item) end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif kind == "string" then
    return string.format("%q", value)
  elseif kind == "number" then
    return string.format("%.17g", value)
  end
  return value and "true" or "false"
end

function done(summary, latency, requests)
  local per_thread = {}
  for index, thread in ipairs(threads) do
    per_thread[index] = {
      statuses = thread:get("statuses"), counters = thread:get("counters"),
      samples = thread:get("samples"), bad = thread:get("bad") or {},
    }
  end
  local out = {
    requests = summary.requests, duration_us = summary.duration, errors = summary.errors,
    p50_us = latency:percentile(50), p90_us = latency:percentile(90), p99_us = latency:percentile(99),
    mean_us = latency.mean, max_us = latency.max, threads = per_thread,
  }
  io.write("WRK_JSON ", encode(out), "\n")
end
"""


def lua_literal(value) -> str:
    """A Python value (str, int, float, bool, list, dict of str keys) as a Lua expression."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # JSON string escapes are valid Lua for the ASCII we pass
    if isinstance(value, list | tuple):
        return "{" + ", ".join(lua_literal(item) for item in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{lua_literal(k)}] = {lua_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Lua literal for {value!r}")


def lua_script(body: str, **params) -> Path:
    """A wrk script file: the common part, the parameters as upper-case globals, the bench's body."""
    lines = [COMMON_LUA]
    lines += [f"{name} = {lua_literal(value)}" for name, value in params.items()]
    lines.append(body)
    handle = tempfile.NamedTemporaryFile("w", prefix="wrk-", suffix=".lua", delete=False)  # noqa: SIM115
    with handle:
        handle.write("\n".join(lines))
    return Path(handle.name)


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    errors: dict
    statuses: dict[int, int]
    counters: dict[str, float]
    samples: list[float]
    threads: list[dict] = field(repr=False, default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def rate(self, counter: str) -> float:
        return self.counters.get(counter, 0) / self.seconds

    def socket_errors(self) -> int:
        return sum(v for k, v in self.errors.items() if k != "status")

    def outcome(self) -> str:
        """The statuses answered, and the socket errors if any: the end of a bench's result line."""
        return outcome(self.statuses, self.socket_errors())


def outcome(statuses: dict[int, int], socket_errors: int) -> str:
    return f"statuses {dict(sorted(statuses.items()))}" + (f"   socket errors {socket_errors}" if socket_errors else "")


def _table(value) -> dict:
    # An empty Lua table encodes as {} and a list as [...]: both become a dict here.
    if isinstance(value, list):
        return {i + 1: v for i, v in enumerate(value)}
    return value or {}


def run_wrk(
    url: str, script: Path, *, connections: int = 32, threads: int | None = None, seconds: int = 10
) -> WrkResult:
    """wrk against `url` with the script; one connection per thread unless `threads` says otherwise,
    so a thread's request()/response() hooks follow one connection in turn."""
    threads = threads or connections
    command = [
        ensure_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]
    # Debian's wrk on a fixed argument list; no shell.
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    data = json.loads(line.split(" ", 1)[1])
    statuses: dict[int, int] = {}
    counters: dict[str, float] = {}
    samples: list[float] = []
    per_thread = [_table(t) for t in _table(data["threads"]).values()]
    for thread in per_thread:
        for status, count in _table(thread.get("statuses")).items():
            statuses[int(status)] = statuses.get(int(status), 0) + count
        for name, count in _table(thread.get("counters")).items():
            counters[name] = counters.get(name, 0) + count
        samples.extend(_table(thread.get("samples")).values())
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=_table(data["errors"]),
        statuses=statuses,
        counters=counters,
        samples=sorted(samples),
        threads=per_thread,
    )


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted values (0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def run_on_databases(bench, title: str, doc: str) -> None:
    """The command line of an HTTP bench: `bench(label, url, seconds, warmup, tree)` on a throw-away
    SQLite database and on PostgreSQL, then the verdict of its targets."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="5 s runs")
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--tree", type=Path, help="serve the service from this checkout (before/after comparisons)")
    args = parser.parse_args()
    seconds = 5 if args.quick else args.seconds
    wanted = {name.strip() for name in args.databases.split(",")}
    results = []
    if "sqlite" in wanted:
        with sqlite_database() as url:
            results.append(bench("SQLite", url, seconds, args.warmup, args.tree))
    if "postgresql" in wanted:
        with postgres_database() as url:
            if url is not None:
                results.append(bench("PostgreSQL", url, seconds, args.warmup, args.tree))
    print(f"{title} targets: {verdict(all(results))}")
