"""Kiosk answers through nginx to two gunicorn instances, against one instance directly, same run.

The deployment of README's Production section on one machine: deploy/nginx.conf (TLS, as in
production, with a certificate made for the run) in front of two `gunicorn wsgi:app` instances on
loopback sharing one PostgreSQL database and SECRET_KEY. The comparison is one instance with
README's worker count, reached directly; the two instances get half of those workers each, so both
set-ups have the same workers on this 2-core machine and the figure is what nginx and the second
instance cost (on two machines the second instance would bring its own cores).

wrk (32 connections) posts kiosk answers with bench/ingest_bench.py's script: a fresh UUID per
request, every criterion scored, one paired tablet per demo point. Printed: answers/s and p50/p99
through nginx and directly, their ratio, how nginx spread the answers over the instances, and
whether every 201 is stored exactly once (the ids wrk saw answered 201 against the database's).
Rate limits are off for the run (RATELIMIT_ENABLED=false, as in the ingest bench): the load is a few
tablets sending thousands of answers a minute each, which the per-tablet limit would refuse.
`--quick` (from `bench/run_all.py --quick`) measures 4 s rounds.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import tempfile
from pathlib import Path

from common import figure
from ingest_bench import CONNECTIONS, check_once, script
from load import Gunicorn, outcome, postgres_database, prepare_database, readme_workers, run_wrk, service, verdict

from tests.servers import Nginx

NGINX_PORT = 8820
DIRECT_PORT = 8821
INSTANCE_PORTS = (8822, 8823)
PATH = "/api/v1/kiosk/responses"


def line(name: str, runs: list) -> tuple[float, float]:
    """One set-up's rounds: answers/s over all of them, and the mean of their p99s."""
    rate = sum(r.counters.get("created", 0) for r in runs) / sum(r.seconds for r in runs)
    p99 = sum(r.p99_ms for r in runs) / len(runs)
    p50 = sum(r.p50_ms for r in runs) / len(runs)
    statuses: dict[int, int] = {}
    for run in runs:
        for status, count in run.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    errors = sum(r.socket_errors() for r in runs)
    print(f"  {name:<30} {rate:8,.0f} answers/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   {outcome(statuses, errors)}")
    return rate, p99


def measure(base: str, prepared, seconds: int):
    nonce = secrets.token_hex(4)
    return run_wrk(base + PATH, script(prepared, PATH, nonce), connections=CONNECTIONS, seconds=seconds), nonce


def bench(url: str, seconds: int, warmup: int, rounds: int) -> bool:
    prepared = prepare_database(url)
    workers = readme_workers()
    half = max(1, workers // 2)
    key = "bench-" + secrets.token_hex(16)  # one SECRET_KEY for every instance, as in production
    print(
        f"== kiosk answers through nginx on PostgreSQL: wrk {CONNECTIONS} connections, {rounds} x {seconds} s "
        f"per set-up (alternated), {len(prepared.device_tokens)} tablets"
    )
    workdir = Path(tempfile.mkdtemp(prefix="nginx-bench-"))
    one = service(DIRECT_PORT, url, SECRET_KEY=key)
    instances = [
        Gunicorn("wsgi:app", port, url, workers=half, SECRET_KEY=key, PROXY_COUNT="1") for port in INSTANCE_PORTS
    ]
    nginx = Nginx(workdir, list(INSTANCE_PORTS), tls=True, port=NGINX_PORT)
    doors = {"direct": one.base, "nginx": f"https://127.0.0.1:{NGINX_PORT}"}
    runs: dict[str, list] = {"direct": [], "nginx": []}
    try:
        for server in (one, *instances):
            server.start()
        nginx.start()
        for base in doors.values():  # warm every worker up
            run_wrk(base + PATH, script(prepared, PATH, secrets.token_hex(4)), seconds=warmup)
        # direct, nginx, nginx, direct, ...: a drift of the shared machine's load weighs on both alike.
        for number in range(rounds):
            order = ("direct", "nginx") if number % 2 == 0 else ("nginx", "direct")
            for name in order:
                runs[name].append(measure(doors[name], prepared, seconds))
        spread = nginx.upstreams_served()
    finally:
        nginx.stop()
        for server in (one, *instances):
            server.__exit__(None, None, None)
        shutil.rmtree(workdir, ignore_errors=True)

    direct_rate, direct_p99 = line(f"one instance ({workers} workers)", [r for r, _ in runs["direct"]])
    nginx_rate, nginx_p99 = line(f"nginx + 2 instances ({half}+{half})", [r for r, _ in runs["nginx"]])
    ratio = nginx_rate / direct_rate if direct_rate else 0.0
    p99_ratio = nginx_p99 / direct_p99 if direct_p99 else float("inf")
    print(
        f"  through nginx / direct         {ratio:5.2f}x answers/s, {p99_ratio:5.2f}x p99 (same workers, one machine)"
    )
    served = {address: spread.get(address, 0) for address in (f"127.0.0.1:{port}" for port in INSTANCE_PORTS)}
    both = all(count > 0 for count in served.values())
    print(f"  answers per instance           {served} (warm-up included): both served {verdict(both)}")
    once = True
    for name, pairs in runs.items():
        for number, (result, nonce) in enumerate(pairs, start=1):
            once = check_once(f"{name} round {number}", result, url, "responses", nonce) and once
    clean = all(set(r.statuses) == {201} and not r.socket_errors() for r, _ in runs["nginx"])
    print(f"  every answer 201 through nginx {verdict(clean)}")
    # The issue sets no speed target for this deployment on one machine: the figure is informational.
    print(
        f"FIGURE nginx kiosk answers/s through nginx to 2 instances: {nginx_rate:,.0f}/s, {ratio:.2f}x one instance"
        f" direct ({direct_rate:,.0f}/s); p99 {nginx_p99:.0f} ms, {p99_ratio:.2f}x direct ({direct_p99:.0f} ms)"
        " (no target: informational)",
        flush=True,
    )
    figure("nginx every 201 stored exactly once", "yes" if once else "no", "yes", once)
    figure("nginx answers refused or lost through nginx", "none" if clean else "some", "none", clean)
    shares = " / ".join(str(count) for count in served.values())
    figure("nginx answers served per instance", shares, "both > 0", both)
    return once and both and clean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2, help="measured runs of each set-up, alternated")
    parser.add_argument("--quick", action="store_true", help="4 s runs, 1 s warm-up")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.warmup = 4, 1
    with postgres_database() as url:
        if url is None:
            raise SystemExit("nginx bench: no PostgreSQL (set BENCH_DATABASE_URL or start one on 127.0.0.1:5432)")
        ok = bench(url, args.seconds, args.warmup, args.rounds)
    print(f"nginx targets: {verdict(ok)}")


if __name__ == "__main__":
    main()
