"""Kiosk tablets: the list with their last contact, pairing codes, renaming and revocation."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from admin import bp
from admin.access import access, device_or_404, point_or_404, posted_action
from admin.forms import AdminForm, DeviceNameForm, PairingForm
from core.extensions import db
from core.links import pairing_url
from core.models import KioskDevice, Point
from core.org.devices import create_pairing_code, rename_device, revoke_device
from core.timeutil import utcnow

ONLINE_MINUTES = 10


def _devices_page(failed: AdminForm | None = None, failed_device: int | None = None):
    query = sa.select(KioskDevice).join(Point).order_by(Point.code, KioskDevice.paired_at.desc())
    points_q = sa.select(Point).where(Point.active.is_(True)).order_by(Point.code)
    if g.scope is not None:
        query = query.where(Point.unit_id.in_(g.scope))
        points_q = points_q.where(Point.unit_id.in_(g.scope))
    return render_template(
        "admin/devices.html",
        devices=db.session.scalars(query).all(),
        points=db.session.scalars(points_q).all(),
        online_since=utcnow() - timedelta(minutes=ONLINE_MINUTES),
        rename=failed if isinstance(failed, DeviceNameForm) else DeviceNameForm(formdata=None),
        pairing=failed if isinstance(failed, PairingForm) else None,
        failed_device=failed_device,
    ), (422 if failed is not None else 200)


@bp.get("/admin/devices")
@access("manage")
def devices():
    return _devices_page()


def _qr_data_uri(text: str) -> str:
    """An SVG QR code inline as a data: URI (the CSP allows data: images), for the tablet's camera."""
    import base64
    import io

    import qrcode
    import qrcode.image.svg

    buffer = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@bp.post("/admin/points/<int(max=2147483647):point_id>/pairing")
@access("manage")
def pairing_code(point_id: int):
    point = point_or_404(point_id)
    form = PairingForm()
    if not form.submit(lambda: create_pairing_code(g.actor, point)):
        return _devices_page(form)
    url = pairing_url(form.outcome)
    return render_template(
        "admin/pairing.html",
        point=point,
        code=form.outcome,
        url=url,
        qr=_qr_data_uri(url),
        minutes=current_app.config["PAIRING_CODE_MINUTES"],
    )


@bp.post("/admin/devices/<int(max=2147483647):device_id>/rename")
@access("manage")
def device_rename(device_id: int):
    device = device_or_404(device_id)
    form = DeviceNameForm()
    if not form.submit(lambda: rename_device(g.actor, device, form.name.data or "")):
        return _devices_page(form, device.id)
    flash(_("Đã đổi tên máy."))
    return redirect(url_for("admin.devices"))


@bp.post("/admin/devices/<int(max=2147483647):device_id>/revoke")
@access("manage")
def device_revoke(device_id: int):
    device = device_or_404(device_id)
    posted_action()
    if revoke_device(g.actor, device):
        flash(_("Đã thu hồi máy: máy này không gửi được đánh giá nữa."))
    return redirect(url_for("admin.devices"))
