"""Management screens: units, groups, points, kiosk devices, surveys, periods, users, API tokens,
and the audit log. Every change is audited (who, what, when) in the same commit as the change."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from admin import bp
from admin.auth import access, require_scope
from admin.common import unit_tree
from core.errors import ValidationFailed
from core.extensions import db
from core.links import pairing_url, survey_url
from core.models import (
    ROLES,
    SIPAS_ELEMENTS,
    ApiToken,
    AuditLog,
    CompetitionGroup,
    CompetitionPeriod,
    Criterion,
    KioskDevice,
    Milestone,
    Point,
    Reason,
    Survey,
    Unit,
    User,
)
from core.org.accounts import create_api_token, create_user, token_digest
from core.org.accounts import legacy_audit as audit
from core.org.devices import create_pairing_code, revoke_device
from core.org.imports import ImportFailed, import_groups, import_points, import_units
from core.org.points import new_point_token
from core.ratings import scoring
from core.timeutil import utcnow

ROLE_LABELS = {"province_admin": "Văn phòng Thanh tra tỉnh", "unit_manager": "Lãnh đạo đơn vị", "viewer": "Chỉ xem"}
MILESTONE_KINDS = {"so_ket": "Sơ kết", "tong_ket": "Tổng kết", "other": "Khác"}
ONLINE_MINUTES = 10


def _text(name: str, limit: int = 255, required: bool = True) -> str | None:
    value = (request.form.get(name) or "").strip()
    if required and not value:
        return None
    return value[:limit]


def _get_or_404(model, object_id: int):
    row = db.session.get(model, object_id)
    if row is None:
        abort(404)
    return row


def _scoped_point(point_id: int) -> Point:
    point = _get_or_404(Point, point_id)
    require_scope(point.unit_id)
    return point


def _scoped_units() -> list[Unit]:
    query = sa.select(Unit).order_by(Unit.code)
    if g.scope is not None:
        query = query.where(Unit.id.in_(g.scope))
    return list(db.session.scalars(query))


# --- Units, groups, spreadsheet imports ------------------------------------------------------


@bp.get("/admin/units")
@access("province")
def unit_list():
    counts = dict(db.session.execute(sa.select(Point.unit_id, sa.func.count(Point.id)).group_by(Point.unit_id)).all())
    return render_template("admin/units.html", tree=unit_tree(None), counts=counts)


@bp.route("/admin/units/<int(max=2147483647):unit_id>/edit", methods=["GET", "POST"])
@access("province")
def unit_edit(unit_id: int):
    """Rename a unit, move it in the tree or into another group (the import does the same in bulk)."""
    from core.org.units import subtree_ids

    unit = _get_or_404(Unit, unit_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        name, kind = _text("name"), _text("kind", 32)
        parent_code = (request.form.get("parent") or "").strip()
        group_code = (request.form.get("group") or "").strip()
        parent = db.session.scalar(sa.select(Unit).where(Unit.code == parent_code)) if parent_code else None
        group = (
            db.session.scalar(sa.select(CompetitionGroup).where(CompetitionGroup.code == group_code))
            if group_code
            else None
        )
        if not name:
            errors["name"] = _("Cần tên đơn vị.")
        if not kind:
            errors["kind"] = _("Cần loại đơn vị.")
        if parent_code and parent is None:
            errors["parent"] = _("Không có đơn vị cấp trên này.")
        elif parent is not None and parent.id in subtree_ids(unit.id):
            errors["parent"] = _("Không thể đặt đơn vị dưới chính nó hoặc đơn vị cấp dưới của nó.")
        if group_code and group is None:
            errors["group"] = _("Không có khối/cụm này.")
        if not errors:
            before = f"{unit.name} | {unit.kind} | {unit.parent.code if unit.parent else ''} | "
            before += unit.group.code if unit.group else ""
            unit.name, unit.kind, unit.parent, unit.group = name, kind, parent, group
            audit(g.user, "unit.update", unit.code, f"was: {before}")
            db.session.commit()
            flash(_("Đã lưu đơn vị %(code)s.", code=unit.code))
            return redirect(url_for("admin.unit_list"))
    return render_template(
        "admin/unit_edit.html",
        unit=unit,
        errors=errors,
        units=[u for u in _scoped_units() if u.id != unit.id],
        groups=db.session.scalars(sa.select(CompetitionGroup).order_by(CompetitionGroup.code)).all(),
    )


IMPORTERS = {"units": import_units, "points": import_points, "groups": import_groups}


@bp.post("/admin/units/import")
@access("province")
def import_file():
    kind = request.form.get("kind", "")
    upload = request.files.get("file")
    if kind not in IMPORTERS or upload is None or not upload.filename:
        flash(_("Chọn loại dữ liệu và tệp .csv hoặc .xlsx."), "error")
        return redirect(url_for("admin.unit_list"))
    # The whole file: the request itself is capped by ADMIN_MAX_CONTENT_LENGTH.
    data = upload.read()
    try:
        result = IMPORTERS[kind](data, upload.filename)
    except ImportFailed as exc:
        db.session.rollback()
        flash(_("Không nhập được tệp %(name)s, chưa có gì thay đổi:", name=upload.filename), "error")
        for error in exc.errors[:20]:
            flash(error, "error")
        return redirect(url_for("admin.unit_list"))
    audit(g.user, f"import.{kind}", upload.filename, f"created={result.created} updated={result.updated}")
    db.session.commit()
    flash(_("Đã nhập %(name)s: %(c)s mới, %(u)s cập nhật.", name=upload.filename, c=result.created, u=result.updated))
    for note in result.notes:
        flash(note)
    return redirect(url_for("admin.unit_list"))


@bp.route("/admin/groups", methods=["GET", "POST"])
@access("province")
def groups():
    if request.method == "POST":
        code, name = _text("code", 64), _text("name")
        leader_code = _text("leader", 64, required=False)
        leader = db.session.scalar(sa.select(Unit).where(Unit.code == leader_code)) if leader_code else None
        if not code or not name or (leader_code and leader is None):
            flash(_("Cần mã, tên khối/cụm và đơn vị trưởng khối hợp lệ."), "error")
        else:
            group = db.session.scalar(sa.select(CompetitionGroup).where(CompetitionGroup.code == code))
            action = "group.update" if group else "group.create"
            if group is None:
                group = CompetitionGroup(code=code)
                db.session.add(group)
            group.name, group.leader = name, leader
            audit(g.user, action, code, name)
            db.session.commit()
            flash(_("Đã lưu khối/cụm %(code)s.", code=code))
        return redirect(url_for("admin.groups"))
    rows = db.session.scalars(sa.select(CompetitionGroup).order_by(CompetitionGroup.code)).all()
    members: dict[int, list[Unit]] = {}
    for unit in db.session.scalars(sa.select(Unit).where(Unit.group_id.is_not(None)).order_by(Unit.code)):
        members.setdefault(unit.group_id, []).append(unit)
    return render_template("admin/groups.html", groups=rows, members=members, units=_scoped_units())


# --- Reception points ------------------------------------------------------------------------


@bp.get("/admin/points")
@access("manage")
def point_list():
    query = sa.select(Point).join(Unit).order_by(Unit.code, Point.code)
    if g.scope is not None:
        query = query.where(Point.unit_id.in_(g.scope))
    rows = db.session.scalars(query).all()
    return render_template(
        "admin/points.html", points=rows, units=_scoped_units(), survey_url=survey_url, formats=("png", "svg", "pdf")
    )


@bp.post("/admin/points/new")
@access("manage")
def point_new():
    code, name = _text("code", 64), _text("name")
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == (request.form.get("unit") or "")))
    if not code or not name or unit is None:
        flash(_("Cần mã, tên điểm tiếp nhận và đơn vị."), "error")
        return redirect(url_for("admin.point_list"))
    require_scope(unit.id)
    if db.session.scalar(sa.select(Point.id).where(Point.code == code)) is not None:
        flash(_("Mã điểm %(code)s đã có.", code=code), "error")
        return redirect(url_for("admin.point_list"))
    db.session.add(Point(code=code, name=name, unit=unit, public_token=new_point_token()))
    audit(g.user, "point.create", code, f"{name} ({unit.code})")
    db.session.commit()
    flash(_("Đã thêm điểm tiếp nhận %(code)s.", code=code))
    return redirect(url_for("admin.point_list"))


@bp.post("/admin/points/<int(max=2147483647):point_id>/rotate")
@access("manage")
def point_rotate(point_id: int):
    point = _scoped_point(point_id)
    point.public_token = new_point_token()
    audit(g.user, "point.rotate_token", point.code, "old posters retired")
    db.session.commit()
    flash(_("Đã đổi mã QR của %(code)s: hãy in và dán áp phích mới, áp phích cũ không còn dùng được.", code=point.code))
    return redirect(url_for("admin.point_list"))


@bp.post("/admin/points/<int(max=2147483647):point_id>/rename")
@access("manage")
def point_rename(point_id: int):
    point = _scoped_point(point_id)
    name = _text("name")
    if not name:
        flash(_("Cần tên điểm tiếp nhận."), "error")
    else:
        audit(g.user, "point.rename", point.code, f"{point.name!r} -> {name!r}")
        point.name = name
        db.session.commit()
        flash(_("Đã đổi tên điểm %(code)s.", code=point.code))
    return redirect(url_for("admin.point_list"))


@bp.post("/admin/points/<int(max=2147483647):point_id>/active")
@access("manage")
def point_active(point_id: int):
    point = _scoped_point(point_id)
    point.active = not point.active
    audit(g.user, "point.activate" if point.active else "point.deactivate", point.code)
    db.session.commit()
    return redirect(url_for("admin.point_list"))


@bp.get("/admin/points/<int(max=2147483647):point_id>/poster.<fmt>")
@access("manage")
def point_poster(point_id: int, fmt: str):
    point = _scoped_point(point_id)
    mimetypes = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
    if fmt not in mimetypes:
        abort(404)
    from core.reporting.posters import poster_bytes

    response = Response(poster_bytes([point], fmt), mimetype=mimetypes[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="ap-phich-{point.code}.{fmt}"'
    return response


@bp.post("/admin/points/<int(max=2147483647):point_id>/visit-slips")
@access("manage")
def point_visit_slips(point_id: int):
    from core.ratings.visit_codes import create_visit_codes
    from core.reporting.posters import visit_slips_pdf

    point = _scoped_point(point_id)
    count = request.form.get("count", "")
    if not count.isdigit() or not 1 <= int(count) <= 500:
        flash(_("Số phiếu hẹn phải từ 1 đến 500."), "error")
        return redirect(url_for("admin.point_list"))
    codes = create_visit_codes(point, int(count))
    audit(g.user, "point.visit_codes", point.code, f"count={count}")
    db.session.commit()
    response = Response(visit_slips_pdf(point, codes), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="phieu-hen-{point.code}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- Kiosk devices ---------------------------------------------------------------------------


@bp.get("/admin/devices")
@access("manage")
def devices():
    query = sa.select(KioskDevice).join(Point).order_by(Point.code, KioskDevice.paired_at.desc())
    if g.scope is not None:
        query = query.where(Point.unit_id.in_(g.scope))
    points_q = sa.select(Point).where(Point.active.is_(True)).order_by(Point.code)
    if g.scope is not None:
        points_q = points_q.where(Point.unit_id.in_(g.scope))
    online_since = utcnow() - timedelta(minutes=ONLINE_MINUTES)
    return render_template(
        "admin/devices.html",
        devices=db.session.scalars(query).all(),
        points=db.session.scalars(points_q).all(),
        online_since=online_since,
    )


@bp.post("/admin/points/<int(max=2147483647):point_id>/pairing")
@access("manage")
def pairing_code(point_id: int):
    point = _scoped_point(point_id)
    code = create_pairing_code(point, g.user)
    audit(g.user, "device.pairing_code", point.code)
    db.session.commit()
    url = pairing_url(code)
    return render_template(
        "admin/pairing.html", point=point, code=code, url=url, qr=_qr_data_uri(url), minutes=_pairing_minutes()
    )


def _qr_data_uri(text: str) -> str:
    """An SVG QR code inline as a data: URI (the CSP allows data: images), for the tablet's camera."""
    import base64
    import io

    import qrcode
    import qrcode.image.svg

    buffer = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _pairing_minutes() -> int:
    return current_app.config["PAIRING_CODE_MINUTES"]


def _scoped_device(device_id: int) -> KioskDevice:
    device = _get_or_404(KioskDevice, device_id)
    require_scope(device.point.unit_id)
    return device


@bp.post("/admin/devices/<int(max=2147483647):device_id>/rename")
@access("manage")
def device_rename(device_id: int):
    device = _scoped_device(device_id)
    name = (request.form.get("name") or "").strip()[:120]
    audit(g.user, "device.rename", f"device {device.id}", f"{device.name!r} -> {name!r}")
    device.name = name
    db.session.commit()
    flash(_("Đã đổi tên máy."))
    return redirect(url_for("admin.devices"))


@bp.post("/admin/devices/<int(max=2147483647):device_id>/revoke")
@access("manage")
def device_revoke(device_id: int):
    device = _scoped_device(device_id)
    if device.revoked_at is None:
        audit(g.user, "device.revoke", f"device {device.id}", device.name)
        revoke_device(device)  # commits the audit row with the revocation
        flash(_("Đã thu hồi máy: máy này không gửi được đánh giá nữa."))
    return redirect(url_for("admin.devices"))


# --- Surveys ---------------------------------------------------------------------------------


@bp.get("/admin/surveys")
@access("province")
def surveys():
    rows = db.session.scalars(sa.select(Survey).order_by(Survey.code, Survey.version.desc())).all()
    return render_template("admin/surveys.html", surveys=rows)


def _criteria_text(survey: Survey) -> str:
    return "\n".join(
        " | ".join([c.code, c.label, c.question, "có" if c.required else "không", c.sipas_element or ""])
        for c in survey.criteria
    )


def _reasons_text(survey: Survey) -> str:
    return "\n".join(f"{r.code} | {r.label}" for r in survey.reasons)


def _parse_survey_form(old: Survey) -> tuple[dict, dict[str, str]]:
    errors: dict[str, str] = {}
    title = (request.form.get("title") or "").strip()
    if not title:
        errors["title"] = _("Cần tiêu đề phiếu.")
    scale_size = request.form.get("scale")
    if scale_size not in ("5", "3"):
        errors["scale"] = _("Thang đo là 5 hoặc 3 mức.")
    old_criteria = {c.code: c for c in old.criteria}
    old_reasons = {r.code: r for r in old.reasons}
    criteria, seen = [], set()
    for number, line in enumerate((request.form.get("criteria") or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        parts += [""] * (5 - len(parts))
        code, label, question, required, element = parts[:5]
        if not code or not label or not question or code in seen or len(code) > 64:
            errors["criteria"] = _("Dòng %(n)s: cần mã (không trùng), nhãn và câu hỏi.", n=number)
            break
        if element and element not in SIPAS_ELEMENTS:
            errors["criteria"] = _(
                "Dòng %(n)s: yếu tố SIPAS phải là một trong %(e)s.", n=number, e=", ".join(SIPAS_ELEMENTS)
            )
            break
        seen.add(code)
        previous = old_criteria.get(code)
        criteria.append(
            Criterion(
                code=code,
                label=label[:255],
                question=question[:500],
                label_en=previous.label_en if previous else "",
                question_en=previous.question_en if previous else "",
                required=required.lower() in ("có", "co", "yes", "x", "1", "bắt buộc"),
                sipas_element=element or None,
                position=len(criteria),
            )
        )
    if not criteria and "criteria" not in errors:
        errors["criteria"] = _("Cần ít nhất một tiêu chí.")
    elif criteria and not any(c.required for c in criteria):
        errors["criteria"] = _("Cần ít nhất một tiêu chí bắt buộc (câu chính).")
    reasons, seen = [], set()
    for number, line in enumerate((request.form.get("reasons") or "").splitlines(), start=1):
        if not line.strip():
            continue
        code, _sep, label = (p.strip() for p in line.partition("|"))
        if not code or not label or code in seen or len(code) > 64:
            errors["reasons"] = _("Dòng %(n)s: cần mã (không trùng) và nhãn lý do.", n=number)
            break
        seen.add(code)
        previous = old_reasons.get(code)
        reasons.append(
            Reason(code=code, label=label[:255], label_en=previous.label_en if previous else "", position=len(reasons))
        )
    return {"title": title[:255], "scale": scale_size, "criteria": criteria, "reasons": reasons}, errors


@bp.route("/admin/surveys/<int(max=2147483647):survey_id>/edit", methods=["GET", "POST"])
@access("province")
def survey_edit(survey_id: int):
    """Edits never touch a version that has answers: saving makes a new, inactive version."""
    old = _get_or_404(Survey, survey_id)
    form = {
        "title": old.title,
        "scale": str(len(old.scale)),
        "criteria": _criteria_text(old),
        "reasons": _reasons_text(old),
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        parsed, errors = _parse_survey_form(old)
        form = {key: request.form.get(key, "") for key in form}
        if not errors:
            version = (
                db.session.scalar(sa.select(sa.func.max(Survey.version)).where(Survey.code == old.code)) or 0
            ) + 1
            survey = Survey(
                code=old.code,
                version=version,
                title=parsed["title"],
                scale=scoring.SCALES[int(parsed["scale"])],
                active=False,
                criteria=parsed["criteria"],
                reasons=parsed["reasons"],
            )
            db.session.add(survey)
            audit(g.user, "survey.new_version", f"{old.code} v{version}", f"from v{old.version}")
            db.session.commit()
            flash(
                _("Đã lưu phiên bản %(v)s (chưa áp dụng). Bấm “Áp dụng” để các máy và mã QR dùng phiếu này.", v=version)
            )
            return redirect(url_for("admin.surveys"))
    return render_template("admin/survey_edit.html", survey=old, form=form, errors=errors, elements=SIPAS_ELEMENTS)


@bp.post("/admin/surveys/<int(max=2147483647):survey_id>/activate")
@access("province")
def survey_activate(survey_id: int):
    survey = _get_or_404(Survey, survey_id)
    db.session.execute(sa.update(Survey).where(Survey.id != survey.id).values(active=False))
    survey.active = True
    audit(g.user, "survey.activate", f"{survey.code} v{survey.version}")
    db.session.commit()
    flash(_("Đã áp dụng phiếu %(code)s phiên bản %(v)s.", code=survey.code, v=survey.version))
    return redirect(url_for("admin.surveys"))


# --- Competition periods and milestones ------------------------------------------------------


def _date_field(name: str) -> date | None:
    try:
        return date.fromisoformat((request.form.get(name) or "").strip())
    except ValueError:
        return None


@bp.route("/admin/periods", methods=["GET", "POST"])
@access("province")
def periods():
    if request.method == "POST":
        code, name = _text("code", 64), _text("name")
        start, end = _date_field("start_date"), _date_field("end_date")
        if not code or not name or start is None or end is None or start > end:
            flash(_("Cần mã, tên, ngày bắt đầu và ngày kết thúc (bắt đầu trước kết thúc)."), "error")
        elif db.session.scalar(sa.select(CompetitionPeriod.id).where(CompetitionPeriod.code == code)):
            flash(_("Mã đợt %(code)s đã có.", code=code), "error")
        else:
            db.session.add(CompetitionPeriod(code=code, name=name, start_date=start, end_date=end))
            audit(g.user, "period.create", code, f"{start}..{end}")
            db.session.commit()
            flash(_("Đã thêm đợt thi đua %(code)s.", code=code))
        return redirect(url_for("admin.periods"))
    rows = db.session.scalars(sa.select(CompetitionPeriod).order_by(CompetitionPeriod.start_date.desc())).all()
    return render_template("admin/periods.html", periods=rows, kinds=MILESTONE_KINDS)


@bp.post("/admin/periods/<int(max=2147483647):period_id>/milestones")
@access("province")
def milestone_add(period_id: int):
    period = _get_or_404(CompetitionPeriod, period_id)
    kind, name, due = request.form.get("kind"), _text("name"), _date_field("due_date")
    if kind not in MILESTONE_KINDS or not name or due is None:
        flash(_("Cần loại mốc, tên và ngày."), "error")
    else:
        period.milestones.append(Milestone(kind=kind, name=name, due_date=due))
        audit(g.user, "milestone.create", period.code, f"{kind} {name} {due}")
        db.session.commit()
        flash(_("Đã thêm mốc %(name)s.", name=name))
    return redirect(url_for("admin.periods"))


@bp.post("/admin/milestones/<int(max=2147483647):milestone_id>/delete")
@access("province")
def milestone_delete(milestone_id: int):
    milestone = _get_or_404(Milestone, milestone_id)
    audit(g.user, "milestone.delete", milestone.period.code, f"{milestone.name} {milestone.due_date}")
    db.session.delete(milestone)
    db.session.commit()
    flash(_("Đã xoá mốc."))
    return redirect(url_for("admin.periods"))


# --- Users and API tokens --------------------------------------------------------------------


def generated_password() -> str:
    """Shown once; the account must choose its own at the next sign-in."""
    return secrets.token_urlsafe(12)


def _manageable(user: User) -> bool:
    """Province office: every account. Unit manager: viewers of its own subtree (never itself)."""
    if g.user.role == "province_admin":
        return True
    return user.role == "viewer" and user.unit_id is not None and g.scope is not None and user.unit_id in g.scope


def _scoped_user(user_id: int) -> User:
    user = _get_or_404(User, user_id)
    if g.user.role != "province_admin" and (user.unit_id is None or g.scope is None or user.unit_id not in g.scope):
        abort(404)
    if not _manageable(user) or user.id == g.user.id:
        abort(403)
    return user


@bp.get("/admin/users")
@access("manage")
def users():
    query = sa.select(User).order_by(User.username)
    if g.scope is not None:
        query = query.where(User.unit_id.in_(g.scope))
    roles = ROLES if g.user.role == "province_admin" else ("viewer",)
    return render_template(
        "admin/users.html",
        users=db.session.scalars(query).all(),
        units=_scoped_units(),
        roles=roles,
        role_labels=ROLE_LABELS,
        manageable=_manageable,
    )


@bp.post("/admin/users/new")
@access("manage")
def user_new():
    username = (request.form.get("username") or "").strip()
    role = request.form.get("role", "")
    unit_code = (request.form.get("unit") or "").strip() or None
    allowed = ROLES if g.user.role == "province_admin" else ("viewer",)
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == unit_code)) if unit_code else None
    if role not in allowed:
        abort(403)
    if unit is not None:
        require_scope(unit.id)
    elif g.user.role != "province_admin":
        flash(_("Chọn đơn vị cho tài khoản."), "error")
        return redirect(url_for("admin.users"))
    password = generated_password()
    try:
        user = create_user(username, role, password, unit_code)
    except ValidationFailed as exc:
        db.session.rollback()
        details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        flash(_("Không tạo được tài khoản: %(d)s", d=details), "error")
        return redirect(url_for("admin.users"))
    user.must_change_password = True
    audit(g.user, "user.create", user.username, f"{role} {unit_code or ''}".strip())
    db.session.commit()
    return _temporary_password_page(_("Đã tạo tài khoản"), user, password)


def _temporary_password_page(title: str, user: User, password: str):
    """Show a generated password once; the user must replace it at the next sign-in."""
    return render_template(
        "admin/secret.html",
        title=title,
        subject=user.username,
        secret=password,
        note=_("Mật khẩu tạm này chỉ hiện một lần; người dùng phải đổi khi đăng nhập lần đầu."),
        back=url_for("admin.users"),
    )


@bp.post("/admin/users/<int(max=2147483647):user_id>/reset")
@access("manage")
def user_reset(user_id: int):
    user = _scoped_user(user_id)
    password = generated_password()
    user.set_password(password)
    user.must_change_password = True
    audit(g.user, "user.reset_password", user.username)
    db.session.commit()
    return _temporary_password_page(_("Đã đặt lại mật khẩu"), user, password)


@bp.post("/admin/users/<int(max=2147483647):user_id>/active")
@access("manage")
def user_active(user_id: int):
    user = _scoped_user(user_id)
    # A disabled account's API tokens stop at once too: user_for_api_token checks `active`.
    user.active = not user.active
    audit(g.user, "user.activate" if user.active else "user.deactivate", user.username)
    db.session.commit()
    flash(_("Đã cập nhật tài khoản %(u)s.", u=user.username))
    return redirect(url_for("admin.users"))


@bp.get("/admin/tokens")
@access("read")
def tokens():
    query = sa.select(ApiToken).order_by(ApiToken.created_at.desc())
    if g.user.role != "province_admin":
        query = query.where(ApiToken.user_id == g.user.id)
    return render_template("admin/tokens.html", tokens=db.session.scalars(query).all())


@bp.post("/admin/tokens/new")
@access("read")
def token_new():
    name = (request.form.get("name") or "").strip()[:120] or "api"
    token = create_api_token(g.user, name)
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    audit(g.user, "token.create", f"token {row.id}", name)
    db.session.commit()
    return render_template(
        "admin/secret.html",
        title=_("Đã tạo mã truy cập API"),
        subject=name,
        secret=token,
        note=_("Mã này chỉ hiện một lần. Gửi kèm mỗi yêu cầu: Authorization: Bearer <mã>."),
        back=url_for("admin.tokens"),
    )


@bp.post("/admin/tokens/<int(max=2147483647):token_id>/revoke")
@access("read")
def token_revoke(token_id: int):
    row = _get_or_404(ApiToken, token_id)
    if g.user.role != "province_admin" and row.user_id != g.user.id:
        abort(404)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit(g.user, "token.revoke", f"token {row.id}", row.name)
        db.session.commit()
        flash(_("Đã thu hồi mã truy cập."))
    return redirect(url_for("admin.tokens"))


# --- Audit log -------------------------------------------------------------------------------


@bp.get("/admin/audit")
@access("province")
def audit_log():
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) <= 100_000 else 1
    pagination = db.paginate(
        sa.select(AuditLog).order_by(AuditLog.created_at.desc(), AuditLog.id.desc()),
        page=page,
        per_page=100,
        error_out=False,
    )
    return render_template("admin/audit.html", pagination=pagination)
