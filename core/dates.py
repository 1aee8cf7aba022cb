"""Dates as people type and read them: dd/mm/yyyy. The one parser of a typed date (admin form
fields and report filters alike), which also takes ISO yyyy-mm-dd so that existing links, the
JSON API and scripts keep working."""

from __future__ import annotations

import re
from datetime import date

SHOWN = "%d/%m/%Y"
# What a date input tells its reader to type (the same in both languages: digits only).
PLACEHOLDER = "dd/mm/yyyy"
# The browser's hint only (the server decides): day/month/year with "/", "-" or ".", or ISO.
INPUT_PATTERN = r"\s*([0-9]{1,2}[\/.\-][0-9]{1,2}[\/.\-][0-9]{4}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})\s*"

_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


def parse_date(text: str | None) -> date | None:
    """A typed date: dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or yyyy-mm-dd; None when
    blank. Raises ValueError for anything else, or a day that does not exist (31/02/2024)."""
    value = (text or "").strip()
    if not value:
        return None
    match = _DAY_FIRST.fullmatch(value)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    match = _ISO.fullmatch(value)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return date(year, month, day)
    raise ValueError(f"not a date dd/mm/yyyy: {value!r}")


def shown_date(value: date | None) -> str:
    return value.strftime(SHOWN) if value is not None else ""
