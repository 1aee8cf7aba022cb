"""The outbox: events written with the change that caused them, delivered after the commit."""

from __future__ import annotations

import uuid

from core.extensions import db
from core.models import OutboxDelivery, OutboxEvent, Point, Unit

CHANNELS = ("email", "webhook")
EVENT_TYPES = ("alert.opened", "case.opened", "case.overdue", "reminder.sent")


def emit(event_type: str, unit: Unit | None, point: Point | None, payload: dict) -> OutboxEvent:
    """Queue one event for every channel. Nothing is sent here: a rolled-back change takes its
    events with it, and a committed one keeps them until they are delivered."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    event = OutboxEvent(
        id=uuid.uuid4(),
        type=event_type,
        unit_id=unit.id if unit else None,
        point_id=point.id if point else None,
        payload=payload,
    )
    event.deliveries = [OutboxDelivery(channel=channel) for channel in CHANNELS]
    db.session.add(event)
    db.session.flush()
    return event
