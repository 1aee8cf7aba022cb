"""Units (the tree, editing a unit), competition groups, and spreadsheet imports."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from admin import bp
from admin.access import access, get_or_404, scoped_units
from admin.formatting import UNIT_KIND_LABELS
from admin.forms import GroupForm, ImportForm, UnitForm
from admin.report_filter import unit_tree
from core.extensions import db
from core.models import CompetitionGroup, Point, Unit
from core.org import units
from core.org.imports import ImportFailed, import_groups, import_points, import_units
from core.org.units import save_group, update_unit

IMPORTERS = {"units": import_units, "points": import_points, "groups": import_groups}
SHOWN_IMPORT_ERRORS = 20


def _units_page(form: ImportForm, import_errors: list[str] = ()):
    counts = dict(db.session.execute(sa.select(Point.unit_id, sa.func.count(Point.id)).group_by(Point.unit_id)).all())
    return render_template(
        "admin/units.html",
        kind_labels=UNIT_KIND_LABELS,
        tree=unit_tree(None),
        counts=counts,
        form=form,
        import_errors=import_errors[:SHOWN_IMPORT_ERRORS],
        hidden_errors=max(0, len(import_errors) - SHOWN_IMPORT_ERRORS),
    ), form.http_status


@bp.get("/admin/units")
@access("province")
def unit_list():
    return _units_page(ImportForm())


@bp.route("/admin/units/<int(max=2147483647):unit_id>/edit", methods=["GET", "POST"])
@access("province")
def unit_edit(unit_id: int):
    """Rename a unit, move it in the tree or into another group (the import does the same in bulk)."""
    unit = get_or_404(Unit, unit_id)
    form = UnitForm(
        data={
            "name": unit.name,
            "kind": unit.kind,
            "parent": unit.parent.code if unit.parent else "",
            "group": unit.group.code if unit.group else "",
        }
    )
    if unit.kind not in units.UNIT_KINDS:
        # A kind an import brought stays choosable for its unit, shown as it is stored.
        form.kind.choices = [*form.kind.choices, SelectChoice(unit.kind, unit.kind)]
    saved = form.submit(
        lambda: update_unit(
            g.actor,
            unit,
            name=form.name.data,
            kind=form.kind.data,
            parent_code=form.parent.data or None,
            group_code=form.group.data or None,
        )
    )
    if saved:
        flash(_("Đã lưu đơn vị %(code)s.", code=unit.code))
        return redirect(url_for("admin.unit_list"))
    return render_template(
        "admin/unit_edit.html",
        unit=unit,
        form=form,
        units=[u for u in scoped_units() if u.id != unit.id],
        groups=db.session.scalars(sa.select(CompetitionGroup).order_by(CompetitionGroup.code)).all(),
    ), form.http_status


@bp.post("/admin/units/import")
@access("province")
def import_file():
    form = ImportForm()
    if not form.validate_on_submit():
        return _units_page(form)
    upload = form.file.data
    # The whole file: the request itself is capped by ADMIN_MAX_CONTENT_LENGTH.
    try:
        result = IMPORTERS[form.kind.data](g.actor, upload.read(), upload.filename)
    except ImportFailed as exc:
        form.form_errors.append(_("Không nhập được tệp %(name)s, chưa có gì thay đổi:", name=upload.filename))
        return _units_page(form, exc.errors)
    flash(_("Đã nhập %(name)s: %(c)s mới, %(u)s cập nhật.", name=upload.filename, c=result.created, u=result.updated))
    for note in result.notes:
        flash(note)
    return redirect(url_for("admin.unit_list"))


@bp.route("/admin/groups", methods=["GET", "POST"])
@access("province")
def groups():
    form = GroupForm()
    saved = form.submit(
        lambda: save_group(g.actor, code=form.code.data, name=form.name.data, leader_code=form.leader.data or None)
    )
    if saved:
        flash(_("Đã lưu khối/cụm %(code)s.", code=form.code.data))
        return redirect(url_for("admin.groups"))
    rows = db.session.scalars(sa.select(CompetitionGroup).order_by(CompetitionGroup.code)).all()
    members: dict[int, list[Unit]] = {}
    for unit in db.session.scalars(sa.select(Unit).where(Unit.group_id.is_not(None)).order_by(Unit.code)):
        members.setdefault(unit.group_id, []).append(unit)
    return render_template(
        "admin/groups.html", groups=rows, members=members, units=scoped_units(), form=form
    ), form.http_status
