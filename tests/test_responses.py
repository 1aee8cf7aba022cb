"""core.ratings.responses.record_response: validation, idempotency, conflicts, flags, concurrency."""

import threading
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.audit import Actor
from core.errors import Conflict, Gone, ValidationFailed
from core.extensions import db
from core.models import Answer, Response, ResponseReason, VisitCode
from core.ratings.responses import record_response
from core.ratings.visit_codes import create_visit_codes, find_visit_code
from core.timeutil import utcnow
from tests import factories as f
from tests.conftest import as_request


@pytest.fixture
def point(app_ctx):
    row = f.point(f.unit("U1", f.group("g")))
    db.session.commit()
    return row


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def record(point, **body):
    body.setdefault("response_id", str(uuid.uuid4()))
    body.setdefault("answers", {"overall": 5})
    return record_response(point=point, channel=body.pop("channel", "kiosk"), **body)


def stored(point, **body) -> Response:
    """Record through the write path, then read the row back as the database holds it."""
    return db.session.get(Response, record(point, **body).id)


def test_stores_response_answers_and_reasons_in_one_go(point):
    result = record(point, answers={"overall": 2, "welcome": 3}, reasons=["wait", "attitude"], comment=" Chờ lâu ")
    assert result.created
    row = db.session.get(Response, result.id)
    assert row.channel == "kiosk" and row.flag is None and row.comment == "Chờ lâu"
    assert sorted((a.criterion.code, a.score) for a in row.answers) == [("overall", 2), ("welcome", 3)]
    assert sorted(r.reason.code for r in row.reasons) == ["attitude", "wait"]
    assert (count(Response), count(Answer), count(ResponseReason)) == (1, 2, 2)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answers": {}}, "answers.overall"),
        ({"answers": {"welcome": 5}}, "answers.overall"),
        ({"answers": {"overall": 6}}, "answers.overall"),
        ({"answers": {"overall": 0}}, "answers.overall"),
        ({"answers": {"overall": "5"}}, "answers.overall"),
        ({"answers": {"overall": 4.0}}, "answers.overall"),
        ({"answers": {"overall": True}}, "answers.overall"),
        ({"answers": {"overall": None}}, "answers.overall"),
        ({"answers": {"overall": 5, "speed": 5}}, "answers.speed"),
        ({"answers": [5]}, "answers"),
        ({"reasons": ["nope"]}, "reasons"),
        ({"reasons": "wait"}, "reasons"),
        ({"comment": "x" * 2001}, "comment"),
        ({"comment": 12}, "comment"),
        ({"answered_at": "yesterday"}, "answered_at"),
        ({"answered_at": 1700000000}, "answered_at"),
        ({"contact": {"name": "An", "phone": "0905", "consent": False}}, "contact.consent"),
        ({"contact": {"name": "", "phone": "", "consent": True}}, "contact"),
        ({"contact": "0905123456"}, "contact"),
        ({"response_id": "not-a-uuid"}, "id"),
        ({"response_id": 42}, "id"),
    ],
)
def test_invalid_bodies_name_the_field_and_store_nothing(point, body, field):
    with pytest.raises(ValidationFailed) as raised:
        record(point, **body)
    assert field in raised.value.fields
    assert (count(Response), count(Answer)) == (0, 0)


def test_same_id_and_body_again_returns_the_stored_one(point):
    rid = str(uuid.uuid4())
    body = {"answers": {"overall": 4, "office": 5}, "reasons": [], "answered_at": utcnow().isoformat()}
    first = record(point, response_id=rid, **body)
    second = record(point, response_id=rid.upper(), **body)
    assert first.created and not second.created
    assert second.id == first.id
    assert (count(Response), count(Answer)) == (1, 2)


def test_same_id_with_another_body_is_a_conflict(point):
    rid = str(uuid.uuid4())
    record(point, response_id=rid, answers={"overall": 4})
    with pytest.raises(Conflict):
        record(point, response_id=rid, answers={"overall": 1})
    assert db.session.scalar(sa.select(Answer.score)) == 4


def test_answered_at_is_trusted_only_inside_the_clock_window(point):
    now = utcnow()
    kept = stored(point, answered_at=(now - timedelta(days=6)).isoformat())
    assert kept.flag is None and abs(kept.answered_at - (now - timedelta(days=6))) < timedelta(seconds=1)
    old = stored(point, answered_at=(now - timedelta(days=8)).isoformat())
    future = stored(point, answered_at=(now + timedelta(minutes=10)).isoformat())
    for response in (old, future):
        assert response.flag == "clock"
        assert abs(response.answered_at - response.received_at) < timedelta(seconds=1)
    default = stored(point)
    assert default.flag is None and default.answered_at == default.received_at


def test_local_time_without_offset_is_read_as_vietnam_time(point):
    now = utcnow()
    local_text = (now + timedelta(hours=7) - timedelta(hours=1)).replace(tzinfo=None).isoformat()
    response = stored(point, answered_at=local_text)
    assert abs(response.answered_at - (now - timedelta(hours=1))) < timedelta(seconds=1)


def test_contact_is_kept_only_with_consent_and_its_text(point):
    response = stored(
        point,
        contact={"name": "Nguyễn Văn An", "phone": "0905123456", "consent": True},
        consent_text="Đồng ý để cơ quan liên hệ trả lời.",
    )
    assert (response.contact_name, response.contact_phone) == ("Nguyễn Văn An", "0905123456")
    assert response.contact_consent_at is not None
    assert response.contact_consent_text == "Đồng ý để cơ quan liên hệ trả lời."


def test_taps_closer_than_the_misuse_window_on_one_tablet_are_flagged(point):
    from core.models import KioskDevice

    tablet = KioskDevice(point_id=point.id, token_hash="x" * 64)
    other = KioskDevice(point_id=point.id, token_hash="y" * 64)
    db.session.add_all([tablet, other])
    db.session.commit()
    t0 = utcnow() - timedelta(hours=2)
    at = lambda seconds: (t0 + timedelta(seconds=seconds)).isoformat()  # noqa: E731
    first = stored(point, device=tablet, answered_at=at(0))
    close = stored(point, device=tablet, answered_at=at(2))
    apart = stored(point, device=tablet, answered_at=at(10))
    elsewhere = stored(point, device=other, answered_at=at(1))
    assert [first.flag, close.flag, apart.flag, elsewhere.flag] == [None, "misuse", None, None]
    # Judged by answered_at, not arrival: all four arrived within a second of each other (a queue
    # flushed two hours late), and only the pair tapped 2 s apart is flagged.
    assert max(r.received_at for r in (first, close, apart, elsewhere)) - first.received_at < timedelta(seconds=3)


def test_repeat_hint_flags_qr_answers_only(point):
    assert stored(point, channel="qr", repeat=True).flag == "repeat"
    assert stored(point, channel="visit", repeat=True).flag is None


def test_a_visit_code_is_spent_with_its_response(point):
    [code] = create_visit_codes(Actor.cli(), point, 1)
    db.session.commit()
    row = find_visit_code(code)
    with as_request():
        response = stored(point, channel="visit", visit_code=row)
    db.session.refresh(row)
    assert row.used_at is not None and row.response_id == response.id
    with pytest.raises(Gone), as_request():
        record(point, channel="visit", visit_code=row)
    assert count(Response) == 1


def test_an_expired_visit_code_stores_nothing(point):
    [code] = create_visit_codes(Actor.cli(), point, 1)
    row = find_visit_code(code)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(Gone), as_request():
        record(point, channel="visit", visit_code=row)
    assert (count(Response), count(Answer)) == (0, 0)


def _race(app, workers, job):
    barrier = threading.Barrier(workers)
    outcomes, errors = [], []

    def run(index):
        with app.app_context():
            try:
                barrier.wait()
                outcome = job(index)
                db.session.commit()  # as the request would, once the view returned
                outcomes.append(outcome)
            except Exception as exc:  # collected and asserted below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, errors


@pytest.mark.postgres
def test_twenty_threads_sending_one_id_store_one_row(app, point):
    rid = str(uuid.uuid4())
    point_id = point.id
    db.session.remove()

    def send(_):
        from core.models import Point

        return record_response(
            response_id=rid,
            point=db.session.get(Point, point_id),
            channel="kiosk",
            answers={"overall": 5, "welcome": 4},
        ).created

    outcomes, errors = _race(app, 20, send)
    assert errors == []
    assert sorted(outcomes) == [False] * 19 + [True]
    assert (count(Response), count(Answer)) == (1, 2)


@pytest.mark.postgres
def test_two_racing_uses_of_one_visit_code_store_one(app, point):
    [code] = create_visit_codes(Actor.cli(), point, 1)
    db.session.commit()
    point_id = point.id
    db.session.remove()

    def send(_):
        from core.models import Point

        return record_response(
            response_id=str(uuid.uuid4()),
            point=db.session.get(Point, point_id),
            channel="visit",
            answers={"overall": 5},
            visit_code=find_visit_code(code),
        ).created

    outcomes, errors = _race(app, 2, send)
    assert outcomes == [True]
    assert len(errors) == 1 and isinstance(errors[0], Gone)
    assert count(Response) == 1
    assert db.session.scalar(sa.select(VisitCode.response_id)) is not None


def test_personal_data_is_erased_once_its_case_is_finished_and_the_period_over(point, app, runner):
    from core.models import Case

    contact = {"name": "Trần Thị Bình", "phone": "0935000111", "consent": True}
    long_ago = utcnow() - timedelta(days=app.config["CONTACT_RETENTION_DAYS"] + 1)
    closed, waiting, dismissed, fresh = (stored(point, contact=contact, consent_text="Đồng ý") for _ in range(4))
    cases = {c.response_id: c for c in db.session.scalars(sa.select(Case))}
    for response in (closed, waiting, dismissed):
        response.contact_consent_at = long_ago
    cases[closed.id].status, cases[closed.id].closed_at = "closed", long_ago
    cases[dismissed.id].status = "dismissed"
    db.session.flush()
    db.session.execute(sa.update(Case).where(Case.id == cases[dismissed.id].id).values(updated_at=long_ago))
    db.session.commit()
    result = runner.invoke(args=["purge-personal-data"])
    assert result.exit_code == 0, result.output
    assert "erased from 2 case(s) and 2 answer(s)" in result.output
    db.session.expire_all()
    for gone in (closed, dismissed):
        assert (gone.contact_name, gone.contact_phone, gone.contact_consent_text) == (None, None, "Đồng ý")
        assert (cases[gone.id].contact_name, cases[gone.id].contact_phone) == (None, None)
        assert cases[gone.id].contact_consent_text == "Đồng ý"
    # The citizen of the open case still waits for the reply: the contact stays, however old.
    for kept in (waiting, fresh):
        assert (kept.contact_name, cases[kept.id].contact_phone) == ("Trần Thị Bình", "0935000111")
    assert runner.invoke(args=["purge-contacts"]).output.startswith("contact details erased from 0 case(s)")


def test_same_id_from_another_point_is_a_conflict(point):
    other = f.point(point.unit, code="U1-P2")
    db.session.commit()
    rid = str(uuid.uuid4())
    record(point, response_id=rid)
    with pytest.raises(Conflict):
        record(other, response_id=rid)
    with pytest.raises(Conflict):
        record(point, response_id=rid, channel="qr")
    assert count(Response) == 1
