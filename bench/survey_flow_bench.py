"""The QR citizen's whole flow under a crowd, through gunicorn, on SQLite and PostgreSQL.

32 visitors at once (wrk: one connection per thread, each thread one visitor after another). A
flow is GET /s/<point token> (a point of the demo province, in turn), then POST of that form with
the CSRF token and hidden fields read from the page and the session cookie the GET set, every
criterion scored (every 8th visitor low, with a reason). Nothing is carried from one flow to the
next (no cookie: neither the session nor the "rated recently" cookie the thanks redirect sets), so
each flow is a fresh visitor and none is flagged as a repeat. A flow succeeds on the POST's 302 to
the thanks page.

Printed: flows per second (target >= 280 on this 2-core machine, 20x LimeSurvey's 13.9/s), the
flow's p50/p99 (GET sent to POST answered) and wrk's per-request p50/p99, against a bare Flask
form flow measured in the same run (bench/baseline_app.py: GET /form sets a token in the session,
POST /form checks it and does one INSERT); and whether every successful POST is stored once
(stored QR answers of the run == 302s, none flagged), the few POSTs still in flight when wrk
stopped aside.
"""

from __future__ import annotations

import time
from pathlib import Path

from common import figure
from load import (
    Prepared,
    baseline,
    lua_script,
    percentile,
    prepare_database,
    query,
    readme_workers,
    run_on_databases,
    run_wrk,
    service,
    verdict,
)

SERVICE_PORT = 8812
BASELINE_PORT = 8813
CONNECTIONS = 32
TARGET = 280
LOW_EVERY = 8

FLOW_LUA = r"""
local phase = "get"
local path, cookie, body, started
local flows = 0

local function header(headers, name)
  for key, value in pairs(headers) do
    if key:lower() == name then return value end
  end
end

function request()
  if phase == "get" then
    flows = flows + 1
    started = now_us()
    path = PREFIX .. POINTS[(tid + flows) % #POINTS + 1]
    bump("gets")
    return wrk.format("GET", path)
  end
  bump("posts")
  return wrk.format("POST", path, {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie}, body)
end

function response(status, headers, page)
  count_status(status)
  if phase == "get" then
    local set = header(headers, "set-cookie")
    if status ~= 200 or not set then bump("bad_get") return end
    cookie = set:match("^[^;]+")
    local fields = {}
    for tag in page:gmatch("<input[^>]->") do
      if tag:find('type="hidden"', 1, true) then
        local name, value = tag:match('name="([^"]*)"'), tag:match('value="([^"]*)"')
        if name and value then fields[#fields + 1] = urlencode(name) .. "=" .. urlencode(value) end
      end
    end
    local low = flows % LOW_EVERY == 0
    for _, code in ipairs(CRITERIA) do
      fields[#fields + 1] = FIELD_PREFIX .. code .. "=" .. (low and LOW or HIGH)
    end
    if low and REASON ~= "" then fields[#fields + 1] = "reasons=" .. REASON end
    body = table.concat(fields, "&")
    phase = "post"
  else
    phase = "get"
    if status == 302 then
      bump("flows")
      samples[#samples + 1] = now_us() - started
    else
      bump("bad_post")
    end
  end
end
"""


def script(prepared: Prepared | None, prefix: str, points: list[str], field_prefix: str):
    return lua_script(
        FLOW_LUA,
        PREFIX=prefix,
        POINTS=points,
        CRITERIA=prepared.criteria if field_prefix else ["q"],
        FIELD_PREFIX=field_prefix,
        HIGH=max(prepared.scores),
        LOW=2,
        REASON=prepared.reasons[0] if field_prefix else "",
        LOW_EVERY=LOW_EVERY,
    )


def stored_qr(url: str) -> tuple[int, int]:
    row = query(url, "SELECT count(*), count(flag) FROM responses WHERE channel = 'qr'")[0]
    return int(row[0]), int(row[1])


def line(name: str, result) -> None:
    flows = result.rate("flows")
    print(
        f"  {name:<24} {flows:7,.0f} flows/s   flow p50 {percentile(result.samples, 50) / 1000:6.1f} ms"
        f"   p99 {percentile(result.samples, 99) / 1000:6.1f} ms   requests p50 {result.p50_ms:5.1f} ms"
        f" p99 {result.p99_ms:6.1f} ms   {result.outcome()}"
    )


def bench(label: str, url: str, seconds: int, warmup: int, tree: Path | None = None) -> bool:
    prepared = prepare_database(url)
    print(
        f"== QR survey flow on {label}: gunicorn --workers {readme_workers()}, {CONNECTIONS} visitors at once, "
        f"{seconds} s, {len(prepared.point_tokens)} points"
    )
    base_lua = script(prepared, "/form?p=", prepared.point_tokens, "")
    with baseline(BASELINE_PORT, url) as server:
        run_wrk(server.base + "/form", base_lua, connections=CONNECTIONS, seconds=warmup)
        base = run_wrk(server.base + "/form", base_lua, connections=CONNECTIONS, seconds=seconds)
    time.sleep(1)
    lua = script(prepared, "/s/", prepared.point_tokens, "q_")
    with service(SERVICE_PORT, url, tree) as server:
        run_wrk(server.base + "/", lua, connections=CONNECTIONS, seconds=warmup)
        time.sleep(1)
        stored_before, flagged_before = stored_qr(url)
        flows = run_wrk(server.base + "/", lua, connections=CONNECTIONS, seconds=seconds)
    stored_after, flagged_after = stored_qr(url)
    line("bare Flask form flow", base)
    line("QR survey flow", flows)
    rate, base_rate = flows.rate("flows"), base.rate("flows")
    successes = int(flows.counters.get("flows", 0))
    in_flight = int(flows.counters.get("posts", 0) - flows.counters.get("flows", 0) - flows.counters.get("bad_post", 0))
    stored, flagged = stored_after - stored_before, flagged_after - flagged_before
    once = successes <= stored <= successes + in_flight and flagged == 0 and not flows.counters.get("bad_post")
    print(f"  flows/s                  {rate:7,.0f}   (target >= {TARGET})   {verdict(rate >= TARGET)}")
    print(f"  against the bare flow    {rate / base_rate if base_rate else 0:7.2f}x")
    print(
        f"  stored once              {successes:,} flows answered 302, {stored:,} QR answers stored "
        f"({in_flight} POSTs still in flight when wrk stopped), {flagged} flagged: {verdict(once)}"
    )
    tag = f"survey flow {label}"
    figure(f"{tag} flows/s", f"{rate:.0f}", f">= {TARGET}", rate >= TARGET)
    figure(
        f"{tag} flow p50/p99 ms",
        f"{percentile(flows.samples, 50) / 1000:.1f}/{percentile(flows.samples, 99) / 1000:.1f}",
        "reported",
        True,
    )
    figure(f"{tag} flows vs bare Flask form flow", f"{rate / base_rate if base_rate else 0:.2f}x", "reported", True)
    figure(f"{tag} every flow stored once", "yes" if once else "no", "yes", once)
    return rate >= TARGET and once


def main() -> None:
    run_on_databases(bench, "QR survey flow", __doc__)


if __name__ == "__main__":
    main()
