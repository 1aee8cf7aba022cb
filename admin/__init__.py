"""Door 3: the admin area (login, management, reports, exports) and the admin JSON API."""

from flask import Blueprint

bp = Blueprint("admin", __name__, cli_group=None)

from admin import api, auth, common, manage, reports, routes  # noqa: E402,F401  (routes attach themselves to bp)
