"""Kiosk pages: the tablet shell, the pairing page, the service worker and `pair-kiosk`."""

from __future__ import annotations

import hashlib
import json
import mimetypes
from pathlib import Path

import click
from flask import Response, current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from core import transactions
from core.audit import Actor
from core.errors import CoreError
from core.links import pairing_url
from core.org.devices import create_pairing_code
from core.org.points import point_by_code
from core.ratings.privacy import consent_text
from kiosk import api, bp

# Python's table lacks it; Chrome reads the manifest either way, this keeps the type honest.
mimetypes.add_type("application/manifest+json", ".webmanifest")

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static" / "kiosk"
SHELL_FILES = ("kiosk.css", "kiosk.js", "pair.js", "manifest.webmanifest", "icon.svg", "sw.js")
TEMPLATES = (ROOT / "templates" / "kiosk" / "index.html", ROOT / "templates" / "kiosk" / "pair.html")

# Every string the tablet shows. Msgids are Vietnamese; both languages go to the page so the
# citizen's English switch works offline and the next citizen starts in Vietnamese again.
UI = {
    "question": _l("Ông/Bà có hài lòng với lần làm việc hôm nay không?"),
    "reasons_title": _l("Điều gì khiến Ông/Bà chưa hài lòng?"),
    "reasons_hint": _l("Chọn một hoặc nhiều ý (không bắt buộc)."),
    "next": _l("Tiếp tục"),
    "skip": _l("Bỏ qua"),
    "finish": _l("Kết thúc"),
    "send": _l("Gửi"),
    "step": _l("Câu hỏi thêm (không bắt buộc)"),
    "comment_title": _l("Ông/Bà có góp ý gì thêm không?"),
    "comment_label": _l("Góp ý (không bắt buộc)"),
    "reply_toggle": _l("Tôi muốn được cơ quan trả lời"),
    "name_label": _l("Họ và tên"),
    "phone_label": _l("Số điện thoại"),
    "reply_missing": _l("Để được trả lời, xin ghi họ tên hoặc số điện thoại và đánh dấu đồng ý."),
    "thanks": _l("Cảm ơn Ông/Bà!"),
    "thanks_sub": _l("Ý kiến của Ông/Bà đã được ghi nhận."),
    "language": _l("English"),
    # The accessible alternative to pinch zoom, which the kiosk's viewport forbids.
    "large_text": _l("Chữ lớn"),
    "waiting": _l("chờ gửi"),
    "loading": _l("Đang tải phiếu khảo sát…"),
    "no_survey": _l("Chưa tải được phiếu khảo sát. Vui lòng kiểm tra kết nối mạng."),
    "unpaired_title": _l("Máy tính bảng chưa được kết nối"),
    "unpaired": _l("Vui lòng nhờ cán bộ kết nối máy với điểm tiếp nhận."),
    "revoked_title": _l("Máy tính bảng cần được kết nối lại"),
    "revoked": _l(
        "Máy này đã ngừng kết nối với hệ thống. Các đánh giá đã ghi vẫn được giữ an toàn trên máy. "
        "Vui lòng nhờ cán bộ kết nối lại."
    ),
    "pair_link": _l("Nhập mã kết nối"),
    "pair_title": _l("Kết nối máy tính bảng"),
    "pair_code": _l("Mã kết nối"),
    "pair_button": _l("Kết nối"),
    "pairing": _l("Đang kết nối…"),
    "pair_bad": _l("Mã kết nối không đúng, đã dùng hoặc đã hết hạn. Vui lòng tạo mã mới."),
    "pair_throttled": _l("Đã thử sai quá nhiều lần. Vui lòng chờ ít phút rồi thử lại."),
    "pair_offline": _l("Không kết nối được máy chủ. Vui lòng kiểm tra mạng rồi thử lại."),
}
# The tablet's English wording, used until the English catalog carries these msgids.
EN = {
    "question": "Are you satisfied with your visit today?",
    "reasons_title": "What was not satisfactory?",
    "reasons_hint": "Choose one or more (optional).",
    "next": "Continue",
    "skip": "Skip",
    "finish": "Finish",
    "send": "Send",
    "step": "More questions (optional)",
    "comment_title": "Anything else you would like to tell us?",
    "comment_label": "Comment (optional)",
    "reply_toggle": "I would like a reply",
    "name_label": "Full name",
    "phone_label": "Phone number",
    "reply_missing": "For a reply, please give a name or phone number and tick the consent box.",
    "thanks": "Thank you!",
    "thanks_sub": "Your opinion has been recorded.",
    "language": "Tiếng Việt",
    "large_text": "Larger text",
    "waiting": "waiting",
    "loading": "Loading the survey…",
    "no_survey": "The survey could not be loaded. Please check the network.",
    "unpaired_title": "This tablet is not paired",
    "unpaired": "Please ask staff to pair it with the reception point.",
    "revoked_title": "This tablet needs to be paired again",
    "revoked": "This tablet is no longer connected. Answers already given are kept safely on it. "
    "Please ask staff to pair it again.",
    "pair_link": "Enter a pairing code",
    "pair_title": "Pair this tablet",
    "pair_code": "Pairing code",
    "pair_button": "Pair",
    "pairing": "Pairing…",
    "pair_bad": "The pairing code is wrong, used or expired. Please create a new one.",
    "pair_throttled": "Too many wrong tries. Please wait a few minutes and try again.",
    "pair_offline": "The server cannot be reached. Please check the network and try again.",
}

_version_cache: dict[str, object] = {}


def asset_version() -> str:
    """A digest of the shell's files: versions asset URLs and the service worker's cache."""
    paths = [STATIC / name for name in SHELL_FILES] + list(TEMPLATES)
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths if p.exists())
    if _version_cache.get("stamp") != stamp:
        digest = hashlib.sha256()
        for path in paths:
            if path.exists():
                digest.update(path.read_bytes())
        _version_cache.update(stamp=stamp, version=digest.hexdigest()[:12])
    return str(_version_cache["version"])


def asset_url(name: str) -> str:
    return url_for("static", filename=f"kiosk/{name}", v=asset_version())


def ui_strings() -> dict[str, dict[str, str]]:
    strings: dict[str, dict[str, str]] = {}
    with force_locale("vi"):
        strings["vi"] = {key: str(value) for key, value in UI.items()}
    with force_locale("en"):
        translated = {key: str(value) for key, value in UI.items()}
    strings["en"] = {
        key: translated[key] if translated[key] != strings["vi"][key] else EN.get(key, translated[key]) for key in UI
    }
    # The consent text is the survey's own, with the retention actually applied.
    strings["vi"]["consent"], strings["en"]["consent"] = consent_text("vi"), consent_text("en")
    # The switch button names the other language.
    strings["vi"]["language"], strings["en"]["language"] = "English", "Tiếng Việt"
    return strings


def _page(template: str):
    strings = ui_strings()
    config = current_app.config
    return render_template(
        template,
        asset_url=asset_url,
        version=f"k-{asset_version()}",
        # "</" escaped: the JSON sits in a <script type="application/json"> data block.
        strings_json=json.dumps(strings, ensure_ascii=False).replace("</", "<\\/"),
        settings=api.settings_json(),
        ui_vi=strings["vi"],
        low_score=config["KIOSK_LOW_SCORE"],
    )


@bp.get("/kiosk/")
def index():
    response = current_app.make_response(_page("kiosk/index.html"))
    # The service worker keeps its own copy; the HTTP cache must not pin an old shell.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Kiosk-Version"] = asset_version()
    return response


@bp.get("/kiosk/pair")
def pair():
    # The code is spent by pair.js through the API, not by this GET: a link preview or prefetch
    # of the URL cannot burn the one-time code, and wrong guesses meet the API's throttle.
    response = current_app.make_response(_page("kiosk/pair.html"))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/kiosk/sw.js")
def service_worker():
    """Served from /kiosk/ so its scope covers the kiosk; the version makes every shell change
    an update of the worker, which then re-caches the shell."""
    source = (STATIC / "sw.js").read_text(encoding="utf-8")
    precache = [url_for("kiosk.index")] + [
        asset_url(name) for name in ("kiosk.css", "kiosk.js", "manifest.webmanifest", "icon.svg")
    ]
    source = source.replace("__KIOSK_VERSION__", asset_version()).replace("__KIOSK_PRECACHE__", json.dumps(precache))
    response = Response(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.cli.command("pair-kiosk")
@click.argument("point_code")
@transactions.command
def pair_kiosk_command(point_code: str) -> None:
    """Print a one-time pairing URL for a reception point's tablet."""
    point = point_by_code(point_code.strip())
    if point is None:
        raise click.ClickException(f"unknown point {point_code!r}")
    if not point.active:
        raise click.ClickException(f"point {point.code} is not active")
    try:
        code = create_pairing_code(Actor.cli(), point)
    except CoreError as exc:
        raise click.ClickException(exc.message) from None
    minutes = current_app.config["PAIRING_CODE_MINUTES"]
    click.echo(pairing_url(code))
    click.echo(
        f"Open this URL on the tablet of {point.code} ({point.name}) within {minutes} minutes; it works once.",
        err=True,
    )
