"""Alerts fire once per rule and point until acknowledged; events reach a real SMTP server
(aiosmtpd) and a real HTTP receiver, signed, once each, and again after the receiver was down."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from core.audit import Actor
from core.errors import Conflict, ValidationFailed
from core.extensions import db
from core.models import Alert, AlertRule, OutboxDelivery, OutboxEvent, User
from core.notify.delivery import deliver_pending
from core.ratings.alerts import acknowledge
from core.ratings.responses import record_response
from core.timeutil import utcnow
from tests import factories as f
from tests.conftest import as_request, committing


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def point(app_ctx):
    row = f.point(f.unit("H-HOIAN", f.group("g")))
    db.session.commit()
    return row


def rate(point, overall, minutes_ago=5.0, comment=None, flag_device=None):
    with as_request():
        return record_response(
            response_id=uuid.uuid4(),
            point=point,
            channel="qr",
            answers={"overall": overall},
            comment=comment,
            answered_at=(utcnow() - timedelta(minutes=minutes_ago)).isoformat(),
        )


def alerts() -> list[Alert]:
    return db.session.scalars(sa.select(Alert).order_by(Alert.id)).all()


def events(kind: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEvent).where(OutboxEvent.type == kind))


# ---------- alerts ----------


def test_thirty_percent_of_ten_low_within_two_hours_opens_one_alert(point):
    for score in (1, 2, 2, 5, 5, 5, 4, 4, 4):
        rate(point, score)
    assert alerts() == []  # 3 low of 9: under the minimum of 10 answers
    rate(point, 5)
    [alert] = alerts()
    assert (alert.status, alert.details["answers"], alert.details["low"]) == ("open", 10, 3)
    assert events("alert.opened") == 1
    for _ in range(3):
        rate(point, 1)
    assert len(alerts()) == 1 and events("alert.opened") == 1  # no storm


def test_a_low_answer_arriving_late_from_a_tablets_queue_still_trips_the_window(point):
    # Seven recent answers came in first; the three low ones given earlier arrive after a network
    # outage. The two hours holding all ten hold 3 low answers of 10.
    for _ in range(7):
        rate(point, 5, minutes_ago=10)
    for minutes in (70, 80):
        rate(point, 1, minutes_ago=minutes)
    assert alerts() == []
    rate(point, 2, minutes_ago=90)
    [alert] = alerts()
    assert (alert.details["answers"], alert.details["low"]) == (10, 3)


def test_answers_spread_wider_than_the_window_do_not_trip_it(point):
    for minutes in (200, 190, 180):
        rate(point, 1, minutes_ago=minutes)
    for minutes in range(7):
        rate(point, 5, minutes_ago=50 - minutes)
    assert alerts() == []  # 10 answers within 150 minutes, but never 3 low among 10 within 120


def test_answers_outside_the_window_or_flagged_do_not_count(point):
    for score in (1, 1, 1):
        rate(point, score, minutes_ago=150)
    for _ in range(7):
        rate(point, 5)
    assert alerts() == []  # 10 answers, but the 3 low ones are older than 2 hours
    from core.models import Response

    db.session.execute(sa.update(Response).values(flag="repeat"))
    db.session.commit()
    for score in (1, 1, 1, 5, 5, 5, 5, 5, 5):
        rate(point, score)
    assert alerts() == []  # 9 counted answers in the window


def test_after_an_acknowledgement_the_rule_may_fire_again(point, app_ctx):
    for score in (1, 1, 1, 5, 5, 5, 5, 5, 5, 5):
        rate(point, score)
    [first] = alerts()
    admin = User(username="vp", role="province_admin", password_hash="x")
    db.session.add(admin)
    db.session.flush()
    with pytest.raises(ValidationFailed):
        acknowledge(Actor(user=admin), first, "  ")
    acknowledge(Actor(user=admin), first, "Đã nhắc bộ phận một cửa")
    db.session.commit()
    with pytest.raises(Conflict):
        acknowledge(Actor(user=admin), first, "lần hai")
    assert (first.status, first.note, first.acknowledged_by_id) == ("acknowledged", "Đã nhắc bộ phận một cửa", admin.id)
    rate(point, 1)
    assert [a.status for a in alerts()] == ["acknowledged", "open"]


def test_a_lowest_score_with_a_comment_rule_for_one_point(point):
    other = f.point(f.unit("H-TAMKY"))
    db.session.add(AlertRule(kind="lowest_comment", point_id=point.id))
    db.session.commit()
    rate(point, 1)  # no comment
    rate(other, 1, comment="Tệ quá")  # the rule is for another point
    rate(point, 2, comment="Chưa tốt")  # not the lowest score
    assert alerts() == []
    rate(point, 1, comment="Thái độ rất tệ")
    [alert] = alerts()
    assert alert.rule.kind == "lowest_comment" and alert.point_id == point.id and alert.details["score"] == 1


# ---------- the outbox: real SMTP, real HTTP ----------


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


class Receiver:
    """A local HTTP endpoint that records what it is sent and can fail or be switched off."""

    def __init__(self):
        self.port = free_port()
        self.received: list[tuple[dict, bytes]] = []
        self.fail_next = 0
        self.server = None

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.fail_next:
                    receiver.fail_next -= 1
                    self.send_response(500)
                else:
                    receiver.received.append((dict(self.headers), body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    hook = Receiver()
    hook.start()
    yield hook
    if hook.server is not None:
        hook.stop()


@pytest.fixture
def wired(make_app, smtp, receiver):
    controller, _inbox = smtp
    app = make_app(
        SMTP_URL=f"smtp://127.0.0.1:{controller.port}",
        MAIL_FROM="danhgia@thanhtra.quangnam.gov.vn",
        ALERT_WEBHOOK_URL=f"http://127.0.0.1:{receiver.port}/hook",
        WEBHOOK_SECRET="bí-mật",
    )
    with committing(app):
        unit = f.unit("H-HOIAN", f.group("g"))
        f.point(unit)
        manager = User(username="hoian", role="unit_manager", unit=unit, password_hash="x", email="lanhdao@hoian.vn")
        db.session.add_all([manager, User(username="xem", role="viewer", unit=unit, password_hash="x", email="x@x.vn")])
    return app


def open_case(app, comment="Phải chờ hai tiếng") -> None:
    with app.app_context():
        point = db.session.scalar(sa.select(f.Point))
        rate(point, 1, comment=comment)


def test_an_event_reaches_the_managers_mailbox_and_the_webhook_once_signed(wired, smtp, receiver):
    _controller, inbox = smtp
    open_case(wired)
    with wired.app_context():
        result = deliver_pending()
        assert (result.delivered, result.failed) == (2, 0)
        event_id = str(db.session.scalar(sa.select(OutboxEvent.id)))
        again = deliver_pending()
        assert (again.delivered, again.failed, again.skipped) == (0, 0, 0)
    [message] = inbox.messages
    assert message.rcpt_tos == ["lanhdao@hoian.vn"]  # the manager, not the viewer
    assert message.mail_from == "danhgia@thanhtra.quangnam.gov.vn"
    text = message.content.decode("utf-8", "replace")
    assert event_id in text
    [(headers, body)] = receiver.received
    expected = "sha256=" + hmac.new("bí-mật".encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Signature"] == expected
    payload = json.loads(body)
    assert payload["event_id"] == event_id and payload["type"] == "case.opened"
    assert (payload["unit"], payload["point"]) == ("H-HOIAN", "H-HOIAN-P1")
    assert payload["case"]["status"] == "new" and "contact_name" not in payload["case"]


def test_a_receiver_that_was_down_gets_the_event_later_exactly_once(wired, smtp, receiver):
    _controller, inbox = smtp
    receiver.stop()
    open_case(wired)
    with wired.app_context():
        first = deliver_pending()
        assert (first.delivered, first.failed) == (1, 1)  # e-mail went, the webhook did not
        webhook = db.session.scalar(sa.select(OutboxDelivery).where(OutboxDelivery.channel == "webhook"))
        assert webhook.attempts == 1 and webhook.delivered_at is None and "Error" in webhook.last_error
        retry_at = webhook.next_attempt_at
        assert retry_at > utcnow()
        assert deliver_pending().failed == 0  # not due yet: no hammering
        receiver.start()
        receiver.fail_next = 1
        assert deliver_pending(now=retry_at).failed == 1  # up, but answering 500
        webhook = db.session.scalar(sa.select(OutboxDelivery).where(OutboxDelivery.channel == "webhook"))
        assert webhook.attempts == 2 and webhook.next_attempt_at - retry_at >= timedelta(seconds=59)
        assert deliver_pending(now=webhook.next_attempt_at).delivered == 1
        assert deliver_pending(now=webhook.next_attempt_at + timedelta(hours=2)).delivered == 0
    assert len(receiver.received) == 1 and len(inbox.messages) == 1


def test_unconfigured_channels_are_skipped_not_retried(app_ctx, point):
    rate(point, 1, comment="Tệ")
    result = deliver_pending()
    assert (result.delivered, result.skipped, result.failed) == (0, 2, 0)
    notes = set(db.session.scalars(sa.select(OutboxDelivery.last_error)))
    assert notes == {"skipped: SMTP_URL is not set", "skipped: ALERT_WEBHOOK_URL is not set"}


def test_the_worker_command_announces_overdue_cases_once_and_delivers(wired, receiver):
    open_case(wired)
    with committing(wired):
        from core.models import Case

        db.session.execute(sa.update(Case).values(due=utcnow().date() - timedelta(days=3)))
    runner = wired.test_cli_runner()
    result = runner.invoke(args=["deliver-notifications"])
    assert result.exit_code == 0, result.output
    assert "overdue cases announced: 1; delivered 4" in result.output
    assert runner.invoke(args=["deliver-notifications"]).output == ""
    types = [json.loads(body)["type"] for _headers, body in receiver.received]
    assert sorted(types) == ["case.opened", "case.overdue"]
