"""A language pass over every admin screen, as a civil servant reads it in the browser.

Every GET screen of the admin (taken from the app's URL map: a new screen must be listed here, or
excluded with a reason) is opened on the demo province in Vietnamese and in English, by the
province admin and by a unit manager. What a person reads there (`document.body.innerText`, the
title, placeholders, image descriptions and the text of the SVG charts the screen shows) must
hold no raw code (`snake_case`, `dotted.codes`, English codes of the data such as `district` or
`misuse`), and the English pages no Vietnamese word beyond the names that come from the data
(collected from the database and cut out first). Text in <code>/<kbd>/<samp> is what one types
or finds in a file (column names) and is not read.

A failure lists every finding, page by page, with the line it is in.
"""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Error as PlaywrightError

from admin.reports import VIEWS
from core import demo
from core.audit import Actor
from core.competition import inputs
from core.extensions import db
from core.models import Case, CompetitionPeriod, Criterion, ExportJob, Milestone, Reason, Survey, User
from core.org.accounts import create_api_token
from core.org.devices import create_pairing_code, pair_device
from core.org.points import point_by_code
from core.org.units import unit_by_code
from core.reporting import jobs
from core.timeutil import local_today
from tests.conftest import committing

pytestmark = pytest.mark.browser

# GET screens not read as text, each with its reason.
EXCLUDED = {
    "admin.chart": "an image: each chart a screen shows is read there, as the text of its SVG",
    "admin.export_csv": "a CSV download, machine-readable by design",
    "admin.export_pdf": "a PDF download, read back by the document tests",
    "admin.export_xlsx": "an XLSX download, read back by the export tests",
    "admin.export_raw_xlsx": "the raw-data XLSX download, read back by the export tests",
    "admin.export_docx": "a DOCX download, read back by the document tests",
    "admin.export_job_file": "the file a background export produced",
    "admin.export_job_status": "JSON polled by the export job's page, which is read here",
    "admin.point_poster": "a poster image or PDF of one point",
    "admin.unit_posters": "the posters of a unit's points as one PDF",
    "admin.evidence_file": "a unit's own uploaded file, served as it was sent",
    "admin.competition_export": "a score sheet download (XLSX/PDF/DOCX)",
    "admin.login": "read before signing in, in each language (see read_screens)",
}
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"

SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
DOTTED = re.compile(r"\b[a-z]+\.[a-z_]+\b")
# Machine text a person is meant to read as it is: addresses, e-mails, file names, paths.
ALLOWED_MACHINE_TEXT = re.compile(
    r"https?://\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:csv|xlsx|pdf|png|svg|docx|json|txt|vn|com|org|net)\b"
    r"|(?<!\w)/\S+"
)
ALLOWED_DOTTED = {"v.v"}
# English codes of the data that must never show in the Vietnamese admin.
DATA_CODES = re.compile(
    r"\b(?:province|district|department|misuse|guidance|wait|attitude|procedure|kiosk|qr|visit|"
    r"paper|phone|reception|letter|assigned|answered|closed|dismissed|reopened|received|"
    r"so_ket|tong_ket|low_share|overall|viewer|unit_manager|province_admin)\b"
)
VIETNAMESE = re.compile(
    r"[\w]*[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ"
    r"ÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸĐ][\w]*"
)
# Vietnamese that belongs in the English admin: the switch back to Vietnamese.
ALLOWED_VIETNAMESE = ("Tiếng Việt",)
# What a person reads: the title, the rendered text and the placeholders. Text in <code>, <kbd> or
# <samp> is what one types or finds in a file (column names, an example line) and is left out.
READ_TEXT = """() => {
    document.querySelectorAll("code, kbd, samp").forEach((element) => { element.style.display = "none"; });
    const hints = [...document.querySelectorAll("[placeholder]")].map((element) => element.placeholder);
    const alts = [...document.images].map((image) => image.alt);
    return [document.title, document.body.innerText, ...hints, ...alts].join("\\n");
}"""
# The charts a screen shows, read as SVG: their labels, axes and legends are text too.
CHART_SOURCES = (
    """() => [...document.images].map((image) => image.src).filter((src) => src.includes("/admin/charts/"))"""
)
SVG_TEXT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.S)
# Columns whose text is a translated label, not a name: left in the text so that a Vietnamese
# label on an English page is caught.
TRANSLATED_COLUMNS = {(Criterion.__tablename__, "label"), (Reason.__tablename__, "label")}


@pytest.fixture
def province(live_server):
    """The demo province as `make run` builds it, plus a paired tablet, an API token and evidence."""
    with committing(live_server.app):
        demo.load_demo()
        add_screen_objects()
    return live_server


def add_screen_objects() -> None:
    """What the demo lacks for some screens: a paired tablet, an API token, an evidence file and
    an export job of each user; and milestone names of their own, so that a name never hides a
    milestone type's label."""
    cli = Actor.cli()
    pair_device(create_pairing_code(cli, point_by_code("H-HOIAN-P1")), "Máy quầy một cửa")
    admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
    create_api_token(cli, admin, "Báo cáo tuần")
    period = current_period()
    inputs.add_evidence(cli, period, unit_by_code("H-HOIAN"), 1, inputs.Upload("bao-cao-tu-cham.pdf", PDF))
    for milestone in db.session.scalars(sa.select(Milestone)):
        milestone.name = f"Hội nghị {milestone.name.lower()} ({milestone.due_date:%d/%m/%Y})"
    for username in ("admin", "hoian"):
        user = db.session.scalar(sa.select(User).where(User.username == username))
        scope = None if user.unit_id is None else {user.unit_id}
        params = {"first": f"{period.start_date}", "last": f"{local_today()}", "period": period.code}
        jobs.enqueue(user, "xlsx", {**params, "unit": None, "view": None, "locale": "vi"}, scope, "bao-cao.xlsx")


def current_period() -> CompetitionPeriod:
    today = local_today()
    return db.session.scalar(
        sa.select(CompetitionPeriod).where(CompetitionPeriod.start_date <= today, CompetitionPeriod.end_date >= today)
    )


def data_texts() -> list[str]:
    """Every text the data holds (names of units, points and people, case contents, notes…),
    longest first, so that names are cut out of the page before it is read for Vietnamese."""
    texts: set[str] = set()
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if (table.name, column.name) in TRANSLATED_COLUMNS:
                continue
            if isinstance(column.type, sa.String | sa.Text):
                values = db.session.scalars(sa.select(column).distinct())
                texts.update(v for v in values if isinstance(v, str) and VIETNAMESE.search(v))
    from flask import current_app

    texts.update(v for v in current_app.config.values() if isinstance(v, str) and VIETNAMESE.search(v))
    return sorted(texts, key=len, reverse=True)


def screens(app, role: str) -> list[tuple[str, str]]:
    """(endpoint, path) of every admin GET screen, arguments filled from the data. Fails on a GET
    route under /admin that is neither visited nor excluded."""
    with app.app_context():
        period = current_period()
        cases = db.session.scalars(sa.select(Case).order_by(Case.id)).all()
        own_unit = unit_by_code("H-HOIAN")
        survey = db.session.scalar(sa.select(Survey).where(Survey.active.is_(True)))
        username = {"province_admin": "admin", "unit_manager": "hoian"}[role]
        export_jobs = db.session.scalars(
            sa.select(ExportJob.id).join(User).where(User.username == username).order_by(ExportJob.created_at)
        ).all()
        code = period.code
        if role == "unit_manager":
            cases = [case for case in cases if case.unit_id == own_unit.id]
        with_arguments = {
            "admin.report": [f"/admin/reports/{view}" for view in VIEWS]
            + [f"/admin/reports/{view}?period={code}" for view in VIEWS],
            "admin.case_detail": [f"/admin/cases/{case.id}" for case in cases],
            "admin.competition_sheet": [
                f"/admin/competition/{code}",
                f"/admin/competition/{code}?stage=so_ket",
                "/admin/competition/2023-2024",
            ],
            # A unit with its figures, and (for the office) one with too few answers.
            "admin.competition_unit": [f"/admin/competition/{code}/units/H-HOIAN"]
            + ([f"/admin/competition/{code}/units/H-NAMGIANG"] if role == "province_admin" else []),
            "admin.competition_settings": [f"/admin/competition/{code}/settings"],
            "admin.competition_verify": [f"/admin/competition/{code}/verify?stage=so_ket"],
            "admin.survey_edit": [f"/admin/surveys/{survey.id}/edit"],
            "admin.unit_edit": [f"/admin/units/{own_unit.id}/edit"],
            "admin.export_job": [f"/admin/exports/jobs/{job}" for job in export_jobs],
        }
        rules = [
            rule
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/admin") and "GET" in (rule.methods or ())
        ]
    unknown, visits = [], []
    for rule in sorted(rules, key=lambda r: r.rule):
        if rule.endpoint in EXCLUDED:
            continue
        if rule.arguments:
            if rule.endpoint not in with_arguments:
                unknown.append(rule.endpoint)
                continue
            visits += [(rule.endpoint, path) for path in with_arguments[rule.endpoint]]
        else:
            visits.append((rule.endpoint, rule.rule))
    assert not unknown, f"admin GET route(s) neither visited nor excluded: {unknown}"
    return visits


def raw_codes(text: str, language: str) -> list[str]:
    """The lines of the page that show a raw code, the code first."""
    found = []
    for line in text.splitlines():
        readable = ALLOWED_MACHINE_TEXT.sub(" ", line)
        codes = SNAKE.findall(readable) + [c for c in DOTTED.findall(readable) if c not in ALLOWED_DOTTED]
        if language == "vi":
            codes += DATA_CODES.findall(readable)
        found += [f"{code} in “{line.strip()[:100]}”" for code in codes]
    return found


def vietnamese_lines(text: str, names: list[str]) -> list[str]:
    """The lines of an English page that still hold Vietnamese once the data's names are cut out."""
    found = []
    for line in text.splitlines():
        rest = line
        for name in (*names, *ALLOWED_VIETNAMESE):
            if name in rest:
                rest = rest.replace(name, " ")
        if VIETNAMESE.search(rest):
            found.append(f"Vietnamese in “{line.strip()[:100]}”")
    return found


def read_screens(browser, server, username: str, password: str, role: str, language: str) -> dict[str, list[str]]:
    """{path: [problems]} of every screen this user opens in this language."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    context.add_cookies([{"name": "lang", "value": language, "url": server.url}])
    page = context.new_page()
    with server.app.app_context():
        names = data_texts()
    problems: dict[str, list[str]] = {}

    def check(path: str, text: str) -> None:
        found = raw_codes(text, language)
        if language == "en":
            found += vietnamese_lines(text, names)
        if found:
            problems[path] = list(dict.fromkeys(found))

    charts_read: set[str] = set()

    def check_charts() -> None:
        for source in page.evaluate(CHART_SOURCES):
            svg = re.sub(r"\.png(?=\?|$)", ".svg", source.split("#")[0])
            chart = re.sub(r"^https?://[^/]+", "", svg.split("?")[0])
            if chart in charts_read:
                continue
            charts_read.add(chart)
            body = context.request.get(svg).text()
            labels = [html.unescape(re.sub(r"<[^>]+>", "", label)).strip() for label in SVG_TEXT.findall(body)]
            check(f"{chart} (chart)", "\n".join(labels))

    try:
        page.goto(f"{server.url}/admin/login")
        check("/admin/login", page.evaluate(READ_TEXT))
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.locator("form button[type=submit], form input[type=submit]").first.click()
        page.wait_for_load_state()
        assert "/admin/login" not in page.url, f"{username} could not sign in"
        for _endpoint, path in screens(server.app, role):
            try:
                response = page.goto(f"{server.url}{path}")
            except PlaywrightError as error:  # a download, not a screen: exclude it with a reason
                problems[path] = [f"not a screen: {error.message.splitlines()[0]}"]
                continue
            status = response.status if response is not None else None
            if status not in (200, 403):  # a broken screen is a finding too; the pass goes on
                problems[path] = [f"HTTP {status}"]
                continue
            check(path, page.evaluate(READ_TEXT))
            check_charts()
    finally:
        context.close()
    return problems


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{path}:\n    " + "\n    ".join(found) for path, found in sorted(problems.items()))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_province_admin_reads_no_code_and_no_foreign_word(browser, province, language):
    problems = read_screens(browser, province, "admin", "demo-admin-2026", "province_admin", language)
    assert not problems, "raw codes or untranslated words:\n" + report(problems)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_unit_manager_reads_no_code_and_no_foreign_word(browser, province, language):
    problems = read_screens(browser, province, "hoian", "demo-hoian-2026", "unit_manager", language)
    assert not problems, "raw codes or untranslated words:\n" + report(problems)


def test_every_admin_get_route_is_visited_or_excluded(app):
    """The list itself: a GET route added under /admin without a place here fails the pass."""
    with committing(app):
        demo.load_demo(sample_days=0)
        demo.add_sample_competition(Actor.cli(), seed=1)
        demo.add_sample_cases(Actor.cli())
        add_screen_objects()
    visited = {endpoint for endpoint, _path in screens(app, "province_admin")}
    getters = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin") and "GET" in rule.methods
    }
    assert visited == getters - EXCLUDED.keys()
    assert EXCLUDED.keys() <= getters, "EXCLUDED names a route that no longer exists"
