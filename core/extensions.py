"""Flask extensions, created unbound here and initialised in `create_app`."""

from __future__ import annotations

from flask import has_request_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
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


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
mail = Mail()
# The remote address lives only in the limiter's storage, never next to an answer.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
