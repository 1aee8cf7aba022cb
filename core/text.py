"""Vietnamese text folded for machines: without diacritics for searching, and as slugs for codes."""

from __future__ import annotations

import re
import unicodedata

# "đ" is a letter of its own, not "d" with a combining mark: NFKD leaves it alone.
_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case without diacritics, so "Hội An", "hoi an" and "HỘI AN" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def slugify(text: str, max_length: int = 64) -> str:
    """ASCII words joined by hyphens ("Thái độ cán bộ" → "thai-do-can-bo"), at most `max_length`."""
    return _NOT_ALNUM.sub("-", fold(text))[:max_length].strip("-")
