"""Door 1: the tablet kiosk pages, pairing, the device API and the service worker."""

from flask import Blueprint

bp = Blueprint("kiosk", __name__, cli_group=None)

from kiosk import routes  # noqa: E402,F401
