"""Resident memory of every gunicorn worker after it has served every page, chart and export.

gunicorn (the worker count README's deployment gives) serves the demo province (`flask demo-data`,
its sample answers; `--responses N` adds bulk answers). Signed in as the province admin (with the
sign-in form's CSRF token), the bench asks for:

- every admin GET route of the URL map, path parameters filled from the demo data, over the
  demo competition period (its whole year of answers): report pages, the charts as PNG and SVG,
  the downloads (XLSX, every CSV view, the meeting PDF and DOCX, the competition sheet as XLSX, PDF
  and DOCX, QR posters, an evidence file, a background export's file);
- every GET of the JSON API (with an API token), the kiosk (shell, service worker, assets, the
  survey JSON with a device token, one answer POSTed), the QR survey (form, then a POST with its
  CSRF token) and the public pages (/cong-khai, a review, its SVG chart, the TV view).

gunicorn's access log names the worker of each request; requests are sent concurrently and
again until every worker has served every URL (at most a few passes). Then each worker's VmRSS
is read from /proc/<pid>/status. Target (issue 12): at most 120 MB per worker.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import random
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from page_bench import SURVEY_POINT, Server, demo_server, figure, readme_workers

PORT = 8832
LIMIT_MB = 120
ADMIN = ("admin", "demo-admin-2026")
PASSES = 4
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@dataclass
class Call:
    path: str
    method: str = "GET"
    who: str = "admin"  # admin (session cookie), api (API token), device (kiosk token), citizen
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


def prepare(server: Server) -> dict:
    """What the demo lacks for some routes, committed: an API token, a paired tablet, an evidence
    file and a background export (built by one pass of `flask run-exports`)."""
    import sqlalchemy as sa

    from core import transactions
    from core.audit import Actor
    from core.competition import inputs
    from core.extensions import db
    from core.models import CompetitionPeriod, User
    from core.org.accounts import create_api_token
    from core.org.devices import create_pairing_code, pair_device
    from core.org.points import point_by_code
    from core.org.units import unit_by_code
    from core.reporting import jobs

    app = server.app()
    cli = Actor.cli()
    with app.app_context(), transactions.unit_of_work():
        admin = db.session.scalar(sa.select(User).where(User.username == ADMIN[0]))
        _row, api_token = create_api_token(cli, admin, "memory bench")
        device = pair_device(create_pairing_code(cli, point_by_code("H-HOIAN-P1")), "memory bench")
        period = db.session.scalar(sa.select(CompetitionPeriod).order_by(CompetitionPeriod.start_date.desc()))
        inputs.add_evidence(cli, period, unit_by_code("H-HOIAN"), 1, inputs.Upload("bao-cao.pdf", PDF))
        params = {"first": f"{period.start_date}", "last": f"{period.end_date}", "period": period.code}
        jobs.enqueue(admin, "xlsx", {**params, "unit": None, "view": None, "locale": "vi"}, None, "bao-cao.xlsx")
        prepared = {"api_token": api_token, "device_token": device.token}
    server.flask("run-exports")
    return prepared


def calls(server: Server, prepared: dict) -> tuple[list[Call], list[str]]:
    """Every call of the sweep, and the admin GET routes left out (with path parameters unknown here)."""
    import sqlalchemy as sa

    from admin.reports import CHARTS, VIEWS
    from core.extensions import db
    from core.links import survey_url
    from core.models import Case, CompetitionPeriod, EvidenceFile, ExportJob, Point, Survey, Unit

    app = server.app()
    with app.app_context():
        period = db.session.scalar(sa.select(CompetitionPeriod).order_by(CompetitionPeriod.start_date.desc()))
        code = period.code
        cases = db.session.scalars(sa.select(Case.id).order_by(Case.id)).all()
        survey = db.session.scalar(sa.select(Survey).where(Survey.active.is_(True)))
        units = db.session.scalars(sa.select(Unit).order_by(Unit.code)).all()
        unit = next(u for u in units if u.code == "H-HOIAN")
        point = db.session.scalar(sa.select(Point).where(Point.code == SURVEY_POINT))
        evidence = db.session.scalars(sa.select(EvidenceFile.id)).all()
        export_jobs = db.session.scalars(sa.select(ExportJob.id)).all()
        survey_path = survey_url(point).replace(server.base, "")
        # The competition period: the demo's whole year of answers, the most any report reads.
        ranges = (f"?period={code}",)
        with_arguments = {
            "admin.report": [f"/admin/reports/{view}{q}" for view in VIEWS for q in ranges],
            "admin.chart": [
                f"/admin/charts/{name}.{fmt}{q}" for name in CHARTS for fmt in ("png", "svg") for q in ranges
            ],
            "admin.export_csv": [f"/admin/exports/{view}.csv{q}" for view in (*VIEWS, "raw") for q in ranges],
            "admin.case_detail": [f"/admin/cases/{case}" for case in cases],
            "admin.competition_sheet": [f"/admin/competition/{code}", f"/admin/competition/{code}?stage=so_ket"],
            "admin.competition_unit": [f"/admin/competition/{code}/units/{u.code}" for u in units[:3]]
            + [f"/admin/competition/{code}/units/{unit.code}"],
            "admin.competition_settings": [f"/admin/competition/{code}/settings"],
            "admin.competition_verify": [f"/admin/competition/{code}/verify?stage=so_ket"],
            "admin.competition_export": [
                f"/admin/competition/{code}/sheet.{fmt}{q}"
                for fmt in ("xlsx", "pdf", "docx")
                for q in ("", "?stage=so_ket")
            ],
            "admin.survey_edit": [f"/admin/surveys/{survey.id}/edit"],
            "admin.unit_edit": [f"/admin/units/{unit.id}/edit"],
            "admin.point_poster": [f"/admin/points/{point.id}/poster.{fmt}" for fmt in ("png", "svg", "pdf")],
            "admin.unit_posters": [f"/admin/points/posters/{unit.id}.pdf"],
            "admin.evidence_file": [f"/admin/evidence/{row}" for row in evidence],
            "admin.export_job": [f"/admin/exports/jobs/{job}" for job in export_jobs],
            "admin.export_job_status": [f"/admin/exports/jobs/{job}/status" for job in export_jobs],
            "admin.export_job_file": [f"/admin/exports/jobs/{job}/file" for job in export_jobs],
        }
        # The downloads answered at once (report.xlsx, raw.xlsx, report.pdf, report.docx…).
        sync_exports = {
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/admin/exports/") and rule.rule.rsplit(".", 1)[-1] in ("xlsx", "pdf", "docx")
        }
        found, left_out = [], []
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in (rule.methods or ()) or rule.endpoint in ("static", "healthz"):
                continue
            admin_door = rule.rule.startswith("/admin")
            api_door = rule.rule.startswith("/api/v1/") and not rule.rule.startswith("/api/v1/kiosk/")
            if not (admin_door or api_door):
                continue
            if rule.arguments:
                if rule.endpoint in with_arguments:
                    found += [Call(path) for path in with_arguments[rule.endpoint]]
                else:
                    left_out.append(rule.endpoint)
                continue
            queries = ranges if (rule.endpoint in sync_exports or api_door) else ("",)
            if rule.endpoint == "admin.competition":  # the API's score sheet needs its period
                queries = (f"?period={code}", f"?period={code}&stage=so_ket")
            found += [Call(rule.rule + q, who="api" if api_door else "admin") for q in queries]
    kiosk = [
        Call("/kiosk/", who="citizen"),
        Call("/kiosk/pair", who="citizen"),
        Call("/kiosk/sw.js", who="citizen"),
        Call("/static/kiosk/kiosk.js", who="citizen"),
        Call("/static/kiosk/kiosk.css", who="citizen"),
        Call("/api/v1/kiosk/survey", who="device"),
    ]
    public = [
        Call("/cong-khai", who="citizen"),
        Call(f"/cong-khai/{code}/so_ket", who="citizen"),
        Call(f"/cong-khai/chart/{code}/so_ket.svg", who="citizen"),
        Call("/cong-khai/tv", who="citizen"),
        Call("/cam-on", who="citizen"),
        Call(survey_path, who="citizen"),
        # The QR survey's POST (a fresh form each time) and a kiosk answer are built when sent.
        Call(survey_path, method="POST", who="citizen"),
        Call("/api/v1/kiosk/responses", method="POST", who="device"),
    ]
    return found + kiosk + public, left_out


class Client:
    """One visitor's cookies, signed in as the admin when asked to."""

    def __init__(self, base: str, prepared: dict):
        self.base = base
        self.prepared = prepared
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.signed_in = False

    def fetch(self, path: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
        # Our own loopback server: http://127.0.0.1:<port> and a path of our own sweep.
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(request, timeout=600) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def sign_in(self) -> None:
        _status, page = self.fetch("/admin/login")
        token = csrf(page)
        form = urllib.parse.urlencode({"csrf_token": token, "username": ADMIN[0], "password": ADMIN[1]}).encode()
        status, _page = self.fetch("/admin/login", form)
        if status != 200 or self.fetch("/admin/")[0] != 200:
            raise SystemExit("could not sign in as the admin")
        self.signed_in = True

    def send(self, call: Call) -> int:
        if call.who == "admin" and not self.signed_in:
            self.sign_in()
        headers = dict(call.headers)
        if call.who == "api":
            headers["Authorization"] = f"Bearer {self.prepared['api_token']}"
        if call.who == "device":
            headers["Authorization"] = f"Bearer {self.prepared['device_token']}"
        data = None
        if call.method == "POST" and call.who == "citizen":  # the QR survey: its form, then the POST
            _status, page = self.fetch(call.path)
            fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.decode()))
            fields |= {"csrf_token": csrf(page), "q_overall": "4"}
            data = urllib.parse.urlencode(fields).encode()
        elif call.method == "POST":  # one kiosk answer
            survey = json.loads(self.fetch("/api/v1/kiosk/survey", headers=headers)[1])["survey"]
            answered = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
            body = {"id": str(uuid.uuid4()), "survey": survey["id"], "answers": {"overall": 5}, "answered_at": answered}
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        status, _body = self.fetch(call.path, data, headers)
        return status


def csrf(page: bytes) -> str:
    found = CSRF.search(page.decode())
    if not found:
        raise SystemExit("no CSRF token on the page")
    return found.group(1) or found.group(2)


def served(log_path) -> dict[str, set[int]]:
    """{request line: workers that answered it} from gunicorn's access log."""
    by_call: dict[str, set[int]] = defaultdict(set)
    for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        found = re.match(r'<(\d+)> "(\w+) (\S+) [^"]*" (\d+)', line)
        if found:
            by_call[f"{found.group(2)} {found.group(3)}"].add(int(found.group(1)))
    return by_call


def rss_kib(pid: int) -> int:
    status = open(f"/proc/{pid}/status", encoding="ascii").read()  # noqa: SIM115 - one small read
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))


def settled(pids: list[int]) -> dict[int, int]:
    """The workers' RSS once they have finished loading the app (two readings 0.5 s apart agree)."""
    before = {pid: rss_kib(pid) for pid in pids}
    for _ in range(60):
        time.sleep(0.5)
        now = {pid: rss_kib(pid) for pid in pids}
        if all(abs(now[pid] - before[pid]) < 512 for pid in pids):
            return now
        before = now
    return before


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--responses", type=int, default=0, help="bulk answers added to the demo (demo-data --responses)"
    )
    args = parser.parse_args()
    workers = readme_workers()
    log_format = '%(p)s "%(r)s" %(s)s'  # %(p)s is "<pid>"
    gunicorn_args = ("--access-logfile", "-", "--access-logformat", log_format)
    with demo_server(PORT, workers, gunicorn_args, args.responses) as server:
        log = server.folder / "gunicorn.log"  # gunicorn's output, its access log included
        pids = server.worker_pids()
        started = settled(pids)
        print(f"gunicorn --workers {workers} on {server.base}; workers {pids}")
        print("RSS after start: " + ", ".join(f"{kib / 1024:.1f} MB" for kib in started.values()))
        prepared = prepare(server)
        sweep, left_out = calls(server, prepared)
        local = threading.local()

        def send(call: Call) -> tuple[Call, int]:
            if not hasattr(local, "client"):
                local.client = Client(server.base, prepared)
            return call, local.client.send(call)

        failures: dict[str, int] = {}
        todo = list(sweep)
        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for number in range(1, PASSES + 1):
                random.shuffle(todo)
                # Each call as a burst of one copy per worker: a sync worker busy with one copy
                # accepts no other, so the copies spread over the workers (the gaps are sent again).
                for call in todo:
                    for sent, status in pool.map(send, [call] * workers):
                        if status >= 400:
                            failures[f"{sent.method} {sent.path}"] = status
                by_call = served(log)
                missing = {
                    f"{c.method} {c.path}" for c in sweep if set(pids) - by_call.get(f"{c.method} {c.path}", set())
                }
                sent = len(todo) * workers
                print(f"pass {number}: {sent} requests; calls not yet served by every worker: {len(missing)}")
                if not missing:
                    break
                todo = [c for c in sweep if f"{c.method} {c.path}" in missing]
        elapsed = time.perf_counter() - began
        if server.worker_pids() != pids:
            print(f"a worker was replaced during the run: {pids} -> {server.worker_pids()}")
        rss = {pid: rss_kib(pid) for pid in server.worker_pids()}
    print(f"{len(sweep)} distinct calls ({sum(1 for c in sweep if c.who == 'admin')} admin) in {elapsed:.0f} s")
    if left_out:
        print(f"admin/API GET routes left out (path parameters unknown to this bench): {left_out}")
    for call, status in sorted(failures.items()):
        print(f"  HTTP {status}: {call}")
    for pid, kib in rss.items():
        share = sum(1 for c in sweep if pid in by_call.get(f"{c.method} {c.path}", set()))
        print(
            f"  worker {pid}: VmRSS {kib / 1024:.1f} MB (after start {started.get(pid, 0) / 1024:.1f} MB), "
            f"served {share} of the {len(sweep)} calls"
        )
    worst = max(rss.values()) / 1024
    figure(
        "worker RSS after every page, chart and export (max)",
        round(worst, 1),
        "MB",
        f"<= {LIMIT_MB} MB",
        worst <= LIMIT_MB,
    )
    figure("calls answered with an error", len(failures), "", "0", not failures)
    figure("calls not served by every worker", len(missing), "", "0", not missing)
    return 0


if __name__ == "__main__":
    sys.exit(main())
