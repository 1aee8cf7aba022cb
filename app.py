"""The application factory: the one place that knows every part of the service."""

from __future__ import annotations

import os
import secrets

from flask import (
    Flask,
    abort,
    current_app,
    has_request_context,
    jsonify,
    make_response,
    render_template,
    request,
    session,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from core import cli as core_cli
from core import config, transactions
from core.competition import cli as competition_cli
from core.errors import CoreError, ValidationFailed
from core.extensions import babel, babel_locale, csrf, db, limiter, login_manager, mail, migrate, select_locale
from core.inputs import path_is_storable, query_problems


class ServiceApp(Flask):
    """Flask with one transaction per request: the view's response decides commit or rollback.

    Committing here, inside the dispatch, means a failed commit is handled like any error of the
    view (an error page or JSON error, never a success the database did not keep).
    """

    def dispatch_request(self):
        # dict.copy, not session.copy(): reading through the session's own methods would mark it
        # accessed (Vary: Cookie on every kiosk call).
        current = session._get_current_object()
        before = dict.copy(current)
        try:
            response = self.make_response(super().dispatch_request())
            transactions.finish_request(response.status_code)
        except BaseException:
            # A failed request changes no session either: a sign-in whose audit row or commit
            # failed must not leave the browser signed in.
            if dict.__ne__(current, before):
                current.clear()
                current.update(before)
            raise
        return response


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS (directly, or through a
    trusted proxy), even if PUBLIC_BASE_URL, from which SESSION_COOKIE_SECURE is derived, says http."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)

    def open_session(self, app: Flask, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            # No cookie (every kiosk call, a visitor's first page): nothing to verify, so no
            # signing serializer to build, which cost a kiosk answer about 3% of its CPU.
            return self.session_class()
        return super().open_session(app, request)


def create_app(test_config: dict | None = None) -> Flask:
    app = ServiceApp(__name__, instance_relative_config=True)
    app.session_interface = SessionInterface()
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config.from_environment(app.instance_path))
    # UTF-8 everywhere: JSON answers carry Vietnamese as text, not as \u escapes.
    app.json.ensure_ascii = False
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A file never drops a connection: no ping before every request's first statement.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            k: v for k, v in app.config["SQLALCHEMY_ENGINE_OPTIONS"].items() if k != "pool_pre_ping"
        }

    if app.config["PROXY_COUNT"]:
        # Behind nginx the client address, scheme and host come from X-Forwarded-*; without this
        # every citizen would share the proxy's address in the rate limiter.
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    # Registered before CSRFProtect's hook, which reads the form under whatever limit is set.
    app.before_request(_admin_upload_limit)
    _init_extensions(app)
    _register_doors(app)
    _register_errors(app)
    _register_hooks(app)
    app.cli.add_command(core_cli.demo_data)
    app.cli.add_command(core_cli.create_user_command)
    app.cli.add_command(core_cli.create_api_token_command)
    app.cli.add_command(core_cli.import_units_command)
    app.cli.add_command(core_cli.import_points_command)
    app.cli.add_command(core_cli.import_groups_command)
    app.cli.add_command(core_cli.show_urls)
    app.cli.add_command(core_cli.purge_contacts)
    app.cli.add_command(core_cli.purge_personal_data)
    app.cli.add_command(core_cli.deliver_notifications)
    app.cli.add_command(core_cli.run_exports)
    app.cli.add_command(core_cli.backup_command)
    app.cli.add_command(core_cli.restore_command)
    app.cli.add_command(core_cli.rebuild_rollups)
    app.cli.add_command(core_cli.flag_response)
    for command in competition_cli.COMMANDS:
        app.cli.add_command(command)
    app.add_url_rule("/healthz", "healthz", healthz)
    return app


def _admin_upload_limit() -> None:
    if request.path.startswith("/admin/"):
        request.max_content_length = current_app.config["ADMIN_MAX_CONTENT_LENGTH"]


def _instance_secret_key(app: Flask) -> str:
    """Development only: keep a generated key in instance/. Production must set SECRET_KEY."""
    if os.environ.get("DATABASE_URL"):
        raise RuntimeError("SECRET_KEY must be set when DATABASE_URL is (production).")
    path = os.path.join(app.instance_path, "secret_key")
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    with open(path) as handle:
        return handle.read().strip()


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "admin.login"
    login_manager.session_protection = "strong"
    babel.init_app(app, locale_selector=babel_locale)
    if app.config.get("SMTP_URL"):
        from core.notify.delivery import smtp_settings

        app.config.update(smtp_settings(app.config["SMTP_URL"]))
    mail.init_app(app)
    limiter.init_app(app)
    # Flask-Limiter keeps the first app's key prefix forever; each app (tests build many) must
    # count under its own.
    limiter._key_prefix = app.config.get("RATELIMIT_KEY_PREFIX", "")
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", sqlite_pragmas)


def sqlite_pragmas(dbapi_connection, _record) -> None:
    """The service's SQLite settings on every new connection (the bare-insert bench uses them too)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _register_doors(app: Flask) -> None:
    from admin import bp as admin_bp
    from kiosk import bp as kiosk_bp
    from survey import bp as survey_bp
    from transparency import bp as public_bp

    app.register_blueprint(kiosk_bp)
    app.register_blueprint(survey_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(public_bp)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, fields: dict | None = None, retry_after: int | None = None):
    if wants_json():
        response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    else:
        response = make_response(render_template("errors/error.html", status=status, message=message))
    response.status_code = status
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


# Marked with _l so that the catalog holds them; read in the request's language.
ERROR_MESSAGES = {
    400: _l("Yêu cầu không hợp lệ."),
    401: _l("Cần đăng nhập hoặc mã truy cập hợp lệ."),
    403: _l("Bạn không có quyền xem trang này."),
    404: _l("Không tìm thấy trang này."),
    405: _l("Phương thức không được hỗ trợ."),
    410: _l("Mã này đã được dùng hoặc đã hết hạn."),
    413: _l("Dữ liệu gửi lên quá lớn."),
    422: _l("Dữ liệu không hợp lệ."),
    429: _l("Quá nhiều yêu cầu. Vui lòng thử lại sau ít phút."),
    500: _l("Đã có lỗi xảy ra. Vui lòng thử lại."),
    503: _l("Dịch vụ tạm thời gián đoạn."),
}


def _register_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        transactions.abandon()
        status = exc.code or 500
        message = str(ERROR_MESSAGES[status]) if status in ERROR_MESSAGES else exc.name
        retry_after = getattr(exc, "retry_after", None) if status == 429 else None
        return error_response(status, exc.name.lower().replace(" ", "_"), message, retry_after=retry_after)

    @app.errorhandler(CoreError)
    def core_error(exc: CoreError):
        transactions.abandon()
        return error_response(exc.status, exc.code, exc.message, exc.fields)

    @app.errorhandler(IntegrityError)
    def conflicting_write(exc: IntegrityError):
        # Two requests created the same code at once: the second one's commit lost the race.
        transactions.abandon()
        app.logger.warning("integrity error: %s", exc.orig)
        return error_response(409, "conflict", _("Dữ liệu vừa được thay đổi cùng lúc. Vui lòng thử lại."))

    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError):
        if not connection_lost(exc):
            return unexpected(exc)
        # Down, restarting or cut off: the client keeps its data and tries again (the kiosk's queue).
        app.logger.error("database unavailable: %s", exc.orig)
        _abandon_quietly()
        return error_response(503, "unavailable", str(ERROR_MESSAGES[503]), retry_after=DATABASE_RETRY_SECONDS)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        _abandon_quietly()
        return error_response(500, "internal_error", str(ERROR_MESSAGES[500]))


# What a client is told to wait after a 503 for a database that is unreachable.
DATABASE_RETRY_SECONDS = 30


def connection_lost(exc: DBAPIError) -> bool:
    """The database could not be reached or the connection broke (not a bad statement): worth a retry."""
    return isinstance(exc, OperationalError | InterfaceError) or exc.connection_invalidated


def _abandon_quietly() -> None:
    """Roll back before the error answer; with the connection gone the rollback fails too, and the
    pool replaces the connection at the next checkout, so that must not turn the answer into a 500."""
    try:
        transactions.abandon()
    except DBAPIError as exc:
        if not connection_lost(exc):
            raise
        current_app.logger.warning("rollback failed after a lost database connection")


def guard_request() -> None:
    """The input guard's share of every request: a path naming something unstorable names
    nothing (404); a query parameter no lookup or date could use is refused, naming it (422).
    Bodies are guarded where they are read: forms by `core.forms`, JSON by `core.inputs`."""
    if not path_is_storable(request.view_args):
        abort(404)
    problems = query_problems(request.args)
    if problems:
        raise ValidationFailed(_("Tham số trên địa chỉ không hợp lệ."), problems)


# Set on every response unless the view set its own: (lower-cased name, name, value).
SECURITY_HEADERS = tuple(
    (key.lower(), key, value)
    for key, value in (
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        (
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        ),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    )
)


def _register_hooks(app: Flask) -> None:
    app.before_request(guard_request)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        # One pass over the response's headers, not one case-insensitive scan per header: a view
        # that set its own (a stricter CSP, a frame policy) keeps it.
        present = {key.lower() for key, _value in headers}
        for lowered, key, value in SECURITY_HEADERS:
            if lowered not in present:
                headers.add(key, value)
        if request.is_secure and "strict-transport-security" not in present:
            headers.add("Strict-Transport-Security", "max-age=31536000")
        lang = request.args.get("lang")
        if lang in app.config["LANGUAGES"]:
            # Read by the server only (select_locale); no script needs it.
            secure = bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)
            response.set_cookie("lang", lang, max_age=365 * 86400, samesite="Lax", httponly=True, secure=secure)
        return response

    @app.context_processor
    def inject_locale():
        return {"current_locale": select_locale()}


def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except DBAPIError:
        _abandon_quietly()
        return jsonify({"status": "unavailable", "database": "down"}), 503
    return jsonify({"status": "ok", "database": "ok"})
