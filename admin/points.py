"""Reception points: the list (search, a unit filter, pages), new points, renaming, (de)activation,
QR posters (one point's, or all of a unit's in one PDF) and visit slips."""

from __future__ import annotations

import math
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from admin import bp
from admin.access import access, get_or_404, point_or_404, posted_action, require_scope, scoped_units
from admin.forms import AdminForm, PointForm, PointNameForm, VisitSlipsForm
from core.extensions import db
from core.links import survey_url
from core.models import Point, Unit
from core.org.points import create_point, rename_point, rotate_point_token, set_point_active
from core.ratings.visit_codes import create_visit_codes
from core.text import fold

DEFAULT_SLIPS = 20
PER_PAGE = 25
MAX_QUERY = 100
POSTER_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}


@dataclass(frozen=True)
class Listing:
    """One page of the list: the filters as given, the points found, and where the pages lead."""

    query: str
    unit: Unit | None
    points: list[Point]
    total: int
    page: int
    pages: int

    def state(self, page: int | None = None) -> dict:
        """The search, unit and page as query arguments: carried by the row forms, so that the list
        comes back where the user was after a rename, a new code or a (de)activation."""
        values = {"q": self.query or None, "unit": self.unit.code if self.unit else None, "page": page or self.page}
        return {key: value for key, value in values.items() if value not in (None, "")}

    def url(self, page: int) -> str:
        return url_for("admin.point_list", **self.state(page))


def _back_to_list():
    """The list as the row's form left it (its search, unit and page ride on the form's URL)."""
    state = {key: request.args.get(key) for key in ("q", "unit", "page") if request.args.get(key)}
    return redirect(url_for("admin.point_list", **state))


def _matching_ids(query: str, unit: Unit | None) -> list[int]:
    """The caller's points in list order, kept when `query` is found in the point's code or name or
    its unit's name, ignoring case, diacritics and extra spaces ("hoi an" finds "Hội An")."""
    rows = sa.select(Point.id, Point.code, Point.name, Unit.name).join(Unit).order_by(Unit.code, Point.code)
    if g.scope is not None:
        rows = rows.where(Point.unit_id.in_(g.scope))
    if unit is not None:
        rows = rows.where(Point.unit_id == unit.id)
    wanted = " ".join(fold(query).split())
    return [
        point_id
        for point_id, code, name, unit_name in db.session.execute(rows)
        if any(wanted in " ".join(fold(text).split()) for text in (code, name, unit_name))
    ]


def _listing(units: list[Unit]) -> Listing:
    query = request.args.get("q", "").strip()[:MAX_QUERY]
    by_code = {unit.code: unit for unit in units}
    unit = by_code.get(request.args.get("unit", ""))
    ids = _matching_ids(query, unit)
    pages = max(1, math.ceil(len(ids) / PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    shown = ids[(page - 1) * PER_PAGE : page * PER_PAGE]
    found = {point.id: point for point in db.session.scalars(sa.select(Point).where(Point.id.in_(shown)))}
    return Listing(query, unit, [found[point_id] for point_id in shown], len(ids), page, pages)


def _points_page(failed: AdminForm | None = None, failed_point: int | None = None, new: PointForm | None = None):
    """The list; after a refused form, that form (with its errors) in place of a fresh one, and 422."""
    units = scoped_units()
    listing = _listing(units)
    points = listing.points
    if failed_point is not None and all(point.id != failed_point for point in points):
        points = [db.session.get(Point, failed_point), *points]  # its row carries the form's errors
    rename = failed if isinstance(failed, PointNameForm) else PointNameForm(formdata=None)
    slips = failed if isinstance(failed, VisitSlipsForm) else VisitSlipsForm(formdata=None)
    return render_template(
        "admin/points.html",
        points=points,
        listing=listing,
        units=units,
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
    return _back_to_list()


@bp.post("/admin/points/<int(max=2147483647):point_id>/rename")
@access("manage")
def point_rename(point_id: int):
    point = point_or_404(point_id)
    form = PointNameForm()
    if not form.submit(lambda: rename_point(g.actor, point, form.name.data)):
        return _points_page(form, point.id)
    flash(_("Đã đổi tên điểm %(code)s.", code=point.code))
    return _back_to_list()


@bp.post("/admin/points/<int(max=2147483647):point_id>/active")
@access("manage")
def point_active(point_id: int):
    point = point_or_404(point_id)
    posted_action()
    set_point_active(g.actor, point, not point.active)
    return _back_to_list()


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


@bp.get("/admin/points/posters/<int(max=2147483647):unit_id>.pdf")
@access("manage")
def unit_posters(unit_id: int):
    """Every active point's poster of one unit, a page each, in one PDF to print at once."""
    unit = get_or_404(Unit, unit_id)
    require_scope(unit.id)
    points = db.session.scalars(
        sa.select(Point).where(Point.unit_id == unit.id, Point.active.is_(True)).order_by(Point.code)
    ).all()
    if not points:
        flash(_("%(unit)s chưa có điểm tiếp nhận nào đang hoạt động để in áp phích.", unit=unit.name), "error")
        return redirect(url_for("admin.point_list", unit=unit.code))
    from core.reporting.posters import poster_bytes

    response = Response(poster_bytes(points, "pdf"), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="ap-phich-{unit.code}.pdf"'
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
