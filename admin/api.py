"""Admin JSON API under /api/v1: units, points, the satisfaction report, the OpenAPI document.
Every answer is cut to the caller's scope (g.scope)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g, jsonify

from admin import bp
from admin.access import api_login_required
from admin.report_filter import date_range
from core.extensions import db
from core.links import survey_url
from core.models import CompetitionGroup, Point, Unit
from core.openapi import openapi_document
from core.reporting.queries import satisfaction_by_unit


def _scoped(query, column):
    return query if g.scope is None else query.where(column.in_(g.scope))


@bp.get("/api/v1/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/api/v1/units")
@api_login_required
def units():
    parent = sa.orm.aliased(Unit)
    query = (
        sa.select(Unit.code, Unit.name, Unit.kind, parent.code, CompetitionGroup.code)
        .outerjoin(parent, Unit.parent_id == parent.id)
        .outerjoin(CompetitionGroup, Unit.group_id == CompetitionGroup.id)
        .order_by(Unit.code)
    )
    rows = db.session.execute(_scoped(query, Unit.id)).all()
    keys = ("code", "name", "kind", "parent", "group")
    return jsonify([dict(zip(keys, row, strict=True)) for row in rows])


@bp.get("/api/v1/points")
@api_login_required
def points():
    query = sa.select(Point).join(Unit).order_by(Point.code).options(sa.orm.joinedload(Point.unit))
    rows = db.session.scalars(_scoped(query, Point.unit_id)).all()
    return jsonify([{"code": p.code, "name": p.name, "unit": p.unit.code, "survey_url": survey_url(p)} for p in rows])


@bp.get("/api/v1/reports/satisfaction")
@api_login_required
def satisfaction():
    first, last = date_range()
    # core.reporting.queries ranks among every unit of a group before cutting the rows to the scope.
    rows = satisfaction_by_unit(first, last, g.scope, current_app.config["MIN_SAMPLE"])
    response = jsonify([row.as_dict() for row in rows])
    # The contract's body is the list of rows; the range actually used travels in headers.
    response.headers["X-Report-From"] = first.isoformat()
    response.headers["X-Report-To"] = last.isoformat()
    response.headers["X-Min-Sample"] = str(current_app.config["MIN_SAMPLE"])
    return response
