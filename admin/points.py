"""Reception points: the list, new points, renaming, (de)activation, QR posters and visit slips."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from admin import bp
from admin.access import access, point_or_404, posted_action, scoped_units
from admin.forms import AdminForm, PointForm, PointNameForm, VisitSlipsForm
from core.extensions import db
from core.links import survey_url
from core.models import Point, Unit
from core.org.points import create_point, rename_point, rotate_point_token, set_point_active
from core.ratings.visit_codes import create_visit_codes

DEFAULT_SLIPS = 20
POSTER_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}


def _points_page(failed: AdminForm | None = None, failed_point: int | None = None, new: PointForm | None = None):
    """The list; after a refused form, that form (with its errors) in place of a fresh one, and 422."""
    query = sa.select(Point).join(Unit).order_by(Unit.code, Point.code)
    if g.scope is not None:
        query = query.where(Point.unit_id.in_(g.scope))
    rename = failed if isinstance(failed, PointNameForm) else PointNameForm(formdata=None)
    slips = failed if isinstance(failed, VisitSlipsForm) else VisitSlipsForm(formdata=None)
    return render_template(
        "admin/points.html",
        points=db.session.scalars(query).all(),
        units=scoped_units(),
        survey_url=survey_url,
        formats=tuple(POSTER_TYPES),
        new=new or PointForm(formdata=None),
        rename=rename,
        slips=slips,
        failed_point=failed_point,
        failed_kind="rename" if failed is rename else "slips" if failed is slips else None,
        default_slips=DEFAULT_SLIPS,
    ), (422 if failed is not None or new is not None else 200)


@bp.get("/admin/points")
@access("manage")
def point_list():
    return _points_page()


@bp.post("/admin/points/new")
@access("manage")
def point_new():
    form = PointForm()
    created = form.submit(
        lambda: create_point(g.actor, code=form.code.data, name=form.name.data, unit_code=form.unit.data)
    )
    if not created:
        return _points_page(new=form)
    flash(_("Đã thêm điểm tiếp nhận %(code)s.", code=form.outcome.code))
    return redirect(url_for("admin.point_list"))


@bp.post("/admin/points/<int(max=2147483647):point_id>/rotate")
@access("manage")
def point_rotate(point_id: int):
    point = point_or_404(point_id)
    posted_action()
    rotate_point_token(g.actor, point)
    flash(_("Đã đổi mã QR của %(code)s: hãy in và dán áp phích mới, áp phích cũ không còn dùng được.", code=point.code))
    return redirect(url_for("admin.point_list"))


@bp.post("/admin/points/<int(max=2147483647):point_id>/rename")
@access("manage")
def point_rename(point_id: int):
    point = point_or_404(point_id)
    form = PointNameForm()
    if not form.submit(lambda: rename_point(g.actor, point, form.name.data)):
        return _points_page(form, point.id)
    flash(_("Đã đổi tên điểm %(code)s.", code=point.code))
    return redirect(url_for("admin.point_list"))


@bp.post("/admin/points/<int(max=2147483647):point_id>/active")
@access("manage")
def point_active(point_id: int):
    point = point_or_404(point_id)
    posted_action()
    set_point_active(g.actor, point, not point.active)
    return redirect(url_for("admin.point_list"))


@bp.get("/admin/points/<int(max=2147483647):point_id>/poster.<fmt>")
@access("manage")
def point_poster(point_id: int, fmt: str):
    point = point_or_404(point_id)
    if fmt not in POSTER_TYPES:
        abort(404)
    from core.reporting.posters import poster_bytes

    response = Response(poster_bytes([point], fmt), mimetype=POSTER_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="ap-phich-{point.code}.{fmt}"'
    return response


@bp.post("/admin/points/<int(max=2147483647):point_id>/visit-slips")
@access("manage")
def point_visit_slips(point_id: int):
    from core.reporting.posters import visit_slips_pdf

    point = point_or_404(point_id)
    form = VisitSlipsForm()
    if not form.submit(lambda: create_visit_codes(g.actor, point, form.count.data)):
        return _points_page(form, point.id)
    response = Response(visit_slips_pdf(point, form.outcome), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="phieu-hen-{point.code}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
