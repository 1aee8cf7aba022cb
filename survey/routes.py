"""QR survey pages (built out by the QR survey issue)."""

import sqlalchemy as sa
from flask import abort, render_template

from core.extensions import db
from core.models import Point
from survey import bp


@bp.get("/s/<token>")
def point_survey(token: str):
    point = db.session.scalar(sa.select(Point).where(Point.public_token == token, Point.active.is_(True)))
    if point is None:
        abort(404)
    return render_template("survey/form.html", point=point)
