"""Run every benchmark in turn and print their figures."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for script in sorted(HERE.glob("*.py")):
    if script.name in {"run_all.py", "common.py"}:
        continue
    print(f"== {script.name}")
    # Our own interpreter on the benchmark scripts of this folder; no shell, no outside input.
    subprocess.run([sys.executable, str(script)], cwd=HERE, check=True)  # noqa: S603
