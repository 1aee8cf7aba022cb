"""Delivering the outbox: e-mail to the unit's managers, a signed JSON webhook.

Each delivery is claimed, sent and marked in its own transaction, so a crash re-sends at most the
one in flight (receivers de-duplicate by `event_id`), and a receiver that is down is tried again
with back-off: 30 s, 1 min, 2 min ... up to an hour between tries.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_mail import Message

from core import transactions
from core.extensions import db, mail
from core.models import OutboxDelivery, OutboxEvent, Unit, User
from core.org.units import subtree_ids
from core.timeutil import utcnow

BATCH = 100
MAX_BACKOFF = timedelta(hours=1)
WEBHOOK_TIMEOUT = 10

SUBJECTS = {
    "alert.opened": "[Cảnh báo] Nhiều đánh giá chưa hài lòng tại {point}",
    "case.opened": "[Phản ánh mới] {unit}: hạn trả lời {due}",
    "case.overdue": "[Quá hạn] Phản ánh số {case} của {unit} chưa được trả lời",
    "reminder.sent": "[Đôn đốc] Văn phòng Thanh tra tỉnh nhắc {unit}",
}


def smtp_settings(url: str) -> dict:
    """Flask-Mail's settings from SMTP_URL: smtp://user:pass@host:port (STARTTLS with
    `?starttls=1`), or smtps://... for TLS from the start."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("SMTP_URL must start with smtp:// or smtps://")
    return {
        "MAIL_SERVER": parts.hostname or "localhost",
        "MAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "MAIL_USERNAME": unquote(parts.username) if parts.username else None,
        "MAIL_PASSWORD": unquote(parts.password) if parts.password else None,
        "MAIL_USE_SSL": parts.scheme == "smtps",
        "MAIL_USE_TLS": "starttls=1" in (parts.query or ""),
        # Flask-Mail holds mail back under TESTING; a configured SMTP_URL means: send.
        "MAIL_SUPPRESS_SEND": False,
    }


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=30) * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def manager_emails(unit_id: int | None) -> list[str]:
    """Active unit managers of the unit or of a unit above it, with an e-mail address."""
    if unit_id is None:
        return []
    rows = db.session.execute(
        sa.select(User.unit_id, User.email).where(
            User.role == "unit_manager", User.active.is_(True), User.email.is_not(None), User.email != ""
        )
    ).all()
    return sorted({email for manager_unit, email in rows if manager_unit and unit_id in subtree_ids(manager_unit)})


def webhook_body(event: OutboxEvent) -> bytes:
    unit = db.session.get(Unit, event.unit_id) if event.unit_id else None
    point_code = event.payload.get("point")
    for key in ("alert", "case"):
        if key in event.payload:
            point_code = event.payload[key].get("point")
    body = {
        "event_id": str(event.id),
        "type": event.type,
        "unit": unit.code if unit else None,
        "point": point_code,
        "created_at": event.created_at.isoformat(),
        **event.payload,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")


def signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _send_webhook(event: OutboxEvent) -> str | None:
    url = current_app.config["ALERT_WEBHOOK_URL"]
    if not url:
        return "skipped: ALERT_WEBHOOK_URL is not set"
    body = webhook_body(event)
    headers = {"Content-Type": "application/json", "User-Agent": "hai-long-notifier"}
    if current_app.config["WEBHOOK_SECRET"]:
        headers["X-Signature"] = signature(body, current_app.config["WEBHOOK_SECRET"])
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - the office's URL
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise RuntimeError(f"webhook answered {response.status}")
    return None


def _text(event: OutboxEvent) -> tuple[str, str]:
    payload = event.payload
    subject_of = payload.get("case") or payload.get("alert") or payload
    unit = db.session.get(Unit, event.unit_id) if event.unit_id else None
    values = {
        "unit": unit.name if unit else "",
        "point": subject_of.get("point") or "",
        "due": subject_of.get("due", ""),
        "case": subject_of.get("id", ""),
    }
    subject = SUBJECTS[event.type].format(**values)
    lines = [subject, "", json.dumps(payload, ensure_ascii=False, indent=2)]
    lines += ["", f"{current_app.config['PUBLIC_BASE_URL']}/admin/", f"Mã sự kiện: {event.id}"]
    return subject, "\n".join(lines)


def _send_email(event: OutboxEvent) -> str | None:
    if not current_app.config["SMTP_URL"]:
        return "skipped: SMTP_URL is not set"
    recipients = manager_emails(event.unit_id)
    if not recipients:
        return "skipped: no manager of the unit has an e-mail address"
    subject, text = _text(event)
    message = Message(subject=subject, recipients=recipients, body=text, sender=current_app.config["MAIL_FROM"])
    message.extra_headers = {"X-Event-Id": str(event.id)}
    mail.send(message)
    return None


SENDERS = {"email": _send_email, "webhook": _send_webhook}


@dataclass
class Pass:
    delivered: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _claim(delivery_id: int, now: datetime) -> OutboxDelivery | None:
    """Lock one due delivery; None when another worker holds it or it is already done."""
    query = sa.select(OutboxDelivery).where(
        OutboxDelivery.id == delivery_id, OutboxDelivery.delivered_at.is_(None), OutboxDelivery.next_attempt_at <= now
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.scalar(query)


def _deliver_one(delivery_id: int, now: datetime, result: Pass) -> None:
    with transactions.unit_of_work():
        delivery = _claim(delivery_id, now)
        if delivery is None:
            return
        delivery.attempts += 1
        try:
            note = SENDERS[delivery.channel](delivery.event)
        except Exception as exc:  # any failure of the receiver: try again later
            delivery.next_attempt_at = now + backoff(delivery.attempts)
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:500]
            result.failed += 1
            result.errors.append(f"{delivery.event.type} {delivery.event_id} {delivery.channel}: {delivery.last_error}")
            return
        delivery.delivered_at = now
        delivery.last_error = note
        if note:
            result.skipped += 1
        else:
            result.delivered += 1


def deliver_pending(now: datetime | None = None) -> Pass:
    """Send every delivery that is due, oldest first."""
    now = now or utcnow()
    result = Pass()
    with transactions.unit_of_work():
        ids = list(
            db.session.scalars(
                sa.select(OutboxDelivery.id)
                .where(OutboxDelivery.delivered_at.is_(None), OutboxDelivery.next_attempt_at <= now)
                .order_by(OutboxDelivery.next_attempt_at, OutboxDelivery.id)
                .limit(BATCH)
            )
        )
    for delivery_id in ids:
        _deliver_one(delivery_id, now, result)
    return result
