"""Kiosk pages (built out by the kiosk issue)."""

from flask import render_template

from kiosk import bp


@bp.get("/kiosk/")
def index():
    return render_template("kiosk/index.html")
