"""Page budgets of issue 12, counted as the wire carries them (status line, headers and body), with
the Flask test client: cheap guards beside the browser's measurements (tests/browser,
bench/page_bench.py through gunicorn).

- the kiosk, a freshly paired tablet's first load: at most 100 KiB;
- the QR survey page with what it loads: at most 30 KiB (tests/test_survey_pages.py);
- the public page with its charts: at most 150 KiB (tests/test_public.py).
"""

from __future__ import annotations

import json
import re

from core.audit import Actor
from core.org.devices import create_pairing_code, pair_device
from core.org.points import point_by_code
from tests.conftest import committing

KIOSK_BUDGET = 100 * 1024
# What gunicorn adds to every answer beyond the app's headers ("Server: gunicorn", "Date: …",
# "Connection: close" and their line ends): generously rounded up.
SERVER_HEADERS = 128


def wire_size(response) -> int:
    """Bytes of one answer on the wire: status line, headers, blank line and body."""
    head = f"HTTP/1.1 {response.status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in response.headers.items())
    return len(head.encode("latin-1", "replace")) + 2 + SERVER_HEADERS + len(response.get_data())


def paired_tablet(app) -> str:
    with committing(app):
        return pair_device(create_pairing_code(Actor.cli(), point_by_code("H-HOIAN-P1")), "Quầy 1").token


def test_a_freshly_paired_kiosk_loads_at_most_100_kib(demo):
    """What a tablet asks for on its first load after pairing: the shell, its stylesheet, script,
    manifest and icon, the service worker and its precache (versioned assets come from the HTTP
    cache, the shell again from the network, as sw.js asks), the survey and the first heartbeat."""
    token = paired_tablet(demo)
    client = demo.test_client()
    sizes: dict[str, int] = {}

    def fetch(path: str, **kwargs):
        with client.open(path, **kwargs) as response:  # closes the file a static answer opened
            assert response.status_code == 200, (path, response.status_code)
            sizes[f"{kwargs.get('method', 'GET')} {path}"] = wire_size(response)
            return response.get_data(as_text=True)

    shell = fetch("/kiosk/")
    assets = re.findall(r'(?:href|src)="(/static/kiosk/[^"]+)"', shell)
    assert {a.split("?")[0] for a in assets} == {
        "/static/kiosk/manifest.webmanifest",
        "/static/kiosk/icon.svg",
        "/static/kiosk/kiosk.css",
        "/static/kiosk/kiosk.js",
    }
    for asset in assets:
        fetch(asset.replace("&amp;", "&"))
    worker = fetch("/kiosk/sw.js")
    precache = json.loads(re.search(r"var PRECACHE = (\[.*?\]);", worker).group(1))
    assert precache[0] == "/kiosk/" and len(precache) == 5
    for url in precache:
        if "?v=" in url:
            assert url in {a.replace("&amp;", "&") for a in assets}, url  # the page loaded it: HTTP cache
        else:
            sizes["GET /kiosk/ (precache)"] = wire_size(client.get(url))
    bearer = {"Authorization": f"Bearer {token}"}
    fetch("/api/v1/kiosk/survey", headers=bearer)
    fetch(
        "/api/v1/kiosk/heartbeat",
        method="POST",
        headers=bearer,
        json={"version": "k-0", "queue": 0, "rejected": 0},
    )
    total = sum(sizes.values())
    assert total <= KIOSK_BUDGET, f"{total / 1024:.1f} KiB: {sizes}"
