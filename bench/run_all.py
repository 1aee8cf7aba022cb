"""`make bench`: run every benchmark of this folder in turn, then print each figure against its
target, collected from the lines the scripts print as `FIGURE <name>: <value> (target <t>) OK|FAIL`.

Each script compares against a baseline measured in the same run (these machines are shared and
noisy). Options: `--only NAME` (a script's name, repeatable), `--quick` (passed to the scripts that
take it: smaller data, shorter runs). The summary is also written to bench/out/summary.txt.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
# In the order the issue lists them: ingest, the QR crowd, reports at scale, pages, memory, nginx.
SCRIPTS = (
    "ingest_bench.py",
    "survey_flow_bench.py",
    "report_query.py",
    "report_scale.py",
    "page_bench.py",
    "lighthouse_bench.py",
    "kiosk_bench.py",
    "memory_bench.py",
    "nginx_bench.py",
)
QUICK = {"report_scale.py", "ingest_bench.py", "survey_flow_bench.py", "nginx_bench.py", "report_query.py"}


def _machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    cores = len([line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("processor")])
    return f"{cores} cores, {cpu}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    chosen = [s for s in SCRIPTS if not args.only or s in args.only or s.removesuffix(".py") in args.only]
    figures: list[str] = []
    failed: list[str] = []
    started = time.perf_counter()
    for name in chosen:
        script = HERE / name
        if not script.exists():
            failed.append(f"{name}: missing")
            continue
        print(f"== {name}", flush=True)
        command = [sys.executable, str(script)] + (["--quick"] if args.quick and name in QUICK else [])
        # Our own interpreter on the benchmark scripts of this folder; no shell, no outside input.
        process = subprocess.Popen(command, cwd=HERE, stdout=subprocess.PIPE, text=True)  # noqa: S603
        for line in process.stdout:
            print(line, end="", flush=True)
            if line.startswith("FIGURE "):
                figures.append(f"[{name.removesuffix('.py')}] {line[7:].rstrip()}")
        if process.wait() != 0:
            failed.append(f"{name}: exit {process.returncode}")
    lines = [
        f"make bench — {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} — {_machine()}",
        f"{len(figures)} figures, {sum(f.endswith(' OK') for f in figures)} on target, "
        f"{sum(f.endswith(' FAIL') for f in figures)} off target; {time.perf_counter() - started:.0f} s",
        *figures,
        *(f"SCRIPT FAILED {entry}" for entry in failed),
    ]
    print("\n== summary\n" + "\n".join(lines))
    (HERE / "out").mkdir(exist_ok=True)
    (HERE / "out" / "summary.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
