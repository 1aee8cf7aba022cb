"""Personal data housekeeping (Decree 13/2023, Personal Data Protection Law 2026)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from core.extensions import db
from core.models import Response
from core.timeutil import utcnow


def erase_expired_contacts(now: datetime | None = None) -> int:
    """Blank the name and phone left for a reply once CONTACT_RETENTION_DAYS have passed.

    The consent time and text stay with the answer, as evidence of what was agreed.
    """
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["CONTACT_RETENTION_DAYS"])
    result = db.session.execute(
        sa.update(Response)
        .where(
            Response.contact_consent_at < cutoff,
            sa.or_(Response.contact_name.is_not(None), Response.contact_phone.is_not(None)),
        )
        .values(contact_name=None, contact_phone=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount
