"""Template filters of the admin pages: numbers in the reader's locale, local times, audit changes,
and `report_url`, which carries a report's filters into every link."""

from __future__ import annotations

from flask import url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from admin import bp
from core.timeutil import LOCAL_TZ

# The screens' names of the codes the core returns.
CHANNEL_LABELS = {"kiosk": _l("Máy tại quầy"), "qr": _l("Mã QR"), "visit": _l("Mã phiếu hẹn")}
WEEKDAY_LABELS = (
    _l("Thứ Hai"),
    _l("Thứ Ba"),
    _l("Thứ Tư"),
    _l("Thứ Năm"),
    _l("Thứ Sáu"),
    _l("Thứ Bảy"),
    _l("Chủ nhật"),
)

SIPAS_LABELS = {
    "access": _l("Tiếp cận dịch vụ"),
    "procedure": _l("Thủ tục hành chính"),
    "civil_servant": _l("Công chức giải quyết"),
    "result": _l("Kết quả giải quyết"),
    "feedback": _l("Tiếp nhận, xử lý ý kiến"),
}


@bp.app_template_filter("sipas")
def sipas(code: str | None) -> str:
    return str(SIPAS_LABELS.get(code or "", "–"))


@bp.app_template_filter("channel")
def channel(code: str) -> str:
    return str(CHANNEL_LABELS.get(code, code))


@bp.app_template_filter("pct")
def pct(value) -> str:
    """An index with one decimal, in the reader's locale (85,3 in Vietnamese); a dash without data."""
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0.0")


@bp.app_template_filter("num")
def num(value) -> str:
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0")


@bp.app_template_filter("localtime")
def localtime(value) -> str:
    if value is None:
        return "–"
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


def _shown(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    return str(value)


@bp.app_template_filter("change_lines")
def change_lines(changes: dict | None) -> list[str]:
    """An audit row's changes as plain lines: "field: old → new" for an update ({field: [old, new]}),
    "field: value" for a creation ({field: value}). The template escapes them like any text."""
    lines = []
    for field, value in (changes or {}).items():
        if isinstance(value, list) and len(value) == 2:
            lines.append(f"{field}: {_shown(value[0])} → {_shown(value[1])}")
        else:
            lines.append(f"{field}: {_shown(value)}")
    return lines


@bp.app_context_processor
def report_links():
    def report_url(endpoint: str, f=None, **values):
        args = f.args() if f is not None else {}
        args.update({k: v for k, v in values.items() if v not in (None, "")})
        return url_for(endpoint, **args)

    return {"report_url": report_url}
