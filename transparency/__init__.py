"""Door 4: the public transparency page (công khai, minh bạch) at /cong-khai, and its TV view for
the reception hall's screen. Read-only: published frozen reviews, and the live index when the
office switches it on; never a comment, a contact or a link into the admin area.

The package is not called `public`: that top-level name belongs to `atpublic`, which aiosmtpd (the
test suite's mail server) imports, and a `public/` folder here would shadow it. The blueprint, its
endpoints, templates/public/ and static/public/ keep the name "public"."""

from flask import Blueprint

bp = Blueprint("public", __name__, cli_group=None)

from transparency import routes  # noqa: E402,F401
