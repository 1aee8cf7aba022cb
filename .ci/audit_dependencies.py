"""pip-audit over the pinned requirements, for .ci/run: exit 1 when a vulnerability is found,
exit 0 with a clear line when the vulnerability service could not be reached or could not answer.

pip-audit alone cannot tell these apart: where PyPI's per-version JSON (/pypi/NAME/VERSION/json)
answers 404, as behind a mirror or proxy that only serves the package index, it skips every package
and still prints "No known vulnerabilities found" with exit 0; where api.osv.dev is unreachable it
exits 1 with a traceback, as it does for a real finding. So the JSON report decides.

Usage: .venv/bin/python .ci/audit_dependencies.py requirements.txt requirements-dev.txt
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

SERVICES = ("pypi", "osv")
# What requests, urllib3 and pip-audit's services say when the service cannot be reached or answer.
UNREACHABLE = (
    "ConnectionError",
    "NameResolutionError",
    "Max retries exceeded",
    "Could not connect",
    "ServiceError",
    "Timeout",
    "timed out",
)


def run_pip_audit(service: str, requirements: list[str]) -> tuple[int, dict | None, str]:
    """(exit status, the JSON report or None when none was written, standard error)."""
    with tempfile.TemporaryDirectory() as directory:
        report = Path(directory) / "report.json"
        arguments = [f"-r{name}" for name in requirements]
        command = [sys.executable, "-m", "pip_audit", "--progress-spinner=off", "--format=json"]
        command += [f"--vulnerability-service={service}", f"--output={report}", *arguments]
        # Our own interpreter and fixed options; the requirement files are this script's arguments.
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        text = report.read_text() if report.exists() else ""
    return result.returncode, json.loads(text) if text.strip() else None, result.stderr


def last_error_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def verdict(status: int, report: dict | None, stderr: str) -> tuple[str, str]:
    """('vulnerable' | 'clean' | 'unreachable' | 'failed', the message to print)."""
    dependencies = (report or {}).get("dependencies", [])
    found = [d for d in dependencies if d.get("vulns")]
    if found:
        lines = [
            f"{d['name']} {d['version']}: {v['id']} (fixed in {', '.join(v['fix_versions']) or 'no release yet'})"
            for d in found
            for v in d["vulns"]
        ]
        return "vulnerable", "pip-audit found known vulnerabilities:\n  " + "\n  ".join(lines)
    if status != 0:
        unreachable = any(marker in stderr for marker in UNREACHABLE)
        return ("unreachable" if unreachable else "failed"), last_error_line(stderr)
    skipped = [d for d in dependencies if "skip_reason" in d]
    if skipped:
        example = skipped[0]["skip_reason"]
        return "unreachable", f"{len(skipped)} of {len(dependencies)} packages could not be audited (e.g. {example})"
    return "clean", "pip-audit: no known vulnerabilities in the pinned requirements"


def main(requirements: list[str]) -> int:
    problems = []
    for service in SERVICES:
        kind, message = verdict(*run_pip_audit(service, requirements))
        if kind == "vulnerable":
            print(message, file=sys.stderr)
            return 1
        if kind == "failed":
            print(f"pip-audit failed ({service}): {message}", file=sys.stderr)
            return 1
        if kind == "clean":
            print(f"{message} (service: {service})")
            return 0
        problems.append(f"{service}: {message}")
    # Not a failure of the code under test: say so loudly, and let the rest of CI decide.
    print("pip-audit could not reach its vulnerability service: " + "; ".join(problems))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["requirements.txt", "requirements-dev.txt"]))
