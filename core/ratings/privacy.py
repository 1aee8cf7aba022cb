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
from core.models import Case, Response
from core.timeutil import utcnow


def retention_days() -> int:
    return int(current_app.config["CONTACT_RETENTION_DAYS"])


def consent_text(locale: str | None = None) -> str:
    """What the citizen agrees to when leaving a name, a phone number or an e-mail address, in the
    page's language (or `locale`). It states the purpose and the retention actually applied."""

    def text() -> str:
        return _(
            "Tôi đồng ý để cơ quan dùng họ tên và thông tin liên lạc này chỉ để liên hệ trả lời ý kiến của tôi; "
            "thông tin được xoá sau %(days)s ngày.",
            days=retention_days(),
        )

    if locale is None:
        return text()
    with force_locale(locale):
        return text()


def _finished_cases(cutoff: datetime):
    """Cases whose handling ended before the cutoff: closed, or dismissed."""
    return sa.or_(
        sa.and_(Case.status == "closed", Case.closed_at < cutoff),
        sa.and_(Case.status == "dismissed", Case.updated_at < cutoff),
    )


def erase_expired_personal_data(actor: Actor, now: datetime | None = None) -> tuple[int, int]:
    """Blank the names, phones and e-mails of cases finished more than CONTACT_RETENTION_DAYS
    ago, and of answers that opened no case (or whose case is finished); returns (cases, answers).

    Contacts of a case still being handled stay: the citizen is waiting for the reply. The consent
    time and text stay with each record, as evidence of what was agreed.
    """
    days = retention_days()
    cutoff = (now or utcnow()) - timedelta(days=days)
    open_case = sa.exists().where(Case.response_id == Response.id, sa.not_(_finished_cases(cutoff)))
    answers = db.session.execute(
        sa.update(Response)
        .where(
            Response.contact_consent_at < cutoff,
            sa.or_(Response.contact_name.is_not(None), Response.contact_phone.is_not(None)),
            sa.not_(open_case),
        )
        .values(contact_name=None, contact_phone=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    cases = db.session.execute(
        sa.update(Case)
        .where(
            _finished_cases(cutoff),
            sa.or_(Case.contact_name.is_not(None), Case.contact_phone.is_not(None), Case.contact_email.is_not(None)),
        )
        # Erasing is not handling: the case keeps its last-updated time.
        .values(contact_name=None, contact_phone=None, contact_email=None, updated_at=Case.updated_at)
        .execution_options(synchronize_session=False)
    ).rowcount
    audit.record(
        actor, "privacy.erase", "cases, responses", {"cases": cases, "answers": answers, "retention_days": days}
    )
    return cases, answers
