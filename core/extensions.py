"""Flask extensions, created unbound here and initialised in `create_app`."""

from __future__ import annotations

import click
from babel import Locale
from flask import has_request_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so migrations look the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def select_locale() -> str:
    """`?lang=` wins, then the `lang` cookie; Vietnamese otherwise (and on the command line)."""
    if not has_request_context():
        return "vi"
    for value in (request.args.get("lang"), request.cookies.get("lang")):
        if value in ("vi", "en"):
            return value
    return "vi"


# The service's languages, parsed once per process.
_LOCALES = {code: Locale.parse(code) for code in ("vi", "en")}


def babel_locale() -> Locale:
    """`select_locale`'s choice for Flask-Babel: a Locale parsed once, not the code that
    Flask-Babel would parse again on every request."""
    return _LOCALES[select_locale()]


class LazyMigrate:
    """Flask-Migrate, imported (with alembic and every SQL dialect it knows: about 11 MB per
    process) only when a migration runs: `flask db …`, or flask_migrate's functions called by the
    tests and benchmarks. A web worker never runs one, so it never loads them."""

    def init_app(self, app, db, directory: str) -> None:
        app.extensions["migrate"] = _PendingMigrate(app, db, directory)
        app.cli.add_command(_MigrationCommands(app))


class _PendingMigrate:
    """Stands in `app.extensions["migrate"]` until flask_migrate reads it, then sets up the real one."""

    def __init__(self, app, db, directory: str):
        self._pending = (app, db, directory)

    def __getattr__(self, name: str):
        from flask_migrate import Migrate

        app, db, directory = self._pending
        Migrate(app, db, directory=directory)  # takes this placeholder's place in app.extensions
        return getattr(app.extensions["migrate"], name)


class _MigrationCommands(click.Group):
    """`flask db`: Flask-Migrate's command group, imported when it is invoked."""

    def __init__(self, app):
        super().__init__("db")
        self._app = app

    def get_short_help_str(self, limit: int = 45) -> str:
        return "Perform database migrations."

    def make_context(self, info_name, args, parent=None, **extra):
        from flask_migrate.cli import db as commands

        self._app.extensions["migrate"].directory  # noqa: B018 - sets up the real extension
        return commands.make_context(info_name, args, parent=parent, **extra)


db = SQLAlchemy(model_class=Base)
migrate = LazyMigrate()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
mail = Mail()
# The remote address lives only in the limiter's storage, never next to an answer.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
