"""The audit log: who (an account, a kiosk tablet or the command line) did what to which object,
and what changed."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request
from sqlalchemy.orm import selectinload

from admin import bp
from admin.access import access
from core.extensions import db
from core.models import AuditLog

PER_PAGE = 100
MAX_PAGE = 100_000


@bp.get("/admin/audit")
@access("province")
def audit_log():
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) <= MAX_PAGE else 1
    pagination = db.paginate(
        sa.select(AuditLog)
        .options(selectinload(AuditLog.user), selectinload(AuditLog.device))
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc()),
        page=page,
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template("admin/audit.html", pagination=pagination)
