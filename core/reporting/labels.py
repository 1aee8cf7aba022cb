"""Vietnamese names of codes, for the documents the core renders (spreadsheets, charts, the
meeting PDF), which the office files as they are. Screens translate the codes themselves."""

from __future__ import annotations

CHANNEL_NAMES = {"kiosk": "Máy tại quầy", "qr": "Mã QR", "visit": "Mã phiếu hẹn"}
WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
# The SIPAS elements a criterion may measure, as the national SIPAS survey names them.
SIPAS_ELEMENT_NAMES = {
    "access": "Tiếp cận dịch vụ",
    "procedure": "Thủ tục hành chính",
    "civil_servant": "Công chức giải quyết",
    "result": "Kết quả giải quyết",
    "feedback": "Tiếp nhận, xử lý ý kiến",
}

# The movement's slogan "Dân vào niềm nở – Hướng dẫn tận tình – Dân về vui vẻ": the default
# survey's criterion codes in the slogan's order. Reports list criteria in this order.
SLOGAN_ORDER = ("welcome", "guidance", "overall")


def slogan_sorted(codes: list[str]) -> list[str]:
    """`codes` with the slogan's criteria first, in the slogan's order; the others keep their order."""
    rank = {code: position for position, code in enumerate(SLOGAN_ORDER)}
    return sorted(codes, key=lambda code: rank.get(code, len(SLOGAN_ORDER)))
