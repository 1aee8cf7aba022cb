"""Template filters of the admin pages: numbers in the reader's locale, local times, audit changes,
and `report_url`, which carries a report's filters into every link."""

from __future__ import annotations

from flask import url_for
from flask_babel import format_decimal
from flask_babel import gettext as _

from admin import bp
from core.timeutil import LOCAL_TZ


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
