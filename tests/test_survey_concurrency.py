"""Racing submissions through the real pages: one visit code stores one response, one page stores once.

Threads against the test client. With SUITE_DATABASE=external this runs on PostgreSQL, where the
two transactions truly overlap and the row lock on the visit code decides; on SQLite the writes
serialise, and the same assertions hold.
"""

from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa

from core.audit import Actor
from core.extensions import db
from core.models import Response, VisitCode
from core.ratings.visit_codes import create_visit_codes
from tests import factories as f
from tests.conftest import csrf_token

pytestmark = pytest.mark.postgres
ROUNDS = 4


def page_form(client, url: str) -> dict:
    html = client.get(url).get_data(as_text=True)
    rid = re.search(r'name="response_id" value="([^"]+)"', html).group(1)
    return {"csrf_token": csrf_token(html), "response_id": rid}


def race(jobs) -> list:
    """Run the callables at the same instant; return their results in order."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        barrier.wait()
        try:
            results[index] = job()
        except Exception as exc:  # surfaced by the assertions below
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_phones_racing_one_visit_code_store_one(app):
    with app.app_context():
        point = f.point(f.unit("H-RACE"))
        db.session.commit()
        codes = create_visit_codes(Actor.cli(), point, ROUNDS)
        db.session.commit()
    for code in codes:
        url = f"/v/{code}"
        phones = [app.test_client(), app.test_client()]
        forms = [page_form(phone, url) for phone in phones]
        results = race(
            [
                lambda phone=phone, form=form, score=score, url=url: phone.post(url, data={**form, "q_overall": score})
                for phone, form, score in zip(phones, forms, ("5", "1"), strict=True)
            ]
        )
        statuses = sorted(result.status_code for result in results)
        assert statuses == [302, 410], results
        loser = next(result for result in results if result.status_code == 410)
        assert "đã được sử dụng" in loser.get_data(as_text=True)
    with app.app_context():
        stored = list(db.session.scalars(sa.select(Response)))
        assert len(stored) == ROUNDS
        assert {row.channel for row in stored} == {"visit"}
        used = {row.response_id for row in db.session.scalars(sa.select(VisitCode))}
        assert used == {row.id for row in stored}


def test_one_page_sent_twice_at_once_is_stored_once(app):
    with app.app_context():
        point = f.point(f.unit("H-TWICE"))
        db.session.commit()
        url = f"/s/{point.public_token}"
    for _round in range(ROUNDS):
        phone = app.test_client()
        form = page_form(phone, url)

        def send(phone=phone, form=form):
            return phone.post(url, data={**form, "q_overall": "4"})

        results = race([send, send])
        assert [result.status_code for result in results] == [302, 302], results
    with app.app_context():
        stored = list(db.session.scalars(sa.select(Response)))
        assert len(stored) == ROUNDS
        assert {row.flag for row in stored} == {None}
