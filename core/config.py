"""Settings read from the environment, with development defaults."""

from __future__ import annotations

import os


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def from_environment(instance_path: str) -> dict:
    """Build the configuration mapping; `create_app` overlays `test_config` on it."""
    public_base_url = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL")
        or f"sqlite:///{os.path.join(instance_path, 'satisfaction.sqlite3')}",
        "PUBLIC_BASE_URL": public_base_url,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Secure cookies whenever the public address is HTTPS (production behind a proxy).
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", public_base_url.startswith("https://")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        # Sign-in never sets "remember me" today; should it, its cookie follows the session's rules.
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", public_base_url.startswith("https://")),
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Citizens' and kiosks' bodies are small; the admin area uploads spreadsheets.
        "MAX_CONTENT_LENGTH": 64 * 1024,
        # An evidence file at its limit, plus the form around it, must get through.
        "ADMIN_MAX_CONTENT_LENGTH": _int(
            "ADMIN_MAX_CONTENT_LENGTH", _int("EVIDENCE_MAX_BYTES", 5 * 1024 * 1024) + 1024 * 1024
        ),
        # Reverse proxies in front of gunicorn whose X-Forwarded-* headers are trusted (0: none).
        "PROXY_COUNT": _int("PROXY_COUNT", 0),
        # Reports: a unit is ranked only with at least this many counted responses.
        "MIN_SAMPLE": _int("MIN_SAMPLE", 30),
        # Kiosk behaviour.
        "KIOSK_MISUSE_SECONDS": _int("KIOSK_MISUSE_SECONDS", 3),
        "KIOSK_LOW_SCORE": _int("KIOSK_LOW_SCORE", 2),
        "KIOSK_IDLE_SECONDS": _int("KIOSK_IDLE_SECONDS", 30),
        "KIOSK_THANKS_SECONDS": _int("KIOSK_THANKS_SECONDS", 5),
        "PAIRING_CODE_MINUTES": _int("PAIRING_CODE_MINUTES", 15),
        # QR survey.
        "VISIT_CODE_DAYS": _int("VISIT_CODE_DAYS", 7),
        "REPEAT_WINDOW_HOURS": _int("REPEAT_WINDOW_HOURS", 12),
        # Privacy: contact details given for a reply are erased after this many days.
        "CONTACT_RETENTION_DAYS": _int("CONTACT_RETENTION_DAYS", 180),
        # Cases: the deadline when no rule of the case's kind is in force (Luật Tiếp công dân art. 28).
        "CASES_DUE_WORKING_DAYS": _int("CASES_DUE_WORKING_DAYS", 10),
        # Notifications: e-mail to the unit's managers, and a signed webhook.
        "SMTP_URL": os.environ.get("SMTP_URL", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "danhgia@localhost"),
        "ALERT_WEBHOOK_URL": os.environ.get("ALERT_WEBHOOK_URL", ""),
        "WEBHOOK_SECRET": os.environ.get("WEBHOOK_SECRET", ""),
        # Monitoring (đôn đốc): units below these are listed for the office to urge.
        "TARGET_INDEX": _int("TARGET_INDEX", 80),
        "TARGET_ON_TIME_RATE": _int("TARGET_ON_TIME_RATE", 100),
        # The competition: the largest evidence file a unit may upload (PDF or image).
        "EVIDENCE_MAX_BYTES": _int("EVIDENCE_MAX_BYTES", 5 * 1024 * 1024),
        # Where evidence files are kept (by generated names); back it up with the database.
        "EVIDENCE_DIR": os.environ.get("EVIDENCE_DIR") or os.path.join(instance_path, "evidence"),
        # Files built by `flask run-exports` (generated names), deleted EXPORT_KEEP_HOURS after they are ready.
        "EXPORT_DIR": os.environ.get("EXPORT_DIR") or os.path.join(instance_path, "exports"),
        "EXPORT_KEEP_HOURS": _int("EXPORT_KEEP_HOURS", 24),
        # Printed documents (Nghị định 30/2020/NĐ-CP): who issues and signs them, where, and for whom.
        "DOCUMENT_ISSUER_PARENT": os.environ.get("DOCUMENT_ISSUER_PARENT", "UBND TỈNH QUẢNG NAM"),
        "DOCUMENT_ISSUER": os.environ.get("DOCUMENT_ISSUER", "THANH TRA TỈNH"),
        "DOCUMENT_PLACE": os.environ.get("DOCUMENT_PLACE", "Quảng Nam"),
        "DOCUMENT_SYMBOL": os.environ.get("DOCUMENT_SYMBOL", "TTr"),
        "DOCUMENT_SIGNER_TITLE": os.environ.get("DOCUMENT_SIGNER_TITLE", "CHÁNH THANH TRA"),
        "DOCUMENT_SIGNER_NAME": os.environ.get("DOCUMENT_SIGNER_NAME", ""),
        "DOCUMENT_RECIPIENTS": os.environ.get(
            "DOCUMENT_RECIPIENTS", "UBND tỉnh (b/c);Các đơn vị thuộc tỉnh;Lưu: VT, Thanh tra tỉnh"
        ),
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ("vi", "en"),
        "WTF_CSRF_TIME_LIMIT": _int("WTF_CSRF_TIME_LIMIT", 3600),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Charts and documents asked during a request are drawn in a forked child process, so web
        # workers never load matplotlib, openpyxl or python-docx (core/isolation.py).
        "RENDER_IN_CHILD": _flag("RENDER_IN_CHILD", True),
    }
