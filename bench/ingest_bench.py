"""Kiosk ingest through gunicorn against a bare Flask INSERT, same run, on SQLite and PostgreSQL.

wrk (32 connections, one per thread) posts kiosk answers to POST /api/v1/kiosk/responses: a fresh
UUID per request, the active survey's id, every criterion scored (every 8th answer low with a
reason, as a citizen who is not satisfied leaves it), the tablet's Bearer token. One tablet is
paired per point of the demo province and the requests go round them; each tablet's answers are
dated 120 s apart (answered_at, as the tablets send it), so none is a double tap (misuse) and each
point's alert window holds a busy desk's answers, as at real desks. The baseline is
bench/baseline_app.py's POST /insert: the same bodies, parsed and stored by one raw INSERT, served
by the same gunicorn settings on the same database, measured just before.

Printed: answers per second, the ratio to the baseline (target >= 0.5), p50/p99 and p99 against the
baseline's (target <= 2x), and whether every 201 is stored exactly once: the ids of the answers
wrk saw answered 201 (reconstructed per wrk thread) against the ids in the database.
"""

from __future__ import annotations

import secrets
import time
import uuid
from pathlib import Path

from common import figure
from load import (
    Prepared,
    baseline,
    lua_script,
    prepare_database,
    query,
    readme_workers,
    run_on_databases,
    run_wrk,
    service,
    verdict,
)

SERVICE_PORT = 8810
BASELINE_PORT = 8811
CONNECTIONS = 32
SPACING_SECONDS = 120
LOW_EVERY = 8

INGEST_LUA = r"""
counter = 0
received = 0
bad = {}
local base = os.time() - BACK

function request()
  counter = counter + 1
  bump("sent")
  local k = counter * 64 + tid
  local device = k % #TOKENS + 1
  local at = os.date("!%Y-%m-%dT%H:%M:%S+00:00", base - math.floor(k / #TOKENS) * SPACING)
  local id = string.format("%s-%04x-4000-8000-%012x", NONCE, tid, counter)
  local low = counter % LOW_EVERY == 0
  local parts = {}
  for i, code in ipairs(CRITERIA) do
    local score = low and LOW or HIGH[(counter + i) % #HIGH + 1]
    parts[#parts + 1] = '"' .. code .. '":' .. score
  end
  local reasons = low and ('"reasons":["' .. REASON .. '"],') or ""
  local body = '{"id":"' .. id .. '","survey":' .. SURVEY .. ',"answers":{' .. table.concat(parts, ",") .. '},'
    .. reasons .. '"answered_at":"' .. at .. '"}'
  return wrk.format("POST", PATH, {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. TOKENS[device]}, body)
end

function response(status, headers, body)
  received = received + 1
  bump("received")
  count_status(status)
  if status == 201 then bump("created") else bad[received] = status end
end
"""


def script(prepared: Prepared, path: str, nonce: str, back: int = 0):
    """`back`: seconds before now where this run's answers start, so that runs on one database
    (the warm-up, then the measured run) never date two answers of a tablet within seconds."""
    return lua_script(
        INGEST_LUA,
        BACK=back,
        PATH=path,
        NONCE=nonce,
        TOKENS=prepared.device_tokens,
        SURVEY=prepared.survey_id,
        CRITERIA=prepared.criteria,
        HIGH=[s for s in prepared.scores if s >= 4] or [max(prepared.scores)],
        LOW=2,
        REASON=prepared.reasons[0],
        LOW_EVERY=LOW_EVERY,
        SPACING=SPACING_SECONDS,
    )


def expected_ids(result, nonce: str) -> tuple[set[str], set[str]]:
    """(ids answered 201, ids sent but unanswered when wrk stopped). One connection per thread, so
    a thread's answers come back in the order of its requests. wrk calls the first thread's
    request() once before the run to check the script (`script_verify_request`): that body is
    never sent, so the first thread's requests start at its second counter."""
    created, unanswered = set(), set()
    for tid, thread in enumerate(result.threads, start=1):
        counters = thread.get("counters") or {}
        sent, received = int(counters.get("sent", 0)), int(counters.get("received", 0))
        first = 2 if tid == 1 else 1
        bad = {int(k) for k in (thread.get("bad") or {})}
        for number, counter in enumerate(range(first, sent + 1), start=1):
            key = f"{nonce}-{tid:04x}-4000-8000-{counter:012x}"
            if number > received:
                unanswered.add(key)
            elif number not in bad:
                created.add(key)
    return created, unanswered


def stored_ids(url: str, table: str, nonce: str) -> list[str]:
    # Table names are constants of this file; the prefix travels as a parameter.
    rows = query(url, f"SELECT id FROM {table} WHERE CAST(id AS VARCHAR(64)) LIKE :p", p=f"{nonce}%")  # noqa: S608
    return [str(uuid.UUID(str(row[0]))) for row in rows]


def check_once(name: str, result, url: str, table: str, nonce: str) -> bool:
    created, unanswered = expected_ids(result, nonce)
    stored_list = stored_ids(url, table, nonce)
    stored = set(stored_list)
    missing = created - stored
    extra = stored - created - unanswered
    ok = not missing and not extra and len(stored_list) == len(stored)
    print(
        f"  {name:<22} {len(created):,} answered 201, {len(stored):,} stored "
        f"({len(stored & unanswered)} of {len(unanswered)} still in flight when wrk stopped): "
        f"{'every 201 stored exactly once' if ok else f'{len(missing)} missing, {len(extra)} unexpected'}"
    )
    return ok


def measure(server, prepared: Prepared, path: str, seconds: int, warmup: int):
    """Warm the workers up, then the measured run; returns (result, nonce of the measured run)."""
    with server:
        run_wrk(server.base + path, script(prepared, path, secrets.token_hex(4), back=4 * 86400), seconds=warmup)
        nonce = secrets.token_hex(4)
        result = run_wrk(server.base + path, script(prepared, path, nonce), connections=CONNECTIONS, seconds=seconds)
    return result, nonce


def line(name: str, result, created: float) -> None:
    print(
        f"  {name:<22} {created:8,.0f} answers/s   p50 {result.p50_ms:6.1f} ms   p99 {result.p99_ms:6.1f} ms"
        f"   {result.outcome()}"
    )


def bench(label: str, url: str, seconds: int, warmup: int, tree: Path | None = None) -> bool:
    prepared = prepare_database(url)
    print(
        f"== ingest on {label}: gunicorn --workers {readme_workers()}, wrk {CONNECTIONS} connections, {seconds} s, "
        f"{len(prepared.device_tokens)} tablets"
    )
    base, base_nonce = measure(baseline(BASELINE_PORT, url), prepared, "/insert", seconds, warmup)
    time.sleep(1)
    kiosk, kiosk_nonce = measure(service(SERVICE_PORT, url, tree), prepared, "/api/v1/kiosk/responses", seconds, warmup)
    base_rate, kiosk_rate = base.rate("created"), kiosk.rate("created")
    line("bare INSERT baseline", base, base_rate)
    line("kiosk answers", kiosk, kiosk_rate)
    ratio = kiosk_rate / base_rate if base_rate else 0.0
    p99_ratio = kiosk.p99_ms / base.p99_ms if base.p99_ms else float("inf")
    print(f"  ratio to baseline      {ratio:5.2f}x   (target >= 0.5)   {verdict(ratio >= 0.5)}")
    print(f"  p99 against baseline   {p99_ratio:5.2f}x   (target <= 2)     {verdict(p99_ratio <= 2)}")
    flagged = query(
        url,
        "SELECT count(*) FROM responses WHERE flag IS NOT NULL AND CAST(id AS VARCHAR(64)) LIKE :p",
        p=f"{kiosk_nonce}%",
    )[0][0]
    print(f"  flagged (misuse, clock) {flagged} of the run's answers (expected 0)")
    once = check_once("kiosk answers", kiosk, url, "responses", kiosk_nonce) and flagged == 0
    once = check_once("baseline rows", base, url, "bench_baseline", base_nonce) and once
    tag = f"ingest {label}"
    figure(f"{tag} answers/s", f"{kiosk_rate:.0f} vs bare INSERT {base_rate:.0f}", "reported", True)
    figure(f"{tag} answers/s ratio to bare INSERT", f"{ratio:.2f}x", ">= 0.5x", ratio >= 0.5)
    figure(
        f"{tag} p99 against bare INSERT p99",
        f"{kiosk.p99_ms:.1f} ms vs {base.p99_ms:.1f} ms = {p99_ratio:.2f}x",
        "<= 2x",
        p99_ratio <= 2,
    )
    figure(f"{tag} every 201 stored exactly once", "yes" if once else "no", "yes", once)
    return ratio >= 0.5 and p99_ratio <= 2 and once


def main() -> None:
    run_on_databases(bench, "ingest", __doc__)


if __name__ == "__main__":
    main()
