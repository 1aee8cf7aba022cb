"""Lighthouse scores of the kiosk, the QR survey and the public page, as gunicorn serves the demo.

Lighthouse 12.2.3 from npm (installed in bench/.node by `make bench`) drives Debian's Chromium
(`--headless=new --no-sandbox --disable-gpu`) through its Node API (bench/lighthouse_run.mjs), with
its default settings: a mid-range phone on a throttled 4G connection, simulated. The kiosk is
audited paired: a fresh pairing code is spent first, then its service worker and caches are
cleared so that the audited load is a freshly paired tablet's first one.

Targets (issue 12): performance at least 95 (the median of the runs: it is a timing) and
accessibility 100. The kiosk's viewport forbids zoom on purpose (one citizen's pinch must not stay
for the next on a public tablet; its own "Chữ lớn" button enlarges all text 1.5x and resets with
the screen), so its `meta-viewport` audit is allowed to fail, and only that one: every other audit
must pass. The scores and failing audits are printed and stored in bench/out/lighthouse.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from page_bench import CHROMIUM, ROOT, demo_server, figure, readme_workers, survey_url

HERE = Path(__file__).resolve().parent
NODE_DIR = HERE / ".node"
VERSION = "12.2.3"
PORT = 8831
OUT = HERE / "out" / "lighthouse.json"
# The one audit a page may fail on purpose, with the reason.
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
)
ALLOWED = {"kiosk": {"meta-viewport": "zoom locked on a public tablet; the large-text button replaces it"}}


# Lighthouse 12.2.3's trace engine reads a field of Chromium's PipelineReporter trace events that
# Chromium 137 and later no longer write (GoogleChrome/lighthouse#16513, fixed in later trace
# engines): every trace-based audit (render-blocking resources, layout shifts, the LCP element and
# its lazy-loading, non-composited animations) then errors out. This one-line guard, applied to
# bench/.node once, lets them run on Debian's Chromium; the scores do not depend on it.
TRACE_ENGINE = NODE_DIR / "node_modules/@paulirish/trace_engine/models/trace/handlers/ScreenshotsHandler.js"
TRACE_FIX = (".chrome_frame_reporter.frame_sequence", ".chrome_frame_reporter?.frame_sequence")


def installed_version() -> str | None:
    package = NODE_DIR / "node_modules" / "lighthouse" / "package.json"
    return json.loads(package.read_text())["version"] if package.exists() else None


def ensure_trace_engine_fix() -> None:
    source = TRACE_ENGINE.read_text(encoding="utf-8")
    if TRACE_FIX[0] in source:
        TRACE_ENGINE.write_text(source.replace(*TRACE_FIX), encoding="utf-8")
        print(f"applied to {TRACE_ENGINE.relative_to(ROOT)}: the guard of GoogleChrome/lighthouse#16513")


def not_passing(lhr: dict) -> list[dict]:
    """Audits of the scored categories that do not pass: binary audits below 1, the others below
    0.9 (Lighthouse's green), and audits that could not run (mode "error"). Informative, manual
    and not-applicable audits have no verdict and are left out."""
    found = []
    for category in lhr["categories"].values():
        for ref in category["auditRefs"]:
            audit = lhr["audits"][ref["id"]]
            mode, score = audit["scoreDisplayMode"], audit["score"]
            errored = mode == "error"
            verdict = score is not None and mode not in ("informative", "manual", "notApplicable")
            if errored or (verdict and score < (1 if mode == "binary" else 0.9)):
                found.append(
                    {
                        "id": ref["id"],
                        "category": category["id"],
                        "score": score,
                        "title": audit["title"],
                        "detail": audit.get("errorMessage") or audit.get("displayValue") or "",
                    }
                )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (median performance)")
    parser.add_argument("--quick", action="store_true", help="one run per page")
    args = parser.parse_args()
    if args.quick:
        args.runs = 1
    if installed_version() != VERSION:
        print(f"lighthouse {VERSION} is not installed in {NODE_DIR}: `make bench` installs it")
        figure("lighthouse", 0, "", "installed", False)
        return 0
    ensure_trace_engine_fix()
    from kiosk_bench import pairing_url

    with demo_server(PORT, readme_workers()) as server:
        app = server.app()
        job = {
            "node_dir": str(NODE_DIR),
            "runs": args.runs,
            "pages": [
                {
                    "name": "kiosk",
                    "url": f"{server.base}/kiosk/",
                    "pair_urls": [pairing_url(app, server.base) for _ in range(args.runs)],
                },
                {"name": "survey", "url": survey_url(server)},
                {"name": "public", "url": f"{server.base}/cong-khai"},
            ],
        }
        # Node on our own runner script with a JSON argument we built; no shell.
        done = subprocess.run(  # noqa: S603
            ["node", str(HERE / "lighthouse_run.mjs"), json.dumps(job)],  # noqa: S607 - Node 20 from PATH
            cwd=ROOT,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            capture_output=True,
            text=True,
            timeout=1800,
        )
    if done.returncode != 0:
        print(done.stderr[-4000:])
        figure("lighthouse", 0, "", "ran", False)
        return 0
    output = json.loads(done.stdout)
    results, snapshots = output["runs"], output["snapshots"]
    stored = {"lighthouse": VERSION, "chromium": CHROMIUM, "settings": "default (mobile, simulated throttling)"}
    stored |= {"runs": args.runs, "pages": {}}
    for name, runs in results.items():
        performance = [round(lhr["categories"]["performance"]["score"] * 100) for lhr in runs]
        accessibility = [round(lhr["categories"]["accessibility"]["score"] * 100) for lhr in runs]
        audits: dict[str, dict] = {}
        for lhr in runs:
            for audit in not_passing(lhr):
                audits.setdefault(audit["id"], audit)
        allowed = ALLOWED.get(name, {})
        # Accessibility audits must all pass (but the allowed one); so must every audit run.
        failing = [
            a
            for a in audits.values()
            if a["id"] not in allowed and (a["category"] == "accessibility" or a["score"] is None)
        ]
        # Performance audits below green are advice: the score is what the target holds.
        advice = [a for a in audits.values() if a["category"] == "performance" and a["score"] is not None]
        metrics = {key: runs[0]["audits"][key]["displayValue"] for key in METRICS}
        stored["pages"][name] = {
            "url": runs[0]["finalDisplayedUrl"],
            "performance": performance,
            "accessibility": accessibility,
            "metrics_first_run": metrics,
            "failing_audits": failing,
            "allowed_failing_audits": [dict(audits[key], reason=why) for key, why in allowed.items() if key in audits],
            "performance_advice": advice,
        }
        print(f"{name}: {runs[0]['finalDisplayedUrl']}")
        print(f"  performance {performance}, accessibility {accessibility} ({len(runs)} run(s))")
        print("  first run: " + ", ".join(f"{key} {value}" for key, value in metrics.items()))
        for audit in audits.values():
            kind = "allowed" if audit["id"] in allowed else ("advice" if audit in advice else "FAILING")
            reason = f" - {allowed[audit['id']]}" if audit["id"] in allowed else ""
            print(f"  {kind} [{audit['category']}] {audit['id']}: {audit['detail'] or audit['title']}{reason}")
        median = statistics.median(performance)
        figure(f"lighthouse {name} performance (median)", median, "", ">= 95", median >= 95)
        worst = min(accessibility)
        if allowed:
            target = f"100, or only {', '.join(allowed)} failing"
            ok = worst == 100 or all(a["id"] in allowed for a in audits.values() if a["category"] == "accessibility")
        else:
            target, ok = "100", worst == 100
        figure(f"lighthouse {name} accessibility", worst, "", target, ok)
        figure(f"lighthouse {name} audits failing or not run, beyond the allowed", len(failing), "", "0", not failing)
    for name in dict.fromkeys(shot["page"] for shot in snapshots):
        allowed = ALLOWED.get(name, {})
        shots = [shot for shot in snapshots if shot["page"] == name]
        failing, lines = [], []
        for shot in shots:
            score = round(shot["lhr"]["categories"]["accessibility"]["score"] * 100)
            audits = not_passing(shot["lhr"])
            failing += [dict(a, screen=shot["screen"]) for a in audits if a["id"] not in allowed]
            seen = ", ".join(f"{key} {value}" for key, value in shot["state"].items() if value not in (None, False, 0))
            found = "".join(f"; {a['id']}" for a in audits)
            lines.append(f"  {shot['screen']} ({seen}): accessibility {score}{found}")
        stored["pages"][name]["screens"] = {
            shot["screen"]: round(shot["lhr"]["categories"]["accessibility"]["score"] * 100) for shot in shots
        }
        stored["pages"][name]["screens_failing_audits"] = failing
        print(f"{name}, other screens (accessibility snapshots):")
        print("\n".join(lines))
        for audit in failing:
            print(f"  FAILING [{audit['screen']}] {audit['id']}: {audit['detail'] or audit['title']}")
        figure(
            f"lighthouse {name}: audits failing on its other {len(shots)} screens, beyond the allowed",
            len(failing),
            "",
            "0",
            not failing,
        )
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(stored, indent=2, ensure_ascii=False))
    print(f"stored: {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
