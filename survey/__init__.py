"""Door 2: the QR survey on citizens' phones, one-time visit codes, posters."""

from flask import Blueprint

bp = Blueprint("survey", __name__, cli_group=None)

from survey import posters, routes  # noqa: E402,F401
