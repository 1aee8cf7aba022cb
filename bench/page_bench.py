"""First-load weight of the citizens' pages as gunicorn serves them, and no third-party request.

gunicorn (the worker count README's deployment gives) serves the demo province built by
`flask db upgrade` and `flask demo-data`, as `make run` does (its sample answers and its published
sơ kết included). Debian's Chromium loads each page once in a fresh browser context (empty caches)
and every request's body plus headers is counted, as Chromium received it:

- the kiosk: a freshly paired tablet's first load of /kiosk/ (the shell, its assets, the survey
  JSON, the manifest, the service worker and its precache), measured by kiosk_bench.weigh;
- the QR survey page /s/<token> of the demo point;
- the public page /cong-khai with its charts.

Budgets (issue 12): kiosk 100 KiB, survey 30 KiB, public page 150 KiB; and not one request to a
host other than the server. The other page benches (lighthouse_bench, memory_bench) reuse the
server set-up below.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
PORT = 8830
KIOSK_POINT = "H-HOIAN-P1"
SURVEY_POINT = "TTT-VP-P1"
BUDGETS_KIB = {"kiosk": 100, "survey": 30, "public": 150}

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def readme_workers() -> int:
    """The gunicorn worker count README's deployment recommends (`gunicorn --workers N`)."""
    found = re.search(r"gunicorn --workers (\d+)", (ROOT / "README.md").read_text(encoding="utf-8"))
    if not found:
        raise SystemExit("README.md no longer gives `gunicorn --workers N`")
    return int(found.group(1))


@dataclass
class Server:
    base: str
    env: dict[str, str]
    process: subprocess.Popen
    folder: Path

    def app(self):
        """An app on the server's database, for set-up the server then sees (pairing codes)."""
        from app import create_app

        return create_app(
            {
                "SQLALCHEMY_DATABASE_URI": self.env["DATABASE_URL"],
                "SECRET_KEY": self.env["SECRET_KEY"],
                "PUBLIC_BASE_URL": self.base,
                "EXPORT_DIR": self.env["EXPORT_DIR"],
                "EVIDENCE_DIR": self.env["EVIDENCE_DIR"],
            }
        )

    def flask(self, *args: str) -> str:
        # Our own venv's flask with fixed arguments; no shell, no outside input.
        done = subprocess.run(  # noqa: S603
            [str(BIN / "flask"), *args], cwd=ROOT, env=self.env, capture_output=True, text=True, check=True
        )
        return done.stdout

    def worker_pids(self) -> list[int]:
        """The gunicorn master's children: its workers."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended meanwhile
                continue
            if int(fields[1]) == self.process.pid:  # field 4 of stat: the parent's pid
                pids.append(int(stat.parent.name))
        return sorted(pids)


@contextmanager
def demo_server(
    port: int, workers: int | None = None, gunicorn_args: tuple[str, ...] = (), responses: int = 0
) -> Iterator[Server]:
    """The demo province in a fresh SQLite database (plus `responses` bulk answers), served by
    gunicorn on 127.0.0.1:`port`; stopped (master and workers) and deleted at the end."""
    folder = Path(tempfile.mkdtemp(prefix="page-bench-"))
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3",
        "SECRET_KEY": "bench-page",
        "PUBLIC_BASE_URL": base,
        "EXPORT_DIR": str(folder / "exports"),
        "EVIDENCE_DIR": str(folder / "evidence"),
        "RATELIMIT_ENABLED": "false",
    }
    process = None
    log = (folder / "gunicorn.log").open("wb")
    try:
        server = Server(base, env, None, folder)  # type: ignore[arg-type]
        server.flask("db", "upgrade")
        server.flask("demo-data", *(["--responses", str(responses)] if responses else []))
        command = [str(BIN / "gunicorn"), "--workers", str(workers or readme_workers())]
        command += ["--bind", f"127.0.0.1:{port}", *gunicorn_args, "wsgi:app"]
        # Our own venv's gunicorn on loopback; no shell, no outside input.
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603
        server.process = process
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:  # noqa: S310 - our loopback server
                    if answer.status == 200 and len(server.worker_pids()) == (workers or readme_workers()):
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start:\n{(folder / 'gunicorn.log').read_text()[-3000:]}")
            time.sleep(0.3)
        yield server
    finally:
        if process is not None:
            process.terminate()  # the master stops its workers
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def survey_url(server: Server) -> str:
    from core.extensions import db
    from core.links import survey_url as url_of
    from core.models import Point

    app = server.app()
    with app.app_context():
        return url_of(db.session.scalar(db.select(Point).where(Point.code == SURVEY_POINT)))


def figure(name: str, value: float, unit: str, target: str, ok: bool) -> None:
    shown = f"{value:g} {unit}".strip()
    print(f"FIGURE {name}: {shown} (target {target}) {'OK' if ok else 'FAIL'}")


def load(browser, base: str, path: str, viewport: dict) -> tuple[list[tuple[str, int]], list[str]]:
    """One first load of `path` in a fresh context: [(url, body + headers)], and every URL asked."""
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    finished, asked = [], []
    context.on("requestfinished", lambda request: finished.append(request))
    context.on("request", lambda request: asked.append(request.url))
    page = context.new_page()
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    rows = []
    for request in finished:
        sizes = request.sizes()
        rows.append((request.url.replace(base, ""), sizes["responseBodySize"] + sizes["responseHeadersSize"]))
    context.close()
    return rows, asked


def foreign(base: str, urls: list[str]) -> list[str]:
    """URLs of another host than the server's (inline data: URLs are no request)."""
    return [url for url in urls if not url.startswith(base + "/") and not url.startswith("data:")]


def main() -> int:
    from kiosk_bench import weigh
    from playwright.sync_api import sync_playwright

    workers = readme_workers()
    with demo_server(PORT, workers) as server, sync_playwright() as playwright:
        print(f"gunicorn --workers {workers} on {server.base}, demo province (sample answers, published sơ kết)")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        app = server.app()
        kiosk_asked: list[str] = []
        total, rows = weigh(browser, app, server.base, asked=kiosk_asked)
        pages = {"kiosk": (rows, kiosk_asked)}
        phone = {"width": 390, "height": 844}
        pages["survey"] = load(browser, server.base, survey_url(server).replace(server.base, ""), phone)
        pages["public"] = load(browser, server.base, "/cong-khai", {"width": 1280, "height": 800})
        browser.close()
        strays = []
        for name, (rows, asked) in pages.items():
            total = sum(size for _, size in rows)
            print(f"{name}: first load {total / 1024:.1f} KiB in {len(rows)} requests (bodies + headers)")
            for url, size in rows:
                print(f"  {size / 1024:6.1f} KiB  {url}")
            budget = BUDGETS_KIB[name]
            figure(f"{name} first load", round(total / 1024, 1), "KiB", f"<= {budget} KiB", total <= budget * 1024)
            strays += foreign(server.base, asked)
        for url in strays:
            print(f"  third-party request: {url}")
        figure("third-party requests (kiosk, survey, public)", len(strays), "", "0", not strays)
    return 0


if __name__ == "__main__":
    sys.exit(main())
