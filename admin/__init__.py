"""Door 3: the admin area (login, management, reports, exports) and the admin JSON API.

CTFd's layout: the blueprint is created here and each screen is a module beside it that imports
`bp` and one access decorator (`admin.access`); every form is a class in `admin.forms`.
"""

from flask import Blueprint

bp = Blueprint("admin", __name__, cli_group=None)

from admin import (  # noqa: E402,F401  (the screens attach their routes to bp)
    accounts,
    alerts,
    api,
    audit,
    calendar,
    cases,
    competition,
    devices,
    exports,
    formatting,
    monitoring,
    periods,
    points,
    reports,
    surveys,
    units,
    users,
)
