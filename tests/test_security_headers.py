"""Security headers and cookies: every HTML page (kiosk, survey, admin, public, error pages) carries a
strict Content-Security-Policy, frame-ancestors 'none', nosniff and a Referrer-Policy; HSTS only over
HTTPS (direct, or through the configured number of trusted proxies); session cookies HttpOnly,
SameSite=Lax, and Secure over HTTPS; and no template holds a script or style a strict CSP blocks.

`page_header_problems` is also run by tests/test_access_matrix.py on every HTML answer of the
all-doors matrix."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.audit import Actor
from core.extensions import db
from core.models import Point
from core.ratings.visit_codes import create_visit_codes
from tests import factories
from tests.conftest import committing, csrf_token

ROOT = Path(__file__).resolve().parent.parent
# Referrer policies that never send a page's full address to another site over plain HTTP.
SAFE_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
    "origin",
}
ONE_YEAR = 365 * 86400


def csp_directives(value: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives.setdefault(words[0].lower(), words[1:])
    return directives


def page_header_problems(response) -> list[str]:
    """What is missing from an HTML answer's security headers (empty: all there)."""
    headers = response.headers
    problems = []
    policy = headers.get("Content-Security-Policy")
    if not policy:
        return ["no Content-Security-Policy"]
    directives = csp_directives(policy)
    scripts = directives.get("script-src", directives.get("default-src"))
    if scripts is None:
        problems.append("CSP sets neither script-src nor default-src")
    elif {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & {s.lower() for s in scripts}:
        problems.append(f"CSP lets scripts in from anywhere or inline: {scripts}")
    if "default-src" in directives and "'unsafe-inline'" in directives["default-src"]:
        problems.append("default-src allows 'unsafe-inline'")
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors is {directives.get('frame-ancestors')}, not 'none'")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if headers.get("Referrer-Policy") not in SAFE_REFERRER_POLICIES:
        problems.append(f"Referrer-Policy is {headers.get('Referrer-Policy')!r}")
    return problems


def set_cookies(response) -> dict[str, dict]:
    """name -> {value, flags...} of every Set-Cookie of the answer (lower-case attribute names)."""
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            attributes = {key: morsel[key] for key in morsel if morsel[key] != ""}
            # SimpleCookie keeps flags as True and drops unknown case; read them from the raw text too.
            lowered = header.lower()
            attributes["httponly"] = "; httponly" in lowered
            attributes["secure"] = "; secure" in lowered
            attributes["value"] = morsel.value
            cookies[name] = attributes
    return cookies


def _point(code: str) -> Point:
    return db.session.scalar(sa.select(Point).where(Point.code == code))


@pytest.fixture
def pages(demo):
    """A URL of every kind of HTML page: kiosk, survey (form, message, thanks), admin, public, errors."""
    with committing(demo):
        own = _point("H-HOIAN-P1")
        visit = create_visit_codes(Actor.cli(), own, 1)[0]
        token = own.public_token
    return {
        "kiosk shell": "/kiosk/",
        "kiosk pairing": "/kiosk/pair",
        "QR survey": f"/s/{token}",
        "visit survey": f"/v/{visit}",
        "survey message (unknown QR)": "/s/no-such-token",
        "survey thanks": "/cam-on",
        "admin sign-in": "/admin/login",
        "public page": "/cong-khai",
        "public TV": "/cong-khai/tv",
        "404 page": "/no/such/page",
        "404 public review": "/cong-khai/2023-2024/tong_ket",
        "422 page": "/cong-khai?lang=" + "x" * 5000,
    }


def test_every_kind_of_page_carries_the_headers(demo, pages):
    client = demo.test_client()
    seen = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.mimetype == "text/html", f"{name}: {response.mimetype}"
        assert page_header_problems(response) == [], f"{name} {url}"
        seen[name] = response.status_code
    assert seen["QR survey"] == seen["visit survey"] == seen["kiosk shell"] == 200
    assert seen["survey message (unknown QR)"] == seen["404 page"] == seen["404 public review"] == 404


def test_signed_in_admin_pages_carry_the_headers(demo, client, auth):
    auth.login()
    for url in (
        "/admin/",
        "/admin/reports/units",
        "/admin/points",
        "/admin/users",
        "/admin/cases",
        "/admin/competition",
        "/admin/monitoring",
        "/admin/password",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert page_header_problems(response) == [], url


def test_error_pages_carry_the_headers(make_app):
    app = make_app(SURVEY_RATE_LIMIT="1 per minute", PROPAGATE_EXCEPTIONS=False)

    @app.get("/_boom")
    def boom():
        raise RuntimeError("a bug")

    with committing(app):
        token = factories.point(factories.unit("H-X")).public_token
    client = app.test_client()
    answers = {
        500: client.get("/_boom"),
        405: client.post("/cam-on"),
        413: client.post(f"/s/{token}", data=b"x" * (65 * 1024), content_type="application/x-www-form-urlencoded"),
    }
    client.post(f"/s/{token}", data={})
    answers[429] = client.post(f"/s/{token}", data={})
    for status, response in answers.items():
        assert response.status_code == status
        assert response.mimetype == "text/html"
        assert page_header_problems(response) == [], status


def test_the_policy_itself():
    """What the checker accepts is what a browser enforces: spot-check it against bad policies."""

    class Fake:
        def __init__(self, **headers):
            self.headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", **headers}

    good = "default-src 'self'; script-src 'self'; frame-ancestors 'none'"
    assert page_header_problems(Fake(**{"Content-Security-Policy": good})) == []
    for bad in (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        "default-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        "default-src *; frame-ancestors 'none'",
        "default-src 'self'; script-src 'self'",
        "default-src 'self'; frame-ancestors 'self'",
        "img-src 'self'; frame-ancestors 'none'",
    ):
        assert page_header_problems(Fake(**{"Content-Security-Policy": bad})) != [], bad
    assert page_header_problems(Fake()) == ["no Content-Security-Policy"]
    unsafe = Fake(**{"Content-Security-Policy": good, "Referrer-Policy": "unsafe-url"})
    assert page_header_problems(unsafe) != []


# ---------- HSTS: over HTTPS only, and HTTPS only as the trusted proxies say ----------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "hsts"),
    [
        (0, None, False),  # plain HTTP
        (0, "https", False),  # no proxy trusted: a client's own header is not believed
        (1, "https", True),  # nginx says the citizen came over HTTPS
        (1, "http", False),
        (1, "https, http", False),  # the trusted proxy's value is the last one
        (2, "https", False),  # two proxies configured, one value: not believed
        (2, "https, https", True),
    ],
)
def test_hsts_only_over_https_behind_the_trusted_proxies(make_app, proxies, forwarded, hsts):
    app = make_app(PROXY_COUNT=proxies)
    headers = {"X-Forwarded-Proto": forwarded, "X-Forwarded-For": "203.0.113.7, 198.51.100.2"} if forwarded else {}
    for url in ("/admin/login", "/healthz", "/no/such/page"):
        response = app.test_client().get(url, headers=headers)
        value = response.headers.get("Strict-Transport-Security")
        if hsts:
            assert value is not None, url
            assert int(re.search(r"max-age=(\d+)", value).group(1)) >= ONE_YEAR
        else:
            assert value is None, f"{url}: HSTS over plain HTTP ({forwarded!r}, {proxies} proxies)"


def test_hsts_when_served_over_https_directly(app):
    response = app.test_client().get("/admin/login", base_url="https://localhost")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


# ---------- cookies ----------


def _login(client, **headers):
    page = client.get("/admin/login", headers=headers)
    token = csrf_token(page.get_data(as_text=True))
    data = {"username": "admin", "password": "demo-admin-2026", "csrf_token": token}
    return client.post("/admin/login", data=data, headers=headers)


def test_admin_session_cookie_over_plain_http(demo):
    response = _login(demo.test_client())
    assert response.status_code == 302
    session = set_cookies(response)["session"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert not session["secure"]  # a development server over plain HTTP
    assert "remember_token" not in set_cookies(response)


def test_admin_session_cookie_is_secure_behind_an_https_proxy(make_app, demo):
    """PUBLIC_BASE_URL left at http (the test's), but nginx says https: the cookie is still Secure."""
    app = make_app(PROXY_COUNT=1)
    assert app.config["SESSION_COOKIE_SECURE"] is False
    client = app.test_client()
    # Over HTTPS Flask-WTF also wants a same-origin Referer, which Referrer-Policy: same-origin sends.
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7", "Referer": "https://localhost/admin/login"}
    first = client.get("/admin/login", headers=https)
    assert set_cookies(first)["session"]["secure"]
    response = _login(client, **https)
    assert response.status_code == 302
    session = set_cookies(response)["session"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    # The session's cookie is bound to the secure channel: the signed-in page still opens over it.
    assert client.get("/admin/", headers=https).status_code == 200


def test_secure_cookies_follow_an_https_public_address(monkeypatch, make_app, demo):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://danhgia.example.gov.vn")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    app = make_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    response = _login(app.test_client())
    session = set_cookies(response)["session"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_survey_session_and_repeat_cookies(make_app, demo, monkeypatch):
    """The QR form's CSRF session and the 'rated recently' cookie: HttpOnly, Lax, and Secure over HTTPS."""
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://danhgia.example.gov.vn")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    for app, secure in ((demo, False), (make_app(), True)):
        with app.app_context():
            point = _point("H-HOIAN-P1")
            token, point_id = point.public_token, point.id
        client = app.test_client()
        page = client.get(f"/s/{token}")
        session = set_cookies(page)["session"]
        assert session["httponly"] and session["samesite"] == "Lax" and session["secure"] is secure
        html = page.get_data(as_text=True)
        response_id = re.search(r'name="response_id"[^>]*value="([^"]+)"', html).group(1)
        sent = client.post(
            f"/s/{token}", data={"csrf_token": csrf_token(html), "response_id": response_id, "q_overall": "5"}
        )
        assert sent.status_code == 302, sent.get_data(as_text=True)[:300]
        repeat = set_cookies(sent)[f"sv_{point_id}"]
        assert repeat["httponly"] and repeat["samesite"] == "Lax" and repeat["secure"] is secure
        assert repeat["path"] == "/s/"


def test_survey_session_cookie_is_secure_behind_an_https_proxy(make_app, demo):
    app = make_app(PROXY_COUNT=1)
    with app.app_context():
        token = _point("H-HOIAN-P1").public_token
    page = app.test_client().get(f"/s/{token}", headers={"X-Forwarded-Proto": "https"})
    session = set_cookies(page)["session"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_the_language_cookie(make_app):
    plain = make_app().test_client().get("/cam-on?lang=en")
    cookie = set_cookies(plain)["lang"]
    assert cookie["value"] == "en" and cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
    proxied = make_app(PROXY_COUNT=1).test_client().get("/cam-on?lang=en", headers={"X-Forwarded-Proto": "https"})
    assert set_cookies(proxied)["lang"]["secure"]


def test_the_kiosk_sets_no_cookie(demo):
    """The tablet authenticates with its bearer token alone: no cookie to steal or to ride on."""
    client = demo.test_client()
    with committing(demo):
        from core.org.devices import create_pairing_code

        code = create_pairing_code(Actor.cli(), _point("H-HOIAN-P1"))
    answers = [client.get("/kiosk/"), client.get("/kiosk/pair"), client.get("/kiosk/sw.js")]
    paired = client.post("/api/v1/kiosk/pair", json={"code": code})
    assert paired.status_code == 200
    bearer = {"Authorization": f"Bearer {paired.get_json()['token']}"}
    answers += [paired, client.get("/api/v1/kiosk/survey", headers=bearer)]
    answers.append(client.post("/api/v1/kiosk/heartbeat", json={"queue": 0}, headers=bearer))
    for response in answers:
        assert response.status_code == 200, response.request.path
        assert response.headers.getlist("Set-Cookie") == [], response.request.path


# ---------- templates: nothing a strict CSP would block ----------

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
DATA_BLOCK = re.compile(r"""\btype=["']application/(ld\+)?json["']""", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"""<[^>]*\son[a-z]+\s*=""", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
INLINE_STYLE = re.compile(r"""<style\b|<[^>]*\sstyle\s*=""", re.IGNORECASE)


def template_problems(text: str) -> list[str]:
    problems = []
    for match in INLINE_SCRIPT.finditer(text):
        if not DATA_BLOCK.search(match.group(0)):
            problems.append(f"inline script {match.group(0)!r}")
    for pattern, what in ((EVENT_HANDLER, "event handler"), (JAVASCRIPT_URL, "javascript: URL")):
        problems += [f"{what} {m.group(0)[:80]!r}" for m in pattern.finditer(text)]
    # style-src 'self' blocks these too.
    problems += [f"inline style {m.group(0)[:80]!r}" for m in INLINE_STYLE.finditer(text)]
    return problems


def test_no_template_holds_inline_script_handler_or_style():
    templates = sorted(p for p in (ROOT / "templates").rglob("*") if p.suffix in (".html", ".svg", ".xml"))
    assert len(templates) > 40
    found = {str(p.relative_to(ROOT)): template_problems(p.read_text(encoding="utf-8")) for p in templates}
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_the_template_scan_finds_what_it_looks_for():
    assert template_problems('<script src="/static/x.js"></script>') == []
    assert template_problems('<script type="application/json" id="d">{}</script>') == []
    assert template_problems("<script>alert(1)</script>") != []
    assert template_problems('<script type="module">x()</script>') != []
    assert template_problems('<button type="button" onclick="go()">') != []
    assert template_problems("<body\n  onload='go()'>") != []
    assert template_problems('<a href="javascript:go()">') != []
    assert template_problems('<p style="color:red">') != []
    assert template_problems("<style>p{}</style>") != []
    assert template_problems('<p class="onclick">online</p>') == []


def test_the_rendered_kiosk_data_block_cannot_break_out(demo):
    """The kiosk's strings ride in a JSON data block, not a script: '</' is escaped so no text ends it."""
    html = demo.test_client().get("/kiosk/").get_data(as_text=True)
    blocks = re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.DOTALL)
    inline = [b for b in re.findall(r"<script\b[^>]*>", html) if "src=" not in b]
    assert inline and all(DATA_BLOCK.search(tag) for tag in inline)
    assert all("</" not in block for block in blocks)


# ---------- the real server ----------


def test_gunicorn_behind_an_https_proxy(database_url, demo):
    """gunicorn with PROXY_COUNT=1: HSTS and a Secure session only when nginx says https."""
    from tests.test_app import _free_port

    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        SECRET_KEY="gunicorn-headers-test",
        RATELIMIT_ENABLED="false",
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        PROXY_COUNT="1",
    )
    env.pop("SESSION_COOKIE_SECURE", None)
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "1", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz")
        url = f"http://127.0.0.1:{port}/admin/login"
        over_https = _fetch(url, {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"})
        over_http = _fetch(url, {})
    finally:
        process.terminate()
        process.wait(timeout=10)
    for headers in (over_https, over_http):
        assert page_header_problems(_Answer(headers)) == []
    assert "max-age=" in over_https["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in over_http
    secure, plain = (_session_cookie(h) for h in (over_https, over_http))
    assert secure["secure"] and secure["httponly"] and secure["samesite"] == "Lax"
    assert not plain["secure"] and plain["httponly"] and plain["samesite"] == "Lax"


class _Answer:
    def __init__(self, headers):
        self.headers = headers


def _session_cookie(headers) -> dict:
    for header in headers.get_all("Set-Cookie") or []:
        if header.startswith("session="):
            lowered = header.lower()
            samesite = re.search(r"samesite=(\w+)", lowered)
            return {
                "secure": "; secure" in lowered,
                "httponly": "; httponly" in lowered,
                "samesite": samesite.group(1).capitalize() if samesite else None,
            }
    raise AssertionError("no session cookie")


def _fetch(url: str, headers: dict):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - a local test server
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - a local test server
        assert response.status == 200
        return response.headers


def _wait_for(url: str) -> None:
    for _ in range(150):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - a local test server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start")


def test_a_views_own_security_header_wins_and_none_is_doubled(demo):
    """The pairing page sets its own Referrer-Policy (the one-time code is in its address): the
    after-request hook adds only what a view left out, and every header appears once."""
    client = demo.test_client()
    pairing, shell = client.get("/kiosk/pair"), client.get("/kiosk/")
    assert pairing.headers.getlist("Referrer-Policy") == ["no-referrer"]
    assert shell.headers.getlist("Referrer-Policy") == ["same-origin"]
    for response in (pairing, shell):
        for name in (
            "Content-Security-Policy",
            "X-Content-Type-Options",
            "X-Frame-Options",
            "Permissions-Policy",
        ):
            assert len(response.headers.getlist(name)) == 1, name
        assert "Strict-Transport-Security" not in response.headers
    secure = client.get("/kiosk/pair", base_url="https://localhost")
    assert secure.headers.getlist("Strict-Transport-Security") == ["max-age=31536000"]
    assert secure.headers.getlist("Referrer-Policy") == ["no-referrer"]
