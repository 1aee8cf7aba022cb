"""Numbers written the Vietnamese way for the documents the core renders (charts, PDF, DOCX):
"." groups thousands and "," marks decimals, so 20427 reads "20.427" and 83.5 reads "83,5".

Screens format through Babel in the reader's locale (admin/formatting.py); the core's documents
are Vietnamese whatever the reader's language, so they call this one function instead.
"""

from __future__ import annotations

DASH = "–"


def vn_number(value: float | int | None, digits: int = 0) -> str:
    """`value` rounded to `digits` decimals in Vietnamese notation; a dash when there is no value.

    >>> vn_number(20427), vn_number(83.456, 1), vn_number(-1225.5, 2), vn_number(None)
    ('20.427', '83,5', '-1.225,50', '–')
    """
    if value is None:
        return DASH
    text = f"{value:,.{max(0, digits)}f}"
    if text in ("-0", "-0." + "0" * digits):
        text = text[1:]
    # Swap the separators through a placeholder: "," → ".", "." → ",".
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def vn_percent(value: float | None, digits: int = 1) -> str:
    """An index as "83,5%" (a dash without data)."""
    return DASH if value is None else f"{vn_number(value, digits)}%"
