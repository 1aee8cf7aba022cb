"""Personal data (Decree 13/2023, Personal Data Protection Law 2026): the one consent text shown
by the kiosk and the QR survey and stored with the contact, and the erasure of expired contacts."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from core import audit
from core.audit import Actor
from core.extensions import db
from core.models import Response
from core.timeutil import utcnow


def retention_days() -> int:
    return int(current_app.config["CONTACT_RETENTION_DAYS"])


def consent_text(locale: str | None = None) -> str:
    """What the citizen agrees to when leaving a name or phone number, in the page's language
    (or `locale`). It states the purpose and the retention actually applied by the purge."""

    def text() -> str:
        return _(
            "Tôi đồng ý để cơ quan dùng họ tên và số điện thoại này chỉ để liên hệ trả lời ý kiến của tôi; "
            "thông tin được xoá sau %(days)s ngày.",
            days=retention_days(),
        )

    if locale is None:
        return text()
    with force_locale(locale):
        return text()


def erase_expired_contacts(actor: Actor, now: datetime | None = None) -> int:
    """Blank the name and phone left for a reply once CONTACT_RETENTION_DAYS have passed.

    The consent time and text stay with the answer, as evidence of what was agreed.
    """
    days = retention_days()
    cutoff = (now or utcnow()) - timedelta(days=days)
    result = db.session.execute(
        sa.update(Response)
        .where(
            Response.contact_consent_at < cutoff,
            sa.or_(Response.contact_name.is_not(None), Response.contact_phone.is_not(None)),
        )
        .values(contact_name=None, contact_phone=None)
        .execution_options(synchronize_session=False)
    )
    audit.record(actor, "privacy.erase_contacts", "responses", {"erased": result.rowcount, "retention_days": days})
    return result.rowcount
