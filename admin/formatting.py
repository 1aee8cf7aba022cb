"""Template filters of the admin pages: numbers in the reader's locale, local times, audit changes,
and `report_url`, which carries a report's filters into every link."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from flask import url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from admin import bp
from core.dates import INPUT_PATTERN
from core.timeutil import LOCAL_TZ

# The screens' names of the codes the core returns.
CHANNEL_LABELS = {"kiosk": _l("Máy tại quầy"), "qr": _l("Mã QR"), "visit": _l("Mã phiếu hẹn")}
# Why a stored answer is left out of the figures (core.models.FLAGS).
FLAG_LABELS = {"misuse": _l("Nghi gửi dồn dập"), "repeat": _l("Đánh giá lặp lại"), "clock": _l("Giờ máy sai")}
WEEKDAY_LABELS = (
    _l("Thứ Hai"),
    _l("Thứ Ba"),
    _l("Thứ Tư"),
    _l("Thứ Năm"),
    _l("Thứ Sáu"),
    _l("Thứ Bảy"),
    _l("Chủ nhật"),
)

# Roles as a person reads them: the office's role is not named like its unit (TTT-VP, the office).
ROLE_LABELS = {
    "province_admin": _l("Quản trị cấp tỉnh"),
    "unit_manager": _l("Lãnh đạo đơn vị"),
    "viewer": _l("Chỉ xem"),
}
# Unit kinds (core.org.units.UNIT_KINDS) as a person reads them.
UNIT_KIND_LABELS = {
    "province": _l("Cấp tỉnh"),
    "office": _l("Phòng thuộc Thanh tra tỉnh"),
    "department": _l("Sở, ngành"),
    "district": _l("Cấp huyện"),
    "commune": _l("Cấp xã"),
}

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


@bp.app_template_global("in_reader_language")
def in_reader_language(vietnamese: str | None, english: str | None) -> str:
    """A text the data holds in both languages (a criterion's or reason's label), as the reader reads."""
    if english and not str(get_locale() or "vi").startswith("vi"):
        return english
    return vietnamese or ""


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
def num(value, digits: int = 0) -> str:
    """A count (or, with `digits`, a decimal) in the reader's locale: 1.234 / 4,23 in Vietnamese,
    1,234 / 4.23 in English; a dash without data."""
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits > 0 else ""))


@bp.app_template_filter("vndate")
def vndate(value) -> str:
    """A date as dd/mm/yyyy in both languages (an ISO text is read first)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y")


@bp.app_template_filter("unit_kind")
def unit_kind(code: str | None) -> str:
    return str(UNIT_KIND_LABELS.get(code or "", code or "–"))


@bp.app_template_filter("role")
def role(code: str | None) -> str:
    return str(ROLE_LABELS.get(code or "", code or "–"))


@bp.app_template_filter("localtime")
def localtime(value) -> str:
    if value is None:
        return "–"
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


# The fields an audit row's changes name (core.audit.record callers), as a person reads them.
AUDIT_FIELD_LABELS = {
    "name": _l("Tên"),
    "kind": _l("Loại"),
    "parent": _l("Đơn vị cấp trên"),
    "group": _l("Khối, cụm thi đua"),
    "leader": _l("Đơn vị trưởng khối, cụm"),
    "periods": _l("Đợt thi đua theo khối, cụm mới"),
    "role": _l("Vai trò"),
    "unit": _l("Đơn vị"),
    "email": _l("Thư điện tử"),
    "active": _l("Đang hoạt động"),
    "on": _l("Bật"),
    "units": _l("Số đơn vị"),
    "first": _l("Từ ngày"),
    "last": _l("Đến ngày"),
    "decision": _l("Đề xuất"),
    "reason": _l("Lý do"),
    "reasons": _l("Lý do"),
    "value": _l("Số liệu"),
    "note": _l("Ghi chú"),
    "points": _l("Điểm"),
    "file": _l("Tệp"),
    "size": _l("Dung lượng (byte)"),
    "figures": _l("Số dòng số liệu"),
    "working": _l("Ngày làm việc"),
    "days": _l("Số ngày"),
    "source": _l("Nguồn"),
    "due": _l("Hạn trả lời"),
    "channel": _l("Kênh"),
    "status": _l("Trạng thái"),
    "flag": _l("Đánh dấu"),
    "assignee": _l("Người xử lý"),
    "cases": _l("Phản ánh"),
    "minutes": _l("Thời hạn (phút)"),
    "device": _l("Máy tính bảng"),
    "start_date": _l("Ngày bắt đầu"),
    "end_date": _l("Ngày kết thúc"),
    "due_date": _l("Ngày"),
    "created": _l("Số mục tạo mới"),
    "updated": _l("Số mục cập nhật"),
    "from_version": _l("Từ phiên bản"),
    "criteria": _l("Tiêu chí"),
    "previous": _l("Phiên bản trước"),
    "answers": _l("Số câu trả lời"),
    "retention_days": _l("Thời hạn lưu giữ (ngày)"),
    "point": _l("Điểm tiếp nhận"),
    "rule": _l("Quy tắc cảnh báo"),
    "scope": _l("Phạm vi"),
    "min_answers": _l("Số câu trả lời tối thiểu"),
    "share": _l("Tỷ lệ (%%)"),
    "window_minutes": _l("Khoảng thời gian (phút)"),
    "count": _l("Số mã"),
    "published": _l("Công bố"),
    "user": _l("Tài khoản"),
    "title": _l("Tiêu đề"),
    "item4": _l("Cách tính mục 4"),
    "classes": _l("Xếp loại"),
}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")


def field_label(field: str) -> str:
    """A field's name as a person reads it; an unknown one without its underscores."""
    label = AUDIT_FIELD_LABELS.get(field)
    return str(label).replace("%%", "%") if label is not None else field.replace("_", " ")


def shown_value(value) -> str:
    """A stored value as a person reads it: yes/no, numbers in the locale, dates dd/mm/yyyy."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if isinstance(value, int | float):
        return format_decimal(value)
    if isinstance(value, list):
        return ", ".join(shown_value(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{field_label(key)}: {shown_value(item)}" for key, item in value.items())
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return vndate(value)
    if isinstance(value, str) and _ISO_MOMENT.fullmatch(value):
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return localtime(moment) if moment.tzinfo else moment.strftime("%d/%m/%Y %H:%M")
    return str(value)


@bp.app_template_filter("change_lines")
def change_lines(changes: dict | None, shown: Callable[[str, object], str] | None = None) -> list[str]:
    """An audit row's changes as plain lines: "Field: old → new" for an update ({field: [old, new]}),
    "Field: value" for a creation ({field: value}); `shown(field, value)` may name a value (a code
    as its name). The template escapes them like any text."""
    show = shown or (lambda _field, value: shown_value(value))
    lines = []
    for field, value in (changes or {}).items():
        if isinstance(value, list) and len(value) == 2:
            lines.append(f"{field_label(field)}: {show(field, value[0])} → {show(field, value[1])}")
        else:
            lines.append(f"{field_label(field)}: {show(field, value)}")
    return lines


@bp.app_context_processor
def report_links():
    def report_url(endpoint: str, f=None, **values):
        args = f.args() if f is not None else {}
        args.update({k: v for k, v in values.items() if v not in (None, "")})
        return url_for(endpoint, **args)

    # The report filter's date boxes share the form fields' pattern (core.dates).
    return {"report_url": report_url, "date_pattern": INPUT_PATTERN}
