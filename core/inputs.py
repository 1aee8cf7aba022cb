"""The one input guard of every door: JSON bodies, forms, query strings, paths and imports.

What the database cannot store never reaches it. Free text a person typed is cleaned (NUL and other
control characters dropped, unpaired surrogates replaced, NFC); identifiers, numbers and dates that
cannot be stored are refused with ValidationFailed naming the field (422), or, in imports, with a
line-numbered error. Text longer than its column, integers past their column and dates past the
calendar are refused, and so is JSON nested deeper than anyone legitimately sends.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date

from flask_babel import lazy_gettext as _l

from core.errors import CoreError, ValidationFailed

MAX_JSON_DEPTH = 32
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
# Dates the service deals in; anything outside is a typing error or an attack on the arithmetic.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
MAX_QUERY_VALUE = 2000

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 controls and DEL except tab, line feed and carriage return, which people do type.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class UnsupportedMediaType(CoreError):
    code = "unsupported_media_type"
    status = 415


def text_problem(value: str) -> str | None:
    """Why a text cannot be stored as it stands (None when it can)."""
    if "\x00" in value:
        return "contains a NUL character"
    if _SURROGATE.search(value):
        return "contains an unpaired surrogate"
    return None


def clean_text(value: str) -> str:
    """Free text as a person meant it: controls dropped, unpaired surrogates replaced, NFC.

    NFC makes a label typed on a keyboard that sends decomposed Vietnamese (NFD) equal to the
    same label typed precomposed.
    """
    value = _CONTROL.sub("", value)
    value = _SURROGATE.sub("\ufffd", value)
    return unicodedata.normalize("NFC", value)


def check_text(value, field: str, max_length: int | None = None, *, required: bool = False) -> str | None:
    """A text field of a JSON body: cleaned, stripped, within `max_length`; None when absent."""
    if value is None:
        if required:
            raise ValidationFailed(_l("Thiếu dữ liệu bắt buộc."), {field: "required"})
        return None
    if not isinstance(value, str):
        raise ValidationFailed(_l("Dữ liệu không hợp lệ."), {field: "must be a string"})
    value = clean_text(value).strip()
    if required and not value:
        raise ValidationFailed(_l("Thiếu dữ liệu bắt buộc."), {field: "required"})
    if max_length is not None and len(value) > max_length:
        raise ValidationFailed(_l("Dữ liệu quá dài."), {field: f"at most {max_length} characters"})
    return value


def check_int(value, field: str, low: int = 0, high: int = INT32_MAX) -> int:
    """An integer field of a JSON body (booleans and floats refused), within its column."""
    if type(value) is not int or not low <= value <= high:
        raise ValidationFailed(_l("Dữ liệu không hợp lệ."), {field: f"an integer from {low} to {high}"})
    return value


def in_calendar(day: date) -> bool:
    return EARLIEST <= day <= LATEST


def json_body(mimetype: str, data: bytes) -> object:
    """Parse a request body that must be JSON: 415 for another type, 422 for anything unusable.

    Every string in the document (keys too) comes back cleaned by `clean_text`.
    """
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise UnsupportedMediaType(
            _l("Dữ liệu phải được gửi dạng JSON (Content-Type: application/json)."),
            {"content-type": "must be application/json"},
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed(_l("Dữ liệu gửi lên không phải UTF-8."), {"body": "must be UTF-8 JSON"}) from None
    try:
        document = json.loads(text)
    except RecursionError:
        raise _too_deep() from None
    except ValueError:
        raise ValidationFailed(_l("Dữ liệu gửi lên không phải JSON hợp lệ."), {"body": "must be valid JSON"}) from None
    return _cleaned(document)


def _too_deep() -> ValidationFailed:
    return ValidationFailed(_l("Dữ liệu lồng nhau quá sâu."), {"body": f"nested deeper than {MAX_JSON_DEPTH} levels"})


def _cleaned(document):
    """Walk the document without recursion: check depth and integers, clean every string."""
    root = [document]
    stack = [(root, 0, 0)]
    while stack:
        container, key, depth = stack.pop()
        value = container[key]
        if depth > MAX_JSON_DEPTH:
            raise _too_deep()
        if isinstance(value, str):
            container[key] = clean_text(value)
        elif type(value) is int and not -INT64_MAX - 1 <= value <= INT64_MAX:
            raise ValidationFailed(_l("Số quá lớn."), {"body": "integers must fit in 64 bits"})
        elif isinstance(value, list):
            stack.extend((value, index, depth + 1) for index in range(len(value)))
        elif isinstance(value, dict):
            items = {clean_text(k): v for k, v in value.items()}
            value.clear()
            value.update(items)
            stack.extend((value, k, depth + 1) for k in value)
    return root[0]


def json_object(mimetype: str, data: bytes) -> dict:
    body = json_body(mimetype, data)
    if not isinstance(body, dict):
        raise ValidationFailed(_l("Dữ liệu gửi lên phải là một đối tượng JSON."), {"body": "must be a JSON object"})
    return body


def query_problems(args) -> dict[str, str]:
    """Query-string values that no lookup or date could use: {parameter: problem}."""
    problems: dict[str, str] = {}
    for name, value in args.items(multi=True):
        problem = text_problem(name) or text_problem(value)
        if problem is None and len(value) > MAX_QUERY_VALUE:
            problem = f"longer than {MAX_QUERY_VALUE} characters"
        if problem:
            problems[clean_text(name)[:64] or "?"] = problem
    return problems


def path_is_storable(values: dict | None) -> bool:
    """A path segment holding NUL or a surrogate names nothing that exists."""
    return all(not isinstance(v, str) or text_problem(v) is None for v in (values or {}).values())
